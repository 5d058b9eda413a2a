/* Live toy GANs: GANs that train in the reader's browser, no kernel.

A page holds <div class="gan-live" data-gan-live="NAME">fallback text</div>; this script
(loaded on every page of the book, it does nothing where there is no such div) replaces
the div's content with the widget of the config NAME in CONFIGS:

  ch4-gaussian-1d  chapter 4's 1-D Gaussian GAN (model Gan1D)
  ch5-ring         chapter 5's ring of 8, plain GAN, PacGAN or minibatch std (RingGan)
  ch9-critic       chapter 9's WGAN critic between two fixed 1-D densities (Critic1D)

One Widget serves them all: the buttons (play, one step, reset), the config's controls,
readouts, legend and figure, and the loop that trains a few steps and draws once per
animation frame. TensorFlow.js, pinned by the Makefile and copied next to this file
(vendor/tf.min.js) when the book is built, is loaded only on pages that hold a widget.
Nothing is loaded from the network.

The arithmetic of training (forward passes, autodiff, Adam) is TensorFlow.js's, on its
'wasm' backend (XNNPACK compiled to WebAssembly). On a page that is not cross-origin
isolated, as a book page is not, it runs in one thread, and a seed gives the same numbers
bit for bit on every run, as the 'cpu' backend (plain JavaScript) does; it trains about
twice and evaluates about five times as fast (experiments/bench_live_gan.py measures both).
Training steps read nothing back from TensorFlow.js; a frame reads back once, to draw.
The noise and the data come from a seeded generator below, not from TensorFlow.js. What
the widgets read out follows gan_lib, formula for formula:

  JS(p_g, p_data)  gan_lib.toy.metrics.js_from_samples: p_g a Gaussian kernel density
                   estimate (Scott's bandwidth, linear binning on an even grid over the
                   samples +- 6 h and p_data's support, 8 points per kernel width),
                   JS integrated by the trapezoidal rule, clipped to [0, log 2]
  D*(x)            p_data / (p_data + p_g) (Goodfellow et al. 2014, Proposition 1), with
                   p_g that estimate; left out where p_data + p_g < 1e-3, as in chapter 4
  V(D, G)          E_{p_data}[log D] + E_{p_g}[log(1 - D)] (Goodfellow et al. 2014, eq. 1),
                   from logits: the first term by the trapezoidal rule, the second as the
                   mean over the evaluation samples of G
  L_D, L_G         gan_lib.losses: softplus(-l_real) + softplus(l_fake); minimax
                   -softplus(l_fake), non-saturating softplus(-l_fake)
  mode coverage    gan_lib.toy.metrics.mode_coverage (modeCoverage below)
  W1, f*           gan_lib.divergences.wasserstein_1 and optimal_wasserstein_critic
                   (wasserstein1, optimalCritic below); the critic's estimate and its
                   Lipschitz constant as chapter 9 computes them (Critic1D)

The widget's state and readouts are exposed to tests as element.ganLive (see Widget).
*/
(function () {
  "use strict";

  const SCRIPT_SRC = document.currentScript ? document.currentScript.src : "";
  const LOG_2 = Math.log(2);
  const COLORS = {
    data: "#1f77b4",
    generator: "#ff7f0e",
    discriminator: "#2ca02c",
    optimal: "#d62728",
    reference: "#7f7f7f",
  };

  // ---------------------------------------------------------------- random numbers
  /** A seeded generator of uniforms in [0, 1) (mulberry32) and standard normals
   * (Box-Muller); the same seed gives the same numbers in every browser. */
  function Random(seed) {
    let state = (seed >>> 0) ^ 0x9e3779b9;
    let spare = null;
    this.uniform = function () {
      state = (state + 0x6d2b79f5) >>> 0;
      let t = state;
      t = Math.imul(t ^ (t >>> 15), t | 1);
      t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
      return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    };
    this.normal = function () {
      if (spare !== null) {
        const value = spare;
        spare = null;
        return value;
      }
      const u = 1 - this.uniform(); // in (0, 1]
      const v = this.uniform();
      const r = Math.sqrt(-2 * Math.log(u));
      spare = r * Math.sin(2 * Math.PI * v);
      return r * Math.cos(2 * Math.PI * v);
    };
    this.normals = function (n) {
      const out = new Float32Array(n);
      for (let i = 0; i < n; i++) out[i] = this.normal();
      return out;
    };
  }

  // ---------------------------------------------------------------- gan_lib's formulas
  function gaussianPdf(x, mu, sigma) {
    const z = (x - mu) / sigma;
    return Math.exp(-0.5 * z * z) / (sigma * Math.sqrt(2 * Math.PI));
  }

  function softplus(x) {
    return Math.max(x, 0) + Math.log1p(Math.exp(-Math.abs(x)));
  }

  function linspace(lo, hi, n) {
    const out = new Float64Array(n);
    for (let i = 0; i < n; i++) out[i] = lo + ((hi - lo) * i) / (n - 1);
    return out;
  }

  function trapezoid(values, dx) {
    let total = 0;
    for (let i = 1; i < values.length; i++) total += 0.5 * (values[i - 1] + values[i]);
    return total * dx;
  }

  /** Scott's bandwidth h = n^(-1/5) std(samples), at least 1e-6 max(1, max |x|) (gan_lib). */
  function scottBandwidth(samples) {
    const n = samples.length;
    let mean = 0;
    let largest = 0;
    for (let i = 0; i < n; i++) {
      mean += samples[i];
      largest = Math.max(largest, Math.abs(samples[i]));
    }
    mean /= n;
    let variance = 0;
    for (let i = 0; i < n; i++) variance += (samples[i] - mean) ** 2;
    const spread = Math.sqrt(variance / n);
    return Math.max(Math.pow(n, -0.2) * spread, 1e-6 * Math.max(1, largest));
  }

  /** Gaussian KDE of the samples on an even grid: linear binning, then a convolution with
   * the kernel cut at 6 h, renormalized to integrate to 1 (gan_lib.toy.metrics.kde_on_grid). */
  function kdeOnGrid(samples, grid, h) {
    const size = grid.length;
    const dx = grid[1] - grid[0];
    const counts = new Float64Array(size);
    for (let i = 0; i < samples.length; i++) {
      const position = (samples[i] - grid[0]) / dx;
      const left = Math.min(Math.floor(position), size - 2);
      const weight = position - left;
      counts[left] += 1 - weight;
      counts[left + 1] += weight;
    }
    const half = Math.ceil((6 * h) / dx);
    const kernel = new Float64Array(2 * half + 1);
    for (let j = -half; j <= half; j++) kernel[j + half] = Math.exp(-0.5 * ((j * dx) / h) ** 2);
    const density = new Float64Array(size);
    for (let i = 0; i < size; i++) {
      const c = counts[i];
      if (c === 0) continue;
      const from = Math.max(0, i - half);
      const to = Math.min(size - 1, i + half);
      for (let t = from; t <= to; t++) density[t] += c * kernel[t - i + half];
    }
    let total = 0;
    for (let i = 0; i < size; i++) total += density[i];
    for (let i = 0; i < size; i++) density[i] /= total * dx;
    return density;
  }

  // The widget caps the JS grid at 2^16 points (gan_lib: 2^21), which binds only when the
  // samples' range is more than 8,192 kernel widths (a generator collapsed to a point).
  const MAX_GRID = 65536;

  /** JS(p_g, p_data) in nats with p_g the KDE of 1-D samples, p_data = N(mu, sigma^2), as
   * gan_lib.toy.metrics.js_from_samples computes it; also returns the grid and both densities. */
  function jsFromSamples(samples, mu, sigma) {
    const h = scottBandwidth(samples);
    let smallest = Infinity;
    let largest = -Infinity;
    for (let i = 0; i < samples.length; i++) {
      smallest = Math.min(smallest, samples[i]);
      largest = Math.max(largest, samples[i]);
    }
    const lo = Math.min(smallest - 6 * h, mu - 12 * sigma);
    const hi = Math.max(largest + 6 * h, mu + 12 * sigma);
    const points = Math.min(Math.max(Math.ceil((8 * (hi - lo)) / h), 4096), MAX_GRID);
    const grid = linspace(lo, hi, points);
    const pg = kdeOnGrid(samples, grid, h);
    const pd = new Float64Array(points);
    const terms = new Float64Array(points);
    for (let i = 0; i < points; i++) {
      pd[i] = gaussianPdf(grid[i], mu, sigma);
      const m = 0.5 * (pg[i] + pd[i]);
      const g = pg[i] > 0 ? pg[i] * Math.log(pg[i] / m) : 0;
      const d = pd[i] > 0 ? pd[i] * Math.log(pd[i] / m) : 0;
      terms[i] = 0.5 * (g + d);
    }
    const js = Math.min(Math.max(trapezoid(terms, grid[1] - grid[0]), 0), LOG_2);
    return { js, grid, pg, pd, bandwidth: h };
  }

  /** Linear interpolation of (xs, ys) at x (np.interp). */
  function interpolate(x, xs, ys) {
    if (x <= xs[0]) return ys[0];
    if (x >= xs[xs.length - 1]) return ys[ys.length - 1];
    const dx = xs[1] - xs[0];
    const i = Math.min(Math.floor((x - xs[0]) / dx), xs.length - 2);
    const w = (x - xs[i]) / dx;
    return (1 - w) * ys[i] + w * ys[i + 1];
  }

  // ---------------------------------------------------------------- TensorFlow.js
  let tfPromise = null;

  function loadScript(name, present) {
    return new Promise(function (resolve, reject) {
      if (present()) return resolve();
      const script = document.createElement("script");
      script.src = new URL("vendor/" + name, SCRIPT_SRC).href;
      script.onload = function () { resolve(); };
      script.onerror = function () { reject(new Error("TensorFlow.js did not load from " + script.src)); };
      document.head.appendChild(script);
    });
  }

  /** Load TensorFlow.js from vendor/ (next to this script) once, and select GanLive.backend:
   * 'wasm' (vendor/tf-backend-wasm.min.js and its .wasm files) or 'cpu'. */
  function loadTf() {
    if (!tfPromise) {
      const wasm = GanLive.backend === "wasm";
      tfPromise = loadScript("tf.min.js", function () { return Boolean(window.tf); })
        .then(function () {
          if (!wasm) return;
          return loadScript("tf-backend-wasm.min.js", function () { return Boolean(window.tf.wasm); })
            .then(function () { window.tf.wasm.setWasmPaths(new URL("vendor/", SCRIPT_SRC).href); });
        })
        .then(function () {
          const tf = window.tf;
          return tf.setBackend(GanLive.backend).then(function (ok) {
            if (!ok) throw new Error("TensorFlow.js backend '" + GanLive.backend + "' is unavailable");
            return tf;
          });
        });
    }
    return tfPromise;
  }

  /** An MLP's weights in one flat variable (one Adam update per network instead of one per
   * tensor: fewer, larger operations), initialized as Keras does: kernels glorot_uniform,
   * U(-l, l) with l = sqrt(6 / (fan_in + fan_out)), biases 0. With spreadAt = i, layer i
   * takes one more input, the minibatch standard deviation (appendSpread). */
  function Mlp(tf, random, widths, spreadAt) {
    this.widths = widths;
    this.spreadAt = spreadAt === undefined ? -1 : spreadAt;
    this.layers = [];
    let size = 0;
    for (let i = 0; i + 1 < widths.length; i++) {
      const layer = { fanIn: widths[i] + (i === this.spreadAt ? 1 : 0), fanOut: widths[i + 1], kernel: size };
      layer.bias = size + layer.fanIn * layer.fanOut;
      size = layer.bias + layer.fanOut;
      this.layers.push(layer);
    }
    const theta = new Float32Array(size);
    this.layers.forEach(function (layer) {
      const limit = Math.sqrt(6 / (layer.fanIn + layer.fanOut));
      for (let j = 0; j < layer.fanIn * layer.fanOut; j++) {
        theta[layer.kernel + j] = (2 * random.uniform() - 1) * limit;
      }
    });
    this.theta = tf.variable(tf.tensor1d(theta));
  }

  /** Karras et al. (2018), Sec. 3, as gan_lib.toy.models.MinibatchStdDev: every row of h gets
   * one more feature, s = mean_j sqrt(Var_batch(h_j) + 1e-8), the variance over the first
   * `rows` rows of h (all rows when rows is undefined). */
  function appendSpread(tf, h, rows) {
    const batch = rows ? tf.slice(h, [0, 0], [rows, -1]) : h;
    const spread = tf.mean(tf.sqrt(tf.add(tf.moments(batch, 0).variance, 1e-8)));
    return tf.concat([h, tf.mul(tf.ones([h.shape[0], 1]), spread)], 1);
  }

  /** The MLP on x: LeakyReLU(0.2) hidden layers and a linear output (gan_lib.toy.models). */
  function mlp(tf, net, x, spreadRows) {
    let h = x;
    net.layers.forEach(function (layer, i) {
      if (i === net.spreadAt) h = appendSpread(tf, h, spreadRows);
      const kernel = tf.reshape(tf.slice(net.theta, layer.kernel, layer.fanIn * layer.fanOut),
        [layer.fanIn, layer.fanOut]);
      const bias = tf.slice(net.theta, layer.bias, layer.fanOut);
      h = tf.fused.matMul({ a: h, b: kernel, bias: bias });
      if (i + 1 < net.layers.length) h = tf.leakyRelu(h, 0.2);
    });
    return h;
  }

  // ---------------------------------------------------------------- chapter 4's GAN
  /** The 1-D Gaussian GAN of chapter 4: p_data = N(3, 1), G: 4-D noise -> 32 -> 32 -> 1,
   * D: 1 -> 32 -> 32 -> logit, Adam(beta_1 = 0.5) for each, Algorithm 1 with k D-steps. */
  function Gan1D(tf, config, options) {
    this.tf = tf;
    this.config = config;
    this.options = Object.assign({}, config.defaults, options || {});
    const evalRandom = new Random(config.evalSeed);
    this.evalNoise = tf.keep(tf.tensor2d(evalRandom.normals(config.evalSamples * config.noiseDim),
      [config.evalSamples, config.noiseDim]));
    this.xPlot = linspace(config.xRange[0], config.xRange[1], config.plotPoints);
    this.xPlotTensor = tf.keep(tf.tensor2d(Float32Array.from(this.xPlot), [config.plotPoints, 1]));
    const q = config.quadraturePoints;
    const mu = config.data.mu;
    const sigma = config.data.sigma;
    this.xQuad = linspace(mu - 12 * sigma, mu + 12 * sigma, q);
    this.xQuadTensor = tf.keep(tf.tensor2d(Float32Array.from(this.xQuad), [q, 1]));
    this.reset();
  }

  Gan1D.prototype.dispose = function () {
    if (this.G) this.G.theta.dispose();
    if (this.D) this.D.theta.dispose();
    if (this.optG) this.optG.dispose();
    if (this.optD) this.optD.dispose();
  };

  /** Fresh networks and optimizers from the seed: the state at step 0, bit for bit. */
  Gan1D.prototype.reset = function () {
    const tf = this.tf;
    const c = this.config;
    this.dispose();
    const init = new Random(this.options.seed);
    this.G = new Mlp(tf, init, [c.noiseDim].concat(c.hidden, [1]));
    this.D = new Mlp(tf, init, [1].concat(c.hidden, [1]));
    this.random = new Random(this.options.seed + 0x5bd1e995);
    this.optG = tf.train.adam(this.options.lrG, c.beta1, 0.999, 1e-7);
    this.optD = tf.train.adam(this.options.lrD, c.beta1, 0.999, 1e-7);
    this.step = 0;
    this.last = { dLoss: NaN, gLoss: NaN, dReal: NaN, dFake: NaN };
  };

  Gan1D.prototype.set = function (name, value) {
    this.options[name] = value;
    if (name === "lrG") this.optG.learningRate = value;
    if (name === "lrD") this.optD.learningRate = value;
  };

  Gan1D.prototype.realBatch = function (n) {
    const d = this.config.data;
    const x = this.random.normals(n);
    for (let i = 0; i < n; i++) x[i] = d.mu + d.sigma * x[i];
    return this.tf.tensor2d(x, [n, 1]);
  };

  Gan1D.prototype.noiseBatch = function (n) {
    return this.tf.tensor2d(this.random.normals(n * this.config.noiseDim), [n, this.config.noiseDim]);
  };

  /** One iteration of Algorithm 1 (gan_lib.train_step.train_step): k updates of D on
   * L_D = mean softplus(-l_real) + mean softplus(l_fake), then one of G on its loss. */
  Gan1D.prototype.trainStep = function () {
    const tf = this.tf;
    const self = this;
    const o = this.options;
    const m = o.batch;
    const dVars = [this.D.theta];
    const gVars = [this.G.theta];
    let dLoss, gLoss, dReal, dFake;
    tf.tidy(function () {
      for (let i = 0; i < o.k; i++) {
        const real = self.realBatch(m);
        const z = self.noiseBatch(m);
        const cost = self.optD.minimize(function () {
          // One pass of D over the real batch and the fakes together.
          const logits = mlp(tf, self.D, tf.concat([real, mlp(tf, self.G, z)], 0));
          const realLogits = tf.slice(logits, [0, 0], [m, 1]);
          const fakeLogits = tf.slice(logits, [m, 0], [m, 1]);
          if (i === o.k - 1) {
            dReal = tf.keep(tf.mean(tf.sigmoid(realLogits)));
            dFake = tf.keep(tf.mean(tf.sigmoid(fakeLogits)));
          }
          return tf.add(tf.mean(tf.softplus(tf.neg(realLogits))), tf.mean(tf.softplus(fakeLogits)));
        }, true, dVars);
        if (i === o.k - 1) dLoss = tf.keep(cost);
      }
      const z = self.noiseBatch(m);
      gLoss = tf.keep(self.optG.minimize(function () {
        const fakeLogits = mlp(tf, self.D, mlp(tf, self.G, z));
        return o.loss === "minimax"
          ? tf.neg(tf.mean(tf.softplus(fakeLogits)))
          : tf.mean(tf.softplus(tf.neg(fakeLogits)));
      }, true, gVars));
    });
    this.step += 1;
    const last = { dLoss: dLoss, gLoss: gLoss, dReal: dReal, dFake: dFake };
    const previous = this.lastTensors;
    this.lastTensors = last;
    if (previous) Object.values(previous).forEach(function (t) { t.dispose(); });
  };

  Gan1D.prototype.train = function (steps) {
    for (let i = 0; i < steps; i++) this.trainStep();
    if (this.lastTensors) {
      const t = this.lastTensors;
      this.last = {
        dLoss: t.dLoss.dataSync()[0],
        gLoss: t.gLoss.dataSync()[0],
        dReal: t.dReal.dataSync()[0],
        dFake: t.dFake.dataSync()[0],
      };
    }
  };

  /** What the figure and the readouts show, from G on fixed evaluation noise. */
  Gan1D.prototype.evaluate = function () {
    const tf = this.tf;
    const self = this;
    const c = this.config;
    const out = tf.tidy(function () {
      const samples = mlp(tf, self.G, self.evalNoise);
      return {
        samples: samples.dataSync().slice(),
        fakeLogits: mlp(tf, self.D, samples).dataSync().slice(),
        plotLogits: mlp(tf, self.D, self.xPlotTensor).dataSync().slice(),
        quadLogits: mlp(tf, self.D, self.xQuadTensor).dataSync().slice(),
      };
    });
    const mu = c.data.mu;
    const sigma = c.data.sigma;
    if (!out.samples.every(Number.isFinite)) {
      return { step: this.step, diverged: true };
    }
    const est = jsFromSamples(out.samples, mu, sigma);
    const n = this.xPlot.length;
    const pData = new Float64Array(n);
    const pG = new Float64Array(n);
    const d = new Float64Array(n);
    const dStar = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      const x = this.xPlot[i];
      pData[i] = gaussianPdf(x, mu, sigma);
      pG[i] = interpolate(x, est.grid, est.pg);
      d[i] = 1 / (1 + Math.exp(-out.plotLogits[i]));
      const total = pData[i] + pG[i];
      dStar[i] = total > 1e-3 ? pData[i] / total : NaN;
    }
    const realTerm = new Float64Array(this.xQuad.length);
    for (let i = 0; i < realTerm.length; i++) {
      realTerm[i] = -gaussianPdf(this.xQuad[i], mu, sigma) * softplus(-out.quadLogits[i]);
    }
    let fakeTerm = 0;
    for (let i = 0; i < out.fakeLogits.length; i++) fakeTerm -= softplus(out.fakeLogits[i]);
    fakeTerm /= out.fakeLogits.length;
    const value = trapezoid(realTerm, this.xQuad[1] - this.xQuad[0]) + fakeTerm;
    return {
      step: this.step,
      diverged: false,
      js: est.js,
      value: value,
      dReal: this.last.dReal,
      dFake: this.last.dFake,
      dLoss: this.last.dLoss,
      gLoss: this.last.gLoss,
      x: this.xPlot,
      pData: pData,
      pG: pG,
      d: d,
      dStar: dStar,
      samples: out.samples,
    };
  };

  /** Every weight of G and D, as one plain array each (tests). */
  Gan1D.prototype.weights = function () {
    return [Array.from(this.G.theta.dataSync()), Array.from(this.D.theta.dataSync())];
  };

  /** Set G to the affine map G(z) = a z_1 + b exactly, through its LeakyReLU layers:
   * leaky(t) - leaky(-t) = 1.2 t, so two units per layer carry z_1 through (tests). */
  Gan1D.prototype.setAffineGenerator = function (a, b) {
    const layers = this.G.layers;
    const theta = new Float32Array(this.G.theta.size);
    layers.forEach(function (layer, i) {
      const k = layer.kernel;
      const out = layer.fanOut;
      if (i === 0) {
        theta[k] = 1; // unit 0 = z_1
        theta[k + 1] = -1; // unit 1 = -z_1
      } else if (i + 1 < layers.length) {
        theta[k] = 1; // unit 0 = h_0 - h_1
        theta[k + out] = -1;
        theta[k + 1] = -1; // unit 1 = h_1 - h_0
        theta[k + out + 1] = 1;
      } else {
        const scale = a / Math.pow(1.2, i);
        theta[k] = scale;
        theta[k + out] = -scale;
        theta[layer.bias] = b;
      }
    });
    this.G.theta.assign(this.tf.tensor1d(theta));
  };

  // ---------------------------------------------------------------- more of gan_lib's formulas
  /** A learning rate that follows keras.optimizers.schedules.CosineDecay (Loshchilov and
   * Hutter 2017) at update t = 0, 1, ...: rate ((1 - alpha) (1 + cos(pi min(t, T) / T)) / 2 + alpha). */
  function cosineDecay(rate, t, steps, alpha) {
    const done = Math.min(t, steps) / steps;
    return rate * ((1 - alpha) * 0.5 * (1 + Math.cos(Math.PI * done)) + alpha);
  }

  /** erf(x) to double precision: 2/sqrt(pi) exp(-x^2) sum_n 2^n x^(2n+1) / (1 3 ... (2n+1)),
   * a series of positive terms (Abramowitz and Stegun 7.1.6); +-1 beyond |x| = 6. */
  function erf(x) {
    if (Math.abs(x) >= 6) return Math.sign(x);
    let term = x;
    let total = x;
    for (let n = 1; Math.abs(term) > 1e-17 * Math.abs(total); n++) {
      term *= (2 * x * x) / (2 * n + 1);
      total += term;
    }
    return (2 / Math.sqrt(Math.PI)) * Math.exp(-x * x) * total;
  }

  /** erfc(x) = 1 - erf(x), accurate in the upper tail: for x >= 2 the continued fraction
   * exp(-x^2) / sqrt(pi) / (x + (1/2) / (x + 1 / (x + (3/2) / (x + ...)))) (Abramowitz and
   * Stegun 7.1.14), evaluated from its 80th term back. */
  function erfc(x) {
    if (x < 2) return 1 - erf(x);
    let tail = x;
    for (let n = 80; n >= 1; n--) tail = x + n / 2 / tail;
    return Math.exp(-x * x) / Math.sqrt(Math.PI) / tail;
  }

  /** The standard normal CDF as SciPy's special.ndtr (Cephes) computes it: from erf near 0,
   * from erfc in the tails, so that tiny probabilities keep their digits. */
  function ndtr(z) {
    const x = z * Math.SQRT1_2;
    if (Math.abs(x) < Math.SQRT1_2) return 0.5 + 0.5 * erf(x);
    return x > 0 ? 1 - 0.5 * erfc(x) : 0.5 * erfc(-x);
  }

  /** A 1-D Gaussian mixture {weights, mus, sigmas} (gan_lib.probability.GaussianMixture). */
  function mixturePdf(m, x) {
    let total = 0;
    for (let i = 0; i < m.weights.length; i++) total += m.weights[i] * gaussianPdf(x, m.mus[i], m.sigmas[i]);
    return total;
  }

  function mixtureCdf(m, x) {
    let total = 0;
    for (let i = 0; i < m.weights.length; i++) total += m.weights[i] * ndtr((x - m.mus[i]) / m.sigmas[i]);
    return total;
  }

  /** W1(P, Q) = integral |F_P - F_Q| dx (gan_lib.divergences.wasserstein_1, which uses
   * adaptive quadrature): here the trapezoidal rule on the grid, which must cover both supports. */
  function wasserstein1(p, q, grid) {
    const gaps = grid.map(function (x) { return Math.abs(mixtureCdf(p, x) - mixtureCdf(q, x)); });
    return trapezoid(gaps, grid[1] - grid[0]);
  }

  /** The optimal critic on the grid, f' = sign(F_Q - F_P), f(grid[0]) = 0 by the cumulative
   * trapezoidal rule (gan_lib.divergences.optimal_wasserstein_critic). */
  function optimalCritic(p, q, grid) {
    const f = new Float64Array(grid.length);
    let previous = Math.sign(mixtureCdf(q, grid[0]) - mixtureCdf(p, grid[0]));
    for (let i = 1; i < grid.length; i++) {
      const slope = Math.sign(mixtureCdf(q, grid[i]) - mixtureCdf(p, grid[i]));
      f[i] = f[i - 1] + 0.5 * (previous + slope) * (grid[i] - grid[i - 1]);
      previous = slope;
    }
    return f;
  }

  /** The centers radius (cos 2 pi k / K, sin 2 pi k / K) of the ring (gan_lib.toy.data.ring_centers). */
  function ringCenters(modes, radius) {
    const centers = [];
    for (let k = 0; k < modes; k++) {
      const angle = (2 * Math.PI * k) / modes;
      centers.push([radius * Math.cos(angle), radius * Math.sin(angle)]);
    }
    return centers;
  }

  /** gan_lib.toy.metrics.mode_coverage for 2-D points (x0, y0, x1, y1, ...): a point is high
   * quality if within threshold * std of its nearest center; a mode is covered if it is the
   * nearest center of at least one high-quality point, covered strictly with at least
   * minSamples of them (default ceil(n / (5 K)), gan_lib.toy.metrics.fair_share_minimum). */
  function modeCoverage(points, centers, std, threshold, minSamples) {
    const n = points.length / 2;
    const limit = (threshold === undefined ? 3 : threshold) * std;
    const least = minSamples === undefined ? Math.ceil(n / (5 * centers.length)) : minSamples;
    const counts = new Array(centers.length).fill(0);
    let good = 0;
    for (let i = 0; i < n; i++) {
      let best = Infinity;
      let nearest = 0;
      centers.forEach(function (c, k) {
        const distance = Math.hypot(points[2 * i] - c[0], points[2 * i + 1] - c[1]);
        if (distance < best) {
          best = distance;
          nearest = k;
        }
      });
      if (best <= limit) {
        good += 1;
        counts[nearest] += 1;
      }
    }
    return {
      modesCovered: counts.filter(function (c) { return c > 0; }).length,
      modesCoveredStrict: counts.filter(function (c) { return c >= least; }).length,
      minSamples: least,
      highQualityFraction: good / n,
      counts: counts,
    };
  }
  // ---------------------------------------------------------------- chapter 5's ring
  /** The ring of 8 of chapter 5: p_data an equal mixture of N(c_k, 0.02^2 I) on a circle of
   * radius 2; G: 8-D noise -> 128 -> 128 -> 128 -> 2, D: 2 -> 128 -> 128 -> logit; Adam
   * (beta_1 = 0.5) for each with the chapter's cosine decay from 1e-3 to 2% over 8,000
   * updates; batches of 256. Remedies (gan_lib.toy.models.mlp_discriminator): PacGAN packs
   * of 4 (D judges 4 samples at once, concatenated), or the minibatch standard deviation
   * appended to the input of D's last hidden layer. D judges real and fake batches
   * separately, as gan_lib's trainer does, so the spread is that of a pure batch. */
  function RingGan(tf, config, options) {
    this.tf = tf;
    this.config = config;
    this.options = Object.assign({}, config.defaults, options || {});
    const d = config.data;
    this.centers = ringCenters(d.modes, d.radius);
    const evalRandom = new Random(config.evalSeed);
    this.evalNoise = tf.keep(tf.tensor2d(evalRandom.normals(config.evalSamples * config.noiseDim),
      [config.evalSamples, config.noiseDim]));
    // Fixed real points: shown in the figure, and the company of a point x in the heat
    // map, where D judges x in a pack with three of them (PacGAN) or in a batch of them
    // (the minibatch standard deviation).
    this.realPoints = this.ringPoints(new Random(config.evalSeed + 1), config.realShown);
    const n = config.heatPoints;
    const [lo, hi] = config.extent;
    const heat = new Float32Array(n * n * 2);
    for (let row = 0; row < n; row++) {
      for (let col = 0; col < n; col++) {
        const i = row * n + col;
        heat[2 * i] = lo + ((hi - lo) * (col + 0.5)) / n;
        heat[2 * i + 1] = hi - ((hi - lo) * (row + 0.5)) / n;
      }
    }
    this.heatPoints = tf.keep(tf.tensor2d(heat, [n * n, 2]));
    this.company = tf.keep(tf.tensor2d(this.realPoints.slice(0, 2 * config.batch), [config.batch, 2]));
    this.reset();
  }

  RingGan.prototype.dispose = Gan1D.prototype.dispose;

  RingGan.prototype.pack = function () {
    return this.options.remedy === "pacgan" ? this.config.pack : 1;
  };

  RingGan.prototype.reset = function () {
    const tf = this.tf;
    const c = this.config;
    this.dispose();
    const init = new Random(this.options.seed);
    this.G = new Mlp(tf, init, [c.noiseDim].concat(c.hidden, [2]));
    const spreadAt = this.options.remedy === "mbstd" ? c.dHidden.length - 1 : -1;
    this.D = new Mlp(tf, init, [2 * this.pack()].concat(c.dHidden, [1]), spreadAt);
    this.random = new Random(this.options.seed + 0x5bd1e995);
    this.optG = tf.train.adam(this.rate(0), c.beta1, 0.999, 1e-7);
    this.optD = tf.train.adam(this.rate(0), c.beta1, 0.999, 1e-7);
    this.step = 0;
    this.last = { dLoss: NaN, gLoss: NaN, dReal: NaN, dFake: NaN };
    if (this.lastTensors) Object.values(this.lastTensors).forEach(function (t) { t.dispose(); });
    this.lastTensors = null;
  };

  RingGan.prototype.rate = function (t) {
    const c = this.config;
    return cosineDecay(this.options.lr, t, c.decaySteps, c.finalFraction);
  };

  RingGan.prototype.set = function (name, value) {
    this.options[name] = value;
  };

  /** n points of the ring (gan_lib.toy.data.RingSampler): a mode uniformly, then its
   * center plus std times a standard normal in each coordinate; (x0, y0, x1, y1, ...). */
  RingGan.prototype.ringPoints = function (random, n) {
    const d = this.config.data;
    const out = new Float32Array(2 * n);
    for (let i = 0; i < n; i++) {
      const center = this.centers[Math.min(Math.floor(random.uniform() * d.modes), d.modes - 1)];
      out[2 * i] = center[0] + d.std * random.normal();
      out[2 * i + 1] = center[1] + d.std * random.normal();
    }
    return out;
  };

  /** D's logits: one per sample, or one per pack of consecutive samples with PacGAN. */
  RingGan.prototype.discriminate = function (x, spreadRows) {
    const tf = this.tf;
    const pack = this.pack();
    return mlp(tf, this.D, pack > 1 ? tf.reshape(x, [-1, 2 * pack]) : x, spreadRows);
  };

  /** One iteration of Algorithm 1 with k = 1 and the non-saturating generator loss, the
   * learning rates at this update of the cosine decay. */
  RingGan.prototype.trainStep = function () {
    const tf = this.tf;
    const self = this;
    const m = this.options.batch;
    const random = this.random;
    const noiseDim = this.config.noiseDim;
    this.optD.learningRate = this.optG.learningRate = this.rate(this.step);
    let last;
    tf.tidy(function () {
      const real = tf.tensor2d(self.ringPoints(random, m), [m, 2]);
      const z = tf.tensor2d(random.normals(m * noiseDim), [m, noiseDim]);
      let dReal, dFake;
      const dLoss = self.optD.minimize(function () {
        const realLogits = self.discriminate(real);
        const fakeLogits = self.discriminate(mlp(tf, self.G, z));
        dReal = tf.keep(tf.mean(tf.sigmoid(realLogits)));
        dFake = tf.keep(tf.mean(tf.sigmoid(fakeLogits)));
        return tf.add(tf.mean(tf.softplus(tf.neg(realLogits))), tf.mean(tf.softplus(fakeLogits)));
      }, true, [self.D.theta]);
      const z2 = tf.tensor2d(random.normals(m * noiseDim), [m, noiseDim]);
      const gLoss = self.optG.minimize(function () {
        return tf.mean(tf.softplus(tf.neg(self.discriminate(mlp(tf, self.G, z2)))));
      }, true, [self.G.theta]);
      last = { dLoss: tf.keep(dLoss), gLoss: tf.keep(gLoss), dReal: dReal, dFake: dFake };
    });
    this.step += 1;
    const previous = this.lastTensors;
    this.lastTensors = last;
    if (previous) Object.values(previous).forEach(function (t) { t.dispose(); });
  };

  RingGan.prototype.train = Gan1D.prototype.train;

  /** D(x) on the heat map's grid: for PacGAN, of the pack (x, r_1, r_2, r_3) with three
   * fixed real points; for the minibatch feature, with the spread of a batch of real points. */
  RingGan.prototype.heatLogits = function () {
    const tf = this.tf;
    const pack = this.pack();
    const n = this.heatPoints.shape[0];
    if (pack > 1) {
      const others = tf.tile(tf.slice(this.company, [0, 0], [pack - 1, 2]), [n, 1]);
      const packs = tf.concat([this.heatPoints, tf.reshape(others, [n, 2 * (pack - 1)])], 1);
      return mlp(tf, this.D, packs);
    }
    if (this.D.spreadAt >= 0) {
      const rows = this.company.shape[0];
      return tf.slice(mlp(tf, this.D, tf.concat([this.company, this.heatPoints], 0), rows), [rows, 0], [n, 1]);
    }
    return mlp(tf, this.D, this.heatPoints);
  };

  RingGan.prototype.evaluate = function () {
    const tf = this.tf;
    const self = this;
    const c = this.config;
    const out = tf.tidy(function () {
      return {
        samples: mlp(tf, self.G, self.evalNoise).dataSync().slice(),
        heat: tf.sigmoid(self.heatLogits()).dataSync().slice(),
      };
    });
    if (!out.samples.every(Number.isFinite)) return { step: this.step, diverged: true };
    const coverage = modeCoverage(out.samples, this.centers, c.data.std);
    return Object.assign({
      step: this.step,
      diverged: false,
      samples: out.samples,
      heat: out.heat,
      real: this.realPoints,
      centers: this.centers,
      coverage: coverage,
      modesCovered: coverage.modesCovered,
      modesCoveredStrict: coverage.modesCoveredStrict,
      highQuality: coverage.highQualityFraction,
    }, this.last);
  };

  RingGan.prototype.weights = Gan1D.prototype.weights;

  // ---------------------------------------------------------------- chapter 9's critics
  /** A 1-D WGAN critic of chapter 9 between fixed P = (N(-2, 0.6^2) + N(2, 0.6^2)) / 2 and
   * Q = N(0, 1): an MLP 1 -> 64 -> 64 -> 1 (LeakyReLU 0.2), Adam(beta_1 = 0.5, beta_2 = 0.9)
   * from 1e-3 with the chapter's cosine decay to 5% over 2,000 updates, batches of 512 of
   * each, maximizing E_P f - E_Q f (gan_lib.losses.wasserstein_critic_loss is its
   * negative), kept near 1-Lipschitz by one of
   *   weight clipping   every weight and bias clipped to [-c, c] after each update,
   *                     c = 0.01 (Arjovsky et al. 2017, Algorithm 1)
   *   gradient penalty  + lambda E[(|f'(xhat)| - 1)^2], xhat = eps x_P + (1 - eps) x_Q,
   *                     eps ~ U[0, 1] (Gulrajani et al. 2017; gan_lib.losses.gradient_penalty);
   *                     f' by forward-mode differentiation through the layers (exact for
   *                     this piecewise-linear network)
   *   spectral norm     each kernel divided by a one-step power-iteration estimate of its
   *                     largest singular value before the update, as
   *                     keras.layers.SpectralNormalization does in a training call (chapter
   *                     9 calls the critic twice per update, on P's batch then Q's, so
   *                     twice); evaluated, like Keras's layer outside training, with the
   *                     kernels as the last update left them.
   * What it reads out follows chapter 9: on a grid of 8,001 points over [-10, 10], the
   * critic's estimate integral f (p - q) dx (trapezoidal rule), its Lipschitz constant L,
   * the largest slope between neighbouring grid points, and the corrected estimate / L. */
  function Critic1D(tf, config, options) {
    this.tf = tf;
    this.config = config;
    this.options = Object.assign({}, config.defaults, options || {});
    const p = config.p;
    const q = config.q;
    this.grid = linspace(config.grid[0], config.grid[1], config.grid[2]);
    this.gridTensor = tf.keep(tf.tensor2d(Float32Array.from(this.grid), [this.grid.length, 1]));
    this.pPdf = this.grid.map(function (x) { return mixturePdf(p, x); });
    this.qPdf = this.grid.map(function (x) { return mixturePdf(q, x); });
    this.w1 = wasserstein1(p, q, this.grid);
    this.fStar = optimalCritic(p, q, this.grid);
    this.reset();
  }

  Critic1D.prototype.dispose = function () {
    if (this.D) this.D.theta.dispose();
    if (this.opt) this.opt.dispose();
    (this.u || []).forEach(function (u) { u.dispose(); });
    if (this.lastTensors) Object.values(this.lastTensors).forEach(function (t) { t.dispose(); });
    this.lastTensors = null;
  };

  Critic1D.prototype.reset = function () {
    const tf = this.tf;
    const c = this.config;
    this.dispose();
    const init = new Random(this.options.seed);
    this.D = new Mlp(tf, init, [1].concat(c.hidden, [1]));
    this.u = this.D.layers.map(function (layer) {
      return tf.keep(tf.tensor2d(init.normals(layer.fanOut), [1, layer.fanOut]));
    });
    this.random = new Random(this.options.seed + 0x5bd1e995);
    this.opt = tf.train.adam(this.rate(0), c.beta1, c.beta2, 1e-7);
    this.step = 0;
    this.last = { objective: NaN, loss: NaN };
  };

  Critic1D.prototype.rate = function (t) {
    const c = this.config;
    return cosineDecay(this.options.lr, t, c.decaySteps, c.finalFraction);
  };

  Critic1D.prototype.set = function (name, value) {
    this.options[name] = value;
  };

  Critic1D.prototype.constraint = function () {
    return this.config.constraints[this.options.constraint];
  };

  Critic1D.prototype.sample = function (density, n) {
    const random = this.random;
    const x = new Float32Array(n);
    for (let i = 0; i < n; i++) {
      let k = 0;
      if (density.weights.length > 1) {
        const u = random.uniform();
        let cumulative = density.weights[0];
        while (u >= cumulative && k + 1 < density.weights.length) cumulative += density.weights[++k];
      }
      x[i] = density.mus[k] + density.sigmas[k] * random.normal();
    }
    return this.tf.tensor2d(x, [n, 1]);
  };

  /** One power-iteration step per layer and kernel W := W / sigma_hat (Keras's
   * SpectralNormalization): v = u W^T / |.|, u = v W / |.|, sigma_hat = v W u^T. */
  Critic1D.prototype.normalize = function () {
    const tf = this.tf;
    const D = this.D;
    const self = this;
    const unit = function (t) { return tf.div(t, tf.sqrt(tf.maximum(tf.sum(tf.square(t)), 1e-12))); };
    const pieces = [];
    D.layers.forEach(function (layer, i) {
      const kernel = tf.reshape(tf.slice(D.theta, layer.kernel, layer.fanIn * layer.fanOut),
        [layer.fanIn, layer.fanOut]);
      const v = unit(tf.matMul(self.u[i], kernel, false, true));
      const u = unit(tf.matMul(v, kernel));
      const sigma = tf.sum(tf.mul(tf.matMul(v, kernel), u));
      self.u[i].dispose();
      self.u[i] = tf.keep(u);
      pieces.push(tf.reshape(tf.div(kernel, sigma), [-1]), tf.slice(D.theta, layer.bias, layer.fanOut));
    });
    D.theta.assign(tf.concat(pieces));
  };

  /** The critic f and its slope f' at the points x (n, 1), by forward-mode differentiation. */
  function criticWithSlope(tf, net, x) {
    let h = x;
    let slope = tf.onesLike(x);
    net.layers.forEach(function (layer, i) {
      const kernel = tf.reshape(tf.slice(net.theta, layer.kernel, layer.fanIn * layer.fanOut),
        [layer.fanIn, layer.fanOut]);
      const pre = tf.add(tf.matMul(h, kernel), tf.slice(net.theta, layer.bias, layer.fanOut));
      slope = tf.matMul(slope, kernel);
      if (i + 1 < net.layers.length) {
        slope = tf.mul(slope, tf.step(pre, 0.2)); // LeakyReLU's slope: 1 or 0.2
        h = tf.leakyRelu(pre, 0.2);
      } else {
        h = pre;
      }
    });
    return { f: h, slope: slope };
  }

  /** The critic's loss on batches xP, xQ (n, 1): -(E_P f - E_Q f), plus with the gradient
   * penalty lambda mean((|f'(xhat)| - 1)^2), xhat = eps xP + (1 - eps) xQ. */
  Critic1D.prototype.loss = function (xP, xQ, eps) {
    const tf = this.tf;
    const penalty = this.constraint().penalty;
    const objective = tf.sub(tf.mean(mlp(tf, this.D, xP)), tf.mean(mlp(tf, this.D, xQ)));
    let loss = tf.neg(objective);
    if (penalty) {
      const mixed = tf.add(tf.mul(eps, xP), tf.mul(tf.sub(1, eps), xQ));
      const norms = tf.sqrt(tf.add(tf.square(criticWithSlope(tf, this.D, mixed).slope), 1e-12));
      loss = tf.add(loss, tf.mul(penalty, tf.mean(tf.square(tf.sub(norms, 1)))));
    }
    return { objective: objective, loss: loss };
  };

  /** The loss and its gradient with respect to the weights on given batches (tests). */
  Critic1D.prototype.lossGradient = function (xP, xQ, eps) {
    const tf = this.tf;
    const self = this;
    return tf.tidy(function () {
      const column = function (values) { return tf.tensor2d(Float32Array.from(values), [values.length, 1]); };
      const out = tf.variableGrads(function () {
        return self.loss(column(xP), column(xQ), column(eps)).loss;
      }, [self.D.theta]);
      return { loss: out.value.dataSync()[0], gradient: Array.from(out.grads[self.D.theta.name].dataSync()) };
    });
  };

  Critic1D.prototype.trainStep = function () {
    const tf = this.tf;
    const self = this;
    const c = this.config;
    const constraint = this.constraint();
    const m = c.batch;
    this.opt.learningRate = this.rate(this.step);
    let last;
    tf.tidy(function () {
      const xP = self.sample(c.p, m);
      const xQ = self.sample(c.q, m);
      const eps = constraint.penalty ? tf.tensor2d(Float32Array.from({ length: m }, self.random.uniform), [m, 1]) : null;
      if (constraint.spectral) {
        self.normalize();
        self.normalize();
      }
      let objective;
      const loss = self.opt.minimize(function () {
        const terms = self.loss(xP, xQ, eps);
        objective = tf.keep(terms.objective);
        return terms.loss;
      }, true, [self.D.theta]);
      if (constraint.clip) self.D.theta.assign(tf.clipByValue(self.D.theta, -constraint.clip, constraint.clip));
      last = { objective: objective, loss: tf.keep(loss) };
    });
    this.step += 1;
    const previous = this.lastTensors;
    this.lastTensors = last;
    if (previous) Object.values(previous).forEach(function (t) { t.dispose(); });
  };

  Critic1D.prototype.train = function (steps) {
    for (let i = 0; i < steps; i++) this.trainStep();
    if (this.lastTensors) {
      this.last = {
        objective: this.lastTensors.objective.dataSync()[0],
        loss: this.lastTensors.loss.dataSync()[0],
      };
    }
  };

  /** Chapter 9's table for this critic: estimate, L, estimate / L; and the curves drawn. */
  Critic1D.prototype.evaluate = function () {
    const tf = this.tf;
    const self = this;
    const f = tf.tidy(function () { return mlp(tf, self.D, self.gridTensor).dataSync().slice(); });
    if (!f.every(Number.isFinite)) return { step: this.step, diverged: true };
    const x = this.grid;
    const dx = x[1] - x[0];
    const weighted = new Float64Array(x.length);
    let lipschitz = 0;
    for (let i = 0; i < x.length; i++) {
      weighted[i] = f[i] * (this.pPdf[i] - this.qPdf[i]);
      if (i > 0) lipschitz = Math.max(lipschitz, Math.abs(f[i] - f[i - 1]) / (x[i] - x[i - 1]));
    }
    const estimate = trapezoid(weighted, dx);
    const qPdf = this.qPdf;
    const centered = function (values, scale) {
      const mean = trapezoid(values.map(function (v, i) { return (v / scale) * qPdf[i]; }), dx);
      return values.map(function (v) { return v / scale - mean; });
    };
    return {
      step: this.step,
      diverged: false,
      x: x,
      f: f,
      w1: this.w1,
      estimate: estimate,
      lipschitz: lipschitz,
      corrected: estimate / lipschitz,
      objective: this.last.objective,
      fShown: centered(Float64Array.from(f), lipschitz || 1),
      fStar: centered(this.fStar, 1),
      pPdf: this.pPdf,
      qPdf: this.qPdf,
    };
  };

  Critic1D.prototype.weights = function () {
    return [Array.from(this.D.theta.dataSync())];
  };

  /** The critic and its slope by forward-mode differentiation at the points xs (tests). */
  Critic1D.prototype.slopes = function (xs) {
    const tf = this.tf;
    const self = this;
    return tf.tidy(function () {
      const out = criticWithSlope(tf, self.D, tf.tensor2d(Float32Array.from(xs), [xs.length, 1]));
      return { f: Array.from(out.f.dataSync()), slope: Array.from(out.slope.dataSync()) };
    });
  };
  // ---------------------------------------------------------------- drawing
  /** Axes in a canvas: returns the maps px(x), py(y) from data to pixels. */
  function axes(ctx, box, xRange, yRange, labels) {
    const px = function (x) { return box.left + ((x - xRange[0]) / (xRange[1] - xRange[0])) * (box.right - box.left); };
    const py = function (y) {
      const clipped = Math.min(Math.max(y, yRange[0]), yRange[1]);
      return box.bottom - ((clipped - yRange[0]) / (yRange[1] - yRange[0])) * (box.bottom - box.top);
    };
    ctx.font = "11px sans-serif";
    ctx.fillStyle = "#333";
    ctx.strokeStyle = "#999";
    ctx.lineWidth = 1;
    ctx.beginPath();
    ctx.moveTo(box.left, box.top);
    ctx.lineTo(box.left, box.bottom);
    ctx.lineTo(box.right, box.bottom);
    ctx.stroke();
    ctx.textAlign = "center";
    ctx.textBaseline = "top";
    labels.xTicks.forEach(function (t) { ctx.fillText(String(t).replace("-", "\u2212"), px(t), box.bottom + 3); });
    ctx.fillText(labels.x, (box.left + box.right) / 2, box.bottom + 17);
    ctx.save();
    ctx.translate(10, (box.top + box.bottom) / 2);
    ctx.rotate(-Math.PI / 2);
    ctx.fillText(labels.y, 0, 0);
    ctx.restore();
    ctx.textAlign = "right";
    ctx.textBaseline = "middle";
    labels.yTicks.forEach(function (t) {
      ctx.fillText(labels.yFormat(t).replace("-", "\u2212"), box.left - 4, py(t));
    });
    return { px: px, py: py };
  }

  function curve(ctx, map, xs, values, color, width, dash) {
    ctx.strokeStyle = color;
    ctx.lineWidth = width;
    ctx.setLineDash(dash || []);
    ctx.beginPath();
    let pen = false;
    for (let i = 0; i < xs.length; i++) {
      if (!Number.isFinite(values[i])) {
        pen = false;
        continue;
      }
      if (pen) ctx.lineTo(map.px(xs[i]), map.py(values[i]));
      else ctx.moveTo(map.px(xs[i]), map.py(values[i]));
      pen = true;
    }
    ctx.stroke();
    ctx.setLineDash([]);
  }

  function area(ctx, map, xs, values, fill) {
    ctx.fillStyle = fill;
    ctx.beginPath();
    ctx.moveTo(map.px(xs[0]), map.py(0));
    for (let i = 0; i < xs.length; i++) ctx.lineTo(map.px(xs[i]), map.py(values[i]));
    ctx.lineTo(map.px(xs[xs.length - 1]), map.py(0));
    ctx.closePath();
    ctx.fill();
  }

  function ticks(lo, hi, step) {
    const out = [];
    for (let t = Math.ceil(lo / step) * step; t <= hi + 1e-9; t += step) out.push(Math.round(t * 1e6) / 1e6);
    return out;
  }

  /** Figure 1 of Goodfellow et al. (2014), as gan_lib.plotting.density_and_discriminator draws it. */
  function drawGan1D(ctx, width, height, s, config) {
    let yMax = 1.05;
    for (let i = 0; i < s.pG.length; i++) yMax = Math.max(yMax, 1.05 * s.pG[i], 1.05 * s.pData[i]);
    const map = axes(ctx, { left: 46, right: width - 8, top: 8, bottom: height - 30 }, config.xRange, [0, yMax], {
      x: "x", y: "density / probability", xTicks: ticks(config.xRange[0], config.xRange[1], 1),
      yTicks: ticks(0, yMax, 0.5), yFormat: function (t) { return t.toFixed(1); },
    });
    ctx.setLineDash([5, 4]);
    ctx.strokeStyle = COLORS.reference;
    ctx.beginPath();
    ctx.moveTo(map.px(config.xRange[0]), map.py(0.5));
    ctx.lineTo(map.px(config.xRange[1]), map.py(0.5));
    ctx.stroke();
    ctx.setLineDash([]);
    area(ctx, map, s.x, s.pData, "rgba(31, 119, 180, 0.3)");
    curve(ctx, map, s.x, s.pG, COLORS.generator, 2);
    curve(ctx, map, s.x, s.d, COLORS.discriminator, 2, [6, 4]);
    curve(ctx, map, s.x, s.dStar, COLORS.optimal, 1);
  }

  /** The ring: D(x) as a heat map (white 0, green 1), real points, G's samples, the modes'
   * disks of radius 3 std (as gan_lib.plotting.ring_samples draws the samples). */
  function drawRing(ctx, width, height, s, config) {
    const side = Math.min(width - 54, height - 38);
    const left = 46 + Math.max(0, (width - 54 - side) / 2);
    const box = { left: left, right: left + side, top: 8, bottom: 8 + side };
    const extent = config.extent;
    const n = config.heatPoints;
    const image = ctx.createImageData(n, n);
    const green = [44, 160, 44];
    for (let i = 0; i < n * n; i++) {
      const d = s.heat[i];
      for (let c = 0; c < 3; c++) image.data[4 * i + c] = Math.round(255 + (green[c] - 255) * d);
      image.data[4 * i + 3] = 255;
    }
    const tile = document.createElement("canvas");
    tile.width = n;
    tile.height = n;
    tile.getContext("2d").putImageData(image, 0, 0);
    ctx.imageSmoothingEnabled = true;
    ctx.drawImage(tile, box.left, box.top, side, side);
    const map = axes(ctx, box, extent, extent, {
      x: "x\u2081", y: "x\u2082", xTicks: ticks(extent[0], extent[1], 1), yTicks: ticks(extent[0], extent[1], 1),
      yFormat: String,
    });
    const dots = function (points, color, radius) {
      ctx.fillStyle = color;
      for (let i = 0; i + 1 < points.length; i += 2) {
        const x = points[i];
        const y = points[i + 1];
        if (x < extent[0] || x > extent[1] || y < extent[0] || y > extent[1]) continue;
        ctx.fillRect(map.px(x) - radius, map.py(y) - radius, 2 * radius, 2 * radius);
      }
    };
    dots(s.real, COLORS.data, 1.5);
    dots(s.samples, "rgba(255, 127, 14, 0.6)", 1);
    ctx.strokeStyle = "#333";
    ctx.lineWidth = 1;
    const radius = Math.max(3, ((3 * config.data.std) / (extent[1] - extent[0])) * side);
    s.centers.forEach(function (c) {
      ctx.beginPath();
      ctx.arc(map.px(c[0]), map.py(c[1]), radius, 0, 2 * Math.PI);
      ctx.stroke();
    });
  }

  /** Chapter 9's figure: the critic divided by its L and the optimal critic, each shifted to
   * mean 0 under Q, over the densities p and q. */
  function drawCritic(ctx, width, height, s, config) {
    const range = config.xRange;
    const shown = [];
    for (let i = 0; i < s.x.length; i += 4) if (s.x[i] >= range[0] && s.x[i] <= range[1]) shown.push(i);
    const xs = shown.map(function (i) { return s.x[i]; });
    const pick = function (values) { return shown.map(function (i) { return values[i]; }); };
    let lo = -0.5;
    let hi = 0.5;
    [s.fShown, s.fStar].forEach(function (values) {
      shown.forEach(function (i) {
        lo = Math.min(lo, values[i]);
        hi = Math.max(hi, values[i]);
      });
    });
    const pad = 0.05 * (hi - lo);
    const map = axes(ctx, { left: 46, right: width - 8, top: 8, bottom: height - 30 }, range, [lo - pad, hi + pad], {
      x: "x", y: "critic f(x) / L", xTicks: ticks(range[0], range[1], 1), yTicks: ticks(lo, hi, 1), yFormat: String,
    });
    // The densities, scaled to the lower third of the plot.
    const scale = (0.33 * (hi - lo)) / 0.45;
    const base = function (values) { return pick(values).map(function (v) { return lo - pad + v * scale; }); };
    ctx.fillStyle = "rgba(31, 119, 180, 0.25)";
    ctx.beginPath();
    ctx.moveTo(map.px(xs[0]), map.py(lo - pad));
    base(s.pPdf).forEach(function (v, j) { ctx.lineTo(map.px(xs[j]), map.py(v)); });
    ctx.lineTo(map.px(xs[xs.length - 1]), map.py(lo - pad));
    ctx.closePath();
    ctx.fill();
    curve(ctx, map, xs, base(s.qPdf), COLORS.generator, 1.5);
    curve(ctx, map, xs, pick(s.fStar), COLORS.optimal, 2.5);
    curve(ctx, map, xs, pick(s.fShown), COLORS.discriminator, 2, [6, 4]);
  }
  // ---------------------------------------------------------------- the widgets' configs
  function formatRate(r) {
    return r.toExponential(0).replace("e-", "e\u2212");
  }

  function formatNumber(value, digits) {
    if (!Number.isFinite(value)) return "\u2013";
    return value.toFixed(digits).replace(/^-/, "\u2212");
  }

  function formatShare(value) {
    return Number.isFinite(value) ? (100 * value).toFixed(1) + "%" : "\u2013";
  }

  const RATES = [1e-4, 3e-4, 1e-3, 2e-3, 5e-3, 1e-2, 3e-2];
  const SEED = { name: "seed", label: "seed", type: "number", min: 0, max: 999999, resets: true };

  // Each config names its model, the controls (a control with resets: true starts the run
  // again when changed), the readouts (key of the state, label, format), the legend and
  // the figure. Every model has reset, set, train(steps), evaluate, weights and step.
  const CONFIGS = {
    // Chapter 4: the networks, data and optimizer of chapter 4's make_gan (constant
    // learning rates: the chapter's cosine decay needs a fixed number of steps).
    "ch4-gaussian-1d": {
      model: Gan1D,
      title: "A 1-D Gaussian GAN training in your browser",
      data: { mu: 3, sigma: 1 },
      noiseDim: 4,
      hidden: [32, 32],
      beta1: 0.5,
      evalSamples: 5000,
      evalSeed: 123,
      xRange: [-1.5, 7.5],
      plotPoints: 361,
      quadraturePoints: 401,
      stepsPerFrame: 10,
      aspect: 0.5,
      defaults: { loss: "non_saturating", k: 1, lrD: 2e-3, lrG: 2e-3, batch: 256, seed: 0 },
      controls: [
        { name: "loss", label: "generator loss", type: "select", values: ["non_saturating", "minimax"],
          format: function (v) {
            return v === "minimax" ? "minimax, log(1 \u2212 D(G(z)))" : "non-saturating, \u2212log D(G(z))";
          } },
        { name: "k", label: "k, D steps per G step", type: "number", min: 1, max: 10 },
        { name: "lrD", label: "D learning rate", type: "select", values: RATES, format: formatRate },
        { name: "lrG", label: "G learning rate", type: "select", values: RATES, format: formatRate },
        { name: "batch", label: "batch size", type: "select", values: [16, 32, 64, 128, 256, 512], format: String },
        SEED,
      ],
      readouts: [
        ["js", "JS(p_g, p_data), nats", 4], ["value", "V(D, G), nats", 4],
        ["dReal", "mean D(x), real", 3], ["dFake", "mean D(G(z)), fake", 3],
      ],
      legend: [["data", "p_data = N(3, 1)", "area"], ["generator", "p_g (KDE of 5,000 samples of G)", "line"],
        ["discriminator", "D(x)", "dash"], ["optimal", "D*(x) = p_data / (p_data + p_g)", "line"]],
      canvasLabel: "p_data, the generator's density p_g, the discriminator D(x) and the optimal D*(x) on the line",
      draw: drawGan1D,
    },
    // Chapter 5: the ring of 8 and make_ring_gan's networks, Adam and cosine decay; the
    // chapter's evaluation: 2,500 samples of G judged by gan_lib.toy.metrics.mode_coverage.
    "ch5-ring": {
      model: RingGan,
      title: "The ring of 8: mode collapse and its remedies, training in your browser",
      data: { modes: 8, radius: 2, std: 0.02 },
      noiseDim: 8,
      hidden: [128, 128, 128],
      dHidden: [128, 128],
      pack: 4,
      beta1: 0.5,
      decaySteps: 8000,
      finalFraction: 0.02,
      batch: 256,
      evalSamples: 2500,
      evalSeed: 123,
      realShown: 500,
      extent: [-2.6, 2.6],
      heatPoints: 48,
      stepsPerFrame: 4,
      aspect: 1,
      maxHeight: 460,
      defaults: { remedy: "plain", lr: 1e-3, batch: 256, seed: 0 },
      controls: [
        { name: "remedy", label: "remedy", type: "select", values: ["plain", "pacgan", "mbstd"], resets: true,
          format: function (v) {
            return { plain: "plain GAN", pacgan: "PacGAN, packs of 4", mbstd: "minibatch standard deviation" }[v];
          } },
        { name: "lr", label: "learning rate (cosine decay)", type: "select", values: RATES, format: formatRate },
        SEED,
      ],
      readouts: [
        ["modesCovered", "modes covered, \u2265 1 sample (of 8)", 0],
        ["modesCoveredStrict", "modes covered, \u2265 " + Math.ceil(2500 / (5 * 8)) + " samples", 0],
        ["highQuality", "high quality (within 3 std)", formatShare],
        ["dReal", "mean D(x), real", 3], ["dFake", "mean D(G(z)), fake", 3],
      ],
      legend: [["data", "real points", "dot"], ["generator", "2,500 samples of G", "dot"],
        ["reference", "modes: 3 std", "line"], ["discriminator", "D(x): white 0, green 1", "area"]],
      canvasLabel: "The ring of 8 modes: real points, the generator's samples and the discriminator's output as a heat map",
      draw: drawRing,
    },
    // Chapter 9: the two-mode P and Q = N(0, 1), the critic and optimizer of
    // train_wasserstein_critic, the chapter's four constraints.
    "ch9-critic": {
      model: Critic1D,
      title: "A WGAN critic estimating W1 in your browser",
      p: { weights: [0.5, 0.5], mus: [-2, 2], sigmas: [0.6, 0.6] },
      q: { weights: [1], mus: [0], sigmas: [1] },
      hidden: [64, 64],
      beta1: 0.5,
      beta2: 0.9,
      decaySteps: 2000,
      finalFraction: 0.05,
      batch: 512,
      grid: [-10, 10, 8001],
      xRange: [-5, 5],
      constraints: {
        clip: { clip: 0.01 },
        gp10: { penalty: 10 },
        gp100: { penalty: 100 },
        sn: { spectral: true },
      },
      stepsPerFrame: 10,
      aspect: 0.5,
      defaults: { constraint: "gp10", lr: 1e-3, seed: 0 },
      controls: [
        { name: "constraint", label: "Lipschitz constraint", type: "select", values: ["clip", "gp10", "gp100", "sn"],
          resets: true, format: function (v) {
            return { clip: "weight clipping, c = 0.01", gp10: "gradient penalty, \u03bb = 10",
              gp100: "gradient penalty, \u03bb = 100", sn: "spectral normalization" }[v];
          } },
        { name: "lr", label: "learning rate (cosine decay)", type: "select", values: RATES, format: formatRate },
        SEED,
      ],
      readouts: [
        ["w1", "exact W1(P, Q)", 4], ["estimate", "critic's estimate \u222bf (p \u2212 q)", 4],
        ["lipschitz", "its Lipschitz constant L", 3], ["corrected", "estimate / L (\u2264 W1)", 4],
      ],
      legend: [["data", "p: two modes", "area"], ["generator", "q = N(0, 1)", "line"],
        ["discriminator", "critic f / L", "dash"], ["optimal", "optimal critic", "line"]],
      canvasLabel: "The critic divided by its Lipschitz constant and the optimal critic, over the densities p and q",
      draw: drawCritic,
    },
  };

  // ---------------------------------------------------------------- the widget
  let widgetCount = 0;
  const FRAME_BUDGET_MS = 20;

  function element(tag, attributes, children) {
    const node = document.createElement(tag);
    Object.keys(attributes || {}).forEach(function (key) {
      if (key === "text") node.textContent = attributes[key];
      else node.setAttribute(key, attributes[key]);
    });
    (children || []).forEach(function (child) { node.appendChild(child); });
    return node;
  }

  function labelled(id, text, control) {
    control.id = id;
    return element("div", { class: "gan-live-control" }, [element("label", { for: id, text: text }), control]);
  }

  function control(spec, current) {
    if (spec.type === "number") {
      return element("input", { type: "number", min: String(spec.min), max: String(spec.max), step: "1",
        value: String(current) });
    }
    const node = element("select");
    spec.values.forEach(function (value) {
      const option = element("option", { value: String(value), text: spec.format(value) });
      if (value === current) option.selected = true;
      node.appendChild(option);
    });
    return node;
  }

  /** The value of a control: a number input rounded into [min, max]; a select's value as
   * the type of the config's values. */
  function controlValue(spec, node) {
    if (spec.type === "number") {
      const value = Math.min(spec.max, Math.max(spec.min, Math.round(Number(node.value)) || spec.min));
      node.value = String(value);
      return value;
    }
    return typeof spec.values[0] === "number" ? Number(node.value) : node.value;
  }

  /** One widget in a container: buttons, a canvas, a legend, readouts and the config's
   * controls; the config's model trains in it. */
  function Widget(container, name) {
    const config = CONFIGS[name];
    if (!config) throw new Error("gan-live: no config named " + JSON.stringify(name));
    this.container = container;
    this.config = config;
    this.playing = false;
    this.frames = 0;
    const id = "gan-live-" + ++widgetCount;
    container.textContent = "";
    container.classList.add("gan-live-ready");
    this.controls = {};
    config.controls.forEach(function (spec) {
      this.controls[spec.name] = control(spec, config.defaults[spec.name]);
    }, this);
    const play = element("button", { type: "button", class: "gan-live-play", "aria-pressed": "false", text: "Play" });
    const step = element("button", { type: "button", class: "gan-live-step", text: "One step" });
    const reset = element("button", { type: "button", class: "gan-live-reset", text: "Reset" });
    this.buttons = { play: play, step: step, reset: reset };
    this.canvas = element("canvas", { class: "gan-live-canvas", role: "img", "aria-label": config.canvasLabel });
    this.readouts = {};
    const readoutList = element("dl", { class: "gan-live-readouts" });
    [["step", "step", 0]].concat(config.readouts).forEach(function (entry) {
      const value = element("dd", { "data-readout": entry[0], text: "\u2013" });
      readoutList.appendChild(element("div", {}, [element("dt", { text: entry[1] }), value]));
      this.readouts[entry[0]] = { node: value, format: entry[2] };
    }, this);
    const legend = element("ul", { class: "gan-live-legend" });
    config.legend.forEach(function (entry) {
      const swatch = element("span", { class: "gan-live-swatch gan-live-swatch-" + entry[2], "aria-hidden": "true" });
      swatch.style.setProperty("--swatch", COLORS[entry[0]]);
      legend.appendChild(element("li", {}, [swatch, document.createTextNode(entry[1])]));
    });
    this.status = element("p", { class: "gan-live-status", role: "status", text: "Loading TensorFlow.js\u2026" });
    container.appendChild(element("p", { class: "gan-live-title", text: config.title }));
    container.appendChild(element("div", { class: "gan-live-buttons" }, [play, step, reset]));
    container.appendChild(this.canvas);
    container.appendChild(legend);
    container.appendChild(readoutList);
    container.appendChild(element("fieldset", { class: "gan-live-controls" }, [
      element("legend", { text: "Settings" }),
      element("div", { class: "gan-live-grid" }, config.controls.map(function (spec) {
        return labelled(id + "-" + spec.name, spec.label, this.controls[spec.name]);
      }, this)),
    ]));
    container.appendChild(this.status);
    Object.values(this.buttons).forEach(function (b) { b.disabled = true; });
    container.ganLive = this;
    this.ready = loadTf().then(this.start.bind(this), this.fail.bind(this));
  }

  Widget.prototype.fail = function (error) {
    this.status.textContent = "The live GAN could not start: " + error.message;
    throw error;
  };

  Widget.prototype.start = function (tf) {
    const self = this;
    this.gan = new this.config.model(tf, this.config, this.settings());
    this.config.controls.forEach(function (spec) {
      const node = self.controls[spec.name];
      node.addEventListener("change", function () {
        self.gan.set(spec.name, controlValue(spec, node));
        if (spec.resets) self.reset();
      });
    });
    this.buttons.play.addEventListener("click", function () { self.toggle(); });
    this.buttons.step.addEventListener("click", function () { self.pause(); self.advance(1); });
    this.buttons.reset.addEventListener("click", function () { self.reset(); });
    Object.values(this.buttons).forEach(function (b) { b.disabled = false; });
    this.status.textContent = "";
    new ResizeObserver(function () { self.draw(); }).observe(this.canvas);
    this.render();
    // Autoplay the first time the widget is on screen, unless the reader asks for reduced
    // motion; pause whenever it leaves the screen, so that it does not train unseen.
    const reduced = window.matchMedia("(prefers-reduced-motion: reduce)").matches;
    let autoplay = !reduced && this.container.dataset.autoplay !== "false";
    new IntersectionObserver(function (entries) {
      const visible = entries[entries.length - 1].isIntersecting;
      if (visible && autoplay) {
        autoplay = false;
        self.play();
      } else if (!visible) {
        self.pause();
      }
    }).observe(this.container);
    return this;
  };

  Widget.prototype.settings = function () {
    const settings = {};
    this.config.controls.forEach(function (spec) {
      settings[spec.name] = controlValue(spec, this.controls[spec.name]);
    }, this);
    return settings;
  };

  Widget.prototype.advance = function (steps) {
    this.gan.train(steps);
    this.render();
  };

  /** Evaluate the model once, show its readouts and draw it: once per frame at most. */
  Widget.prototype.render = function () {
    this.state = this.gan.evaluate();
    const s = this.state;
    this.readouts.step.node.textContent = String(s.step);
    if (s.diverged) {
      this.status.textContent = "The generator's outputs are no longer finite numbers: press Reset.";
      this.pause();
      return;
    }
    this.config.readouts.forEach(function (entry) {
      const format = entry[2];
      this.readouts[entry[0]].node.textContent = typeof format === "function"
        ? format(s[entry[0]]) : formatNumber(s[entry[0]], format);
    }, this);
    this.frames += 1;
    this.draw();
  };

  Widget.prototype.play = function () {
    if (this.playing) return;
    const self = this;
    this.playing = true;
    this.buttons.play.textContent = "Pause";
    this.buttons.play.setAttribute("aria-pressed", "true");
    // Each frame trains for about FRAME_BUDGET_MS (at least one step, at most the
    // config's stepsPerFrame), then reads back and draws once: a slow machine gets fewer
    // steps per frame, not fewer frames. The steps are the same whatever their grouping.
    function frame() {
      if (!self.playing) return;
      const start = performance.now();
      let steps = 0;
      do {
        self.gan.trainStep();
        steps += 1;
      } while (steps < self.config.stepsPerFrame && performance.now() - start < FRAME_BUDGET_MS);
      self.advance(0);
      self.animation = requestAnimationFrame(frame);
    }
    this.animation = requestAnimationFrame(frame);
  };

  Widget.prototype.pause = function () {
    this.playing = false;
    cancelAnimationFrame(this.animation);
    this.buttons.play.textContent = "Play";
    this.buttons.play.setAttribute("aria-pressed", "false");
  };

  Widget.prototype.toggle = function () {
    if (this.playing) this.pause();
    else this.play();
  };

  Widget.prototype.reset = function () {
    this.pause();
    this.gan.options = Object.assign({}, this.gan.options, this.settings());
    this.gan.reset();
    this.status.textContent = "";
    this.render();
  };

  Widget.prototype.draw = function () {
    const s = this.state;
    if (!s || s.diverged) return;
    const canvas = this.canvas;
    const ratio = window.devicePixelRatio || 1;
    const width = canvas.clientWidth;
    const height = Math.max(200, Math.round(Math.min(width * this.config.aspect, this.config.maxHeight || Infinity)));
    if (canvas.width !== Math.round(width * ratio) || canvas.height !== Math.round(height * ratio)) {
      canvas.width = Math.round(width * ratio);
      canvas.height = Math.round(height * ratio);
      canvas.style.height = height + "px";
    }
    const ctx = canvas.getContext("2d");
    ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
    ctx.clearRect(0, 0, width, height);
    this.config.draw(ctx, width, height, s, this.config);
  };

  function mountAll() {
    document.querySelectorAll("div.gan-live[data-gan-live]").forEach(function (container) {
      if (!container.ganLive) new Widget(container, container.dataset.ganLive);
    });
  }

  const GanLive = {
    // A page may set GanLive.backend = "cpu" before DOMContentLoaded (the bench does).
    backend: "wasm",
    configs: CONFIGS,
    mountAll: mountAll,
    // gan_lib's formulas, for the tests that compare them with gan_lib.
    formulas: { modeCoverage: modeCoverage, wasserstein1: wasserstein1, optimalCritic: optimalCritic, ndtr: ndtr },
  };
  window.GanLive = GanLive;

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", mountAll);
  else mountAll();
})();
