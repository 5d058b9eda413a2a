/* Live toy GANs: a GAN that trains in the reader's browser, no kernel.

A page holds <div class="gan-live" data-gan-live="NAME">fallback text</div>; this script
(loaded on every page of the book, it does nothing where there is no such div) replaces
the div's content with the widget of the config NAME in CONFIGS. TensorFlow.js, pinned
by the Makefile and copied next to this file (vendor/tf.min.js) when the book is built,
is loaded only on pages that hold a widget. Nothing is loaded from the network.

The arithmetic of training (forward passes, autodiff, Adam) is TensorFlow.js's, on its
'wasm' backend (XNNPACK compiled to WebAssembly). On a page that is not cross-origin
isolated, as a book page is not, it runs in one thread, and a seed gives the same numbers
bit for bit on every run, as the 'cpu' backend (plain JavaScript) does; it trains about
twice and evaluates about five times as fast (experiments/bench_live_gan.py measures both).
The noise and the data come from a seeded generator below, not from TensorFlow.js. What
the widget reads out follows gan_lib, formula for formula:

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
   * U(-l, l) with l = sqrt(6 / (fan_in + fan_out)), biases 0. */
  function Mlp(tf, random, widths) {
    this.widths = widths;
    this.layers = [];
    let size = 0;
    for (let i = 0; i + 1 < widths.length; i++) {
      const layer = { fanIn: widths[i], fanOut: widths[i + 1], kernel: size };
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

  /** The MLP on x: LeakyReLU(0.2) hidden layers and a linear output (gan_lib.toy.models). */
  function mlp(tf, net, x) {
    let h = x;
    net.layers.forEach(function (layer, i) {
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

  // ---------------------------------------------------------------- the widget
  const CONFIGS = {
    // Chapter 4: the networks, data and optimizer of chapter 4's make_gan (constant
    // learning rates: the chapter's cosine decay needs a fixed number of steps).
    "ch4-gaussian-1d": {
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
      stepsPerFrame: 5,
      defaults: { loss: "non_saturating", k: 1, lrD: 2e-3, lrG: 2e-3, batch: 256, seed: 0 },
      rates: [1e-4, 3e-4, 1e-3, 2e-3, 5e-3, 1e-2, 3e-2],
      batches: [16, 32, 64, 128, 256, 512],
    },
  };

  let widgetCount = 0;

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

  function select(values, current, format) {
    const node = element("select");
    values.forEach(function (value) {
      const option = element("option", { value: String(value), text: format(value) });
      if (value === current) option.selected = true;
      node.appendChild(option);
    });
    return node;
  }

  function formatRate(r) {
    return r.toExponential(0).replace("e-", "e\u2212");
  }

  function formatNumber(value, digits) {
    if (!Number.isFinite(value)) return "\u2013";
    return value.toFixed(digits).replace(/^-/, "\u2212");
  }

  /** The widget in one container: controls, a canvas, a legend and readouts. */
  function Widget(container, name) {
    const config = CONFIGS[name];
    if (!config) throw new Error("gan-live: no config named " + JSON.stringify(name));
    this.container = container;
    this.config = config;
    this.playing = false;
    this.frames = 0;
    const id = "gan-live-" + ++widgetCount;
    const d = config.defaults;
    container.textContent = "";
    container.classList.add("gan-live-ready");
    this.controls = {
      loss: select(["non_saturating", "minimax"], d.loss, function (v) {
        return v === "minimax" ? "minimax, log(1 \u2212 D(G(z)))" : "non-saturating, \u2212log D(G(z))";
      }),
      k: element("input", { type: "number", min: "1", max: "10", step: "1", value: String(d.k) }),
      lrD: select(config.rates, d.lrD, formatRate),
      lrG: select(config.rates, d.lrG, formatRate),
      batch: select(config.batches, d.batch, String),
      seed: element("input", { type: "number", min: "0", max: "999999", step: "1", value: String(d.seed) }),
    };
    const c = this.controls;
    const play = element("button", { type: "button", class: "gan-live-play", "aria-pressed": "false", text: "Play" });
    const step = element("button", { type: "button", class: "gan-live-step", text: "One step" });
    const reset = element("button", { type: "button", class: "gan-live-reset", text: "Reset" });
    this.buttons = { play: play, step: step, reset: reset };
    this.canvas = element("canvas", {
      class: "gan-live-canvas",
      role: "img",
      "aria-label": "p_data, the generator's density p_g, the discriminator D(x) and the optimal D*(x) on the line",
    });
    this.readouts = {};
    const readoutList = element("dl", { class: "gan-live-readouts" });
    [["step", "step"], ["js", "JS(p_g, p_data), nats"], ["value", "V(D, G), nats"],
      ["dReal", "mean D(x), real"], ["dFake", "mean D(G(z)), fake"]].forEach(function (pair) {
      const value = element("dd", { "data-readout": pair[0], text: "\u2013" });
      readoutList.appendChild(element("div", {}, [element("dt", { text: pair[1] }), value]));
      this.readouts[pair[0]] = value;
    }, this);
    const legend = element("ul", { class: "gan-live-legend" });
    [["data", "p_data = N(3, 1)", "area"], ["generator", "p_g (KDE of 5,000 samples of G)", "line"],
      ["discriminator", "D(x)", "dash"], ["optimal", "D*(x) = p_data / (p_data + p_g)", "line"]]
      .forEach(function (entry) {
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
      element("div", { class: "gan-live-grid" }, [
        labelled(id + "-loss", "generator loss", c.loss),
        labelled(id + "-k", "k, D steps per G step", c.k),
        labelled(id + "-lrD", "D learning rate", c.lrD),
        labelled(id + "-lrG", "G learning rate", c.lrG),
        labelled(id + "-batch", "batch size", c.batch),
        labelled(id + "-seed", "seed", c.seed),
      ]),
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
    this.gan = new Gan1D(tf, this.config, this.settings());
    const c = this.controls;
    c.loss.addEventListener("change", function () { self.gan.set("loss", c.loss.value); });
    c.k.addEventListener("change", function () {
      const k = Math.min(10, Math.max(1, Math.round(Number(c.k.value)) || 1));
      c.k.value = String(k);
      self.gan.set("k", k);
    });
    c.lrD.addEventListener("change", function () { self.gan.set("lrD", Number(c.lrD.value)); });
    c.lrG.addEventListener("change", function () { self.gan.set("lrG", Number(c.lrG.value)); });
    c.batch.addEventListener("change", function () { self.gan.set("batch", Number(c.batch.value)); });
    c.seed.addEventListener("change", function () {
      const seed = Math.max(0, Math.round(Number(c.seed.value)) || 0);
      c.seed.value = String(seed);
      self.gan.set("seed", seed);
      self.reset();
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
    const c = this.controls;
    return {
      loss: c.loss.value,
      k: Number(c.k.value),
      lrD: Number(c.lrD.value),
      lrG: Number(c.lrG.value),
      batch: Number(c.batch.value),
      seed: Number(c.seed.value),
    };
  };

  Widget.prototype.advance = function (steps) {
    this.gan.train(steps);
    this.render();
  };

  Widget.prototype.render = function () {
    this.state = this.gan.evaluate();
    const s = this.state;
    const r = this.readouts;
    r.step.textContent = String(s.step);
    if (s.diverged) {
      this.status.textContent = "The generator's outputs are no longer finite numbers: press Reset.";
      this.pause();
      return;
    }
    r.js.textContent = formatNumber(s.js, 4);
    r.value.textContent = formatNumber(s.value, 4);
    r.dReal.textContent = formatNumber(s.dReal, 3);
    r.dFake.textContent = formatNumber(s.dFake, 3);
    this.frames += 1;
    this.draw();
  };

  Widget.prototype.play = function () {
    if (this.playing) return;
    const self = this;
    this.playing = true;
    this.buttons.play.textContent = "Pause";
    this.buttons.play.setAttribute("aria-pressed", "true");
    function frame() {
      if (!self.playing) return;
      self.advance(self.config.stepsPerFrame);
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

  /** Figure 1 of Goodfellow et al. (2014), as gan_lib.plotting.density_and_discriminator draws it. */
  Widget.prototype.draw = function () {
    const s = this.state;
    if (!s || s.diverged) return;
    const canvas = this.canvas;
    const ratio = window.devicePixelRatio || 1;
    const width = canvas.clientWidth;
    const height = Math.max(200, Math.round(width * 0.5));
    if (canvas.width !== Math.round(width * ratio) || canvas.height !== Math.round(height * ratio)) {
      canvas.width = Math.round(width * ratio);
      canvas.height = Math.round(height * ratio);
      canvas.style.height = height + "px";
    }
    const ctx = canvas.getContext("2d");
    ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
    ctx.clearRect(0, 0, width, height);
    const left = 46;
    const right = 8;
    const top = 8;
    const bottom = 30;
    const x0 = this.config.xRange[0];
    const x1 = this.config.xRange[1];
    let yMax = 1.05;
    for (let i = 0; i < s.pG.length; i++) yMax = Math.max(yMax, 1.05 * s.pG[i], 1.05 * s.pData[i]);
    const px = function (x) { return left + ((x - x0) / (x1 - x0)) * (width - left - right); };
    const py = function (y) { return height - bottom - (Math.min(y, yMax) / yMax) * (height - top - bottom); };
    ctx.font = "11px sans-serif";
    ctx.fillStyle = "#333";
    ctx.strokeStyle = "#999";
    ctx.lineWidth = 1;
    ctx.beginPath();
    ctx.moveTo(left, top);
    ctx.lineTo(left, height - bottom);
    ctx.lineTo(width - right, height - bottom);
    ctx.stroke();
    ctx.textAlign = "center";
    ctx.textBaseline = "top";
    for (let t = Math.ceil(x0); t <= x1; t++) {
      ctx.fillText(String(t).replace("-", "\u2212"), px(t), height - bottom + 3);
    }
    ctx.fillText("x", (left + width - right) / 2, height - 13);
    ctx.save();
    ctx.translate(10, (top + height - bottom) / 2);
    ctx.rotate(-Math.PI / 2);
    ctx.fillText("density / probability", 0, 0);
    ctx.restore();
    ctx.textAlign = "right";
    ctx.textBaseline = "middle";
    for (let t = 0; t <= yMax; t += 0.5) ctx.fillText(t.toFixed(1), left - 4, py(t));
    // D = 1/2
    ctx.setLineDash([5, 4]);
    ctx.strokeStyle = COLORS.reference;
    ctx.beginPath();
    ctx.moveTo(left, py(0.5));
    ctx.lineTo(width - right, py(0.5));
    ctx.stroke();
    ctx.setLineDash([]);
    // p_data, filled
    ctx.fillStyle = "rgba(31, 119, 180, 0.3)";
    ctx.beginPath();
    ctx.moveTo(px(s.x[0]), py(0));
    for (let i = 0; i < s.x.length; i++) ctx.lineTo(px(s.x[i]), py(s.pData[i]));
    ctx.lineTo(px(s.x[s.x.length - 1]), py(0));
    ctx.closePath();
    ctx.fill();
    const curve = function (values, color, width, dash) {
      ctx.strokeStyle = color;
      ctx.lineWidth = width;
      ctx.setLineDash(dash);
      ctx.beginPath();
      let pen = false;
      for (let i = 0; i < s.x.length; i++) {
        if (!Number.isFinite(values[i])) {
          pen = false;
          continue;
        }
        if (pen) ctx.lineTo(px(s.x[i]), py(values[i]));
        else ctx.moveTo(px(s.x[i]), py(values[i]));
        pen = true;
      }
      ctx.stroke();
      ctx.setLineDash([]);
    };
    curve(s.pG, COLORS.generator, 2, []);
    curve(s.d, COLORS.discriminator, 2, [6, 4]);
    curve(s.dStar, COLORS.optimal, 1, []);
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
  };
  window.GanLive = GanLive;

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", mountAll);
  else mountAll();
})();
