"""Benchmark: the TensorFlow DCGAN tutorial vs. gan_lib's DCGAN, same data, same machine, one run.

    python experiments/bench_dcgan.py              # `make bench`: 3 minutes of training each
    python experiments/bench_dcgan.py --seconds 60 --no-readme

* **Tutorial**: the architecture and hyperparameters of the TensorFlow DCGAN tutorial
  (https://www.tensorflow.org/tutorials/generative/dcgan: noise 100, Dense 7x7x256,
  5x5 transposed convolutions 128 -> 64 -> 1, discriminator 5x5 convolutions 64 -> 128,
  Adam 1e-4 for both, batch 256), trained with the tutorial's own loop: a Python loop over
  a ``shuffle().batch()`` dataset calling a ``@tf.function`` step that updates both
  networks from one forward pass with two gradient tapes. (The tutorial also draws a
  sample grid after every epoch; that is left out here, it is not training.)
* **gan_lib**: ``gan_lib.images.dcgan.BOOK_RECIPE`` (chapter 6's model and recipe) trained by
  ``GANTrainer`` (compiled step, Algorithm 1, prefetching ``tf.data`` pipeline), sampled
  from its EMA generator when the recipe keeps one.

Both train for the same wall-clock time, in alternating slices (``--slice`` seconds) so
that both see the same load on a shared machine; tracing/compilation is done before the
clock starts. Reported per model: training images per second (real images consumed),
achieved GFLOP/s and its fraction of the CPU's FP32 peak, and the classifier score
(``gan_lib.images.digit_metrics``) of 10,000 samples after the equal wall-clock time.

FLOPs are counted from the layers (model FLOPs, as in "model FLOPs utilization"): a
convolution or dense layer costs ``2 x MACs`` forward; a backward pass costs twice its
forward (gradients of the inputs and of the weights), or once when only the input
gradient is needed (backpropagating through D into G); batch normalization and
activations are not counted. The peak is ``cores x clock x 32 FLOP/cycle`` (two 256-bit
AVX2 FMA units: 2 x 8 lanes x 2 FLOP), with the clock from /proc/cpuinfo.
"""

from __future__ import annotations

import argparse
import os
import re
import time
from pathlib import Path

import numpy as np

from gan_lib import config
from gan_lib.images import dcgan, digit_metrics, mnist

ROOT = Path(__file__).resolve().parent.parent

README = ROOT / "README.md"
START, END = "<!-- bench:start -->", "<!-- bench:end -->"
FLOP_PER_CYCLE = 32  # AVX2: 2 FMA units x 8 float32 lanes x 2 FLOP


# ----- FLOPs and peak --------------------------------------------------------------------------
def forward_flops(model) -> int:
    """FLOPs of one forward pass of one example: 2 x multiply-accumulates of conv/dense layers."""
    from tensorflow import keras

    macs = 0
    for layer in model.layers:
        if isinstance(layer, keras.layers.Dense):
            macs += int(np.prod(layer.kernel.shape))
        elif isinstance(layer, keras.layers.Conv2DTranspose):
            height, width, channels = layer.input.shape[1:]
            macs += height * width * int(np.prod(layer.kernel.shape))  # every input pixel scatters a kernel
        elif isinstance(layer, keras.layers.Conv2D):
            height, width, _ = layer.output.shape[1:]
            macs += height * width * int(np.prod(layer.kernel.shape))
    return 2 * macs


def step_flops_tutorial(G, D) -> int:
    """Per example: G forward; D forward on real and fake; D backward (inputs + weights) on both;
    G's tape backpropagates through D (input gradients only) and through G (both)."""
    g, d = forward_flops(G), forward_flops(D)
    return g + 2 * d + 2 * (2 * d) + d + 2 * g


def step_flops_gan_lib(G, D) -> int:
    """Per example of Algorithm 1 with k = 1: the D update (G forward, D forward and backward on
    real and fake) and the G update on fresh noise (G forward, D forward, D input gradients,
    G backward)."""
    g, d = forward_flops(G), forward_flops(D)
    return (g + 2 * d + 2 * (2 * d)) + (g + d + d + 2 * g)


def cpu_peak() -> tuple[float, str]:
    """FP32 peak in GFLOP/s (cores x clock x 32) and a description of the CPU."""
    text = Path("/proc/cpuinfo").read_text() if Path("/proc/cpuinfo").exists() else ""
    mhz = re.search(r"cpu MHz\s*:\s*([\d.]+)", text)
    name = re.search(r"model name\s*:\s*(.+)", text)
    clock = float(mhz.group(1)) / 1000 if mhz else float("nan")
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    avx512 = " (the CPU also has AVX-512)" if "avx512f" in text else ""
    description = f"{name.group(1).strip() if name else 'CPU'}, {cores} cores at {clock:.2f} GHz{avx512}"
    return cores * clock * FLOP_PER_CYCLE, description


# ----- the tutorial ----------------------------------------------------------------------------
class Tutorial:
    """The TensorFlow DCGAN tutorial's models, optimizers and training loop."""

    noise_dim, batch_size = 100, 256

    def __init__(self, images, seed: int):
        import tensorflow as tf
        from tensorflow import keras
        from tensorflow.keras import layers

        keras.utils.set_random_seed(seed)
        self.generator = keras.Sequential(
            [
                keras.Input((100,)),
                layers.Dense(7 * 7 * 256, use_bias=False),
                layers.BatchNormalization(),
                layers.LeakyReLU(),
                layers.Reshape((7, 7, 256)),
                layers.Conv2DTranspose(128, (5, 5), strides=(1, 1), padding="same", use_bias=False),
                layers.BatchNormalization(),
                layers.LeakyReLU(),
                layers.Conv2DTranspose(64, (5, 5), strides=(2, 2), padding="same", use_bias=False),
                layers.BatchNormalization(),
                layers.LeakyReLU(),
                layers.Conv2DTranspose(1, (5, 5), strides=(2, 2), padding="same", use_bias=False, activation="tanh"),
            ]
        )
        self.discriminator = keras.Sequential(
            [
                keras.Input((28, 28, 1)),
                layers.Conv2D(64, (5, 5), strides=(2, 2), padding="same"),
                layers.LeakyReLU(),
                layers.Dropout(0.3),
                layers.Conv2D(128, (5, 5), strides=(2, 2), padding="same"),
                layers.LeakyReLU(),
                layers.Dropout(0.3),
                layers.Flatten(),
                layers.Dense(1),
            ]
        )
        cross_entropy = keras.losses.BinaryCrossentropy(from_logits=True)
        generator_optimizer = keras.optimizers.Adam(1e-4)
        discriminator_optimizer = keras.optimizers.Adam(1e-4)
        generator, discriminator = self.generator, self.discriminator

        @tf.function
        def train_step(images):
            noise = tf.random.normal([self.batch_size, self.noise_dim])
            with tf.GradientTape() as gen_tape, tf.GradientTape() as disc_tape:
                generated_images = generator(noise, training=True)
                real_output = discriminator(images, training=True)
                fake_output = discriminator(generated_images, training=True)
                gen_loss = cross_entropy(tf.ones_like(fake_output), fake_output)
                disc_loss = cross_entropy(tf.ones_like(real_output), real_output) + cross_entropy(
                    tf.zeros_like(fake_output), fake_output
                )
            gradients_of_generator = gen_tape.gradient(gen_loss, generator.trainable_variables)
            gradients_of_discriminator = disc_tape.gradient(disc_loss, discriminator.trainable_variables)
            generator_optimizer.apply_gradients(zip(gradients_of_generator, generator.trainable_variables))
            discriminator_optimizer.apply_gradients(
                zip(gradients_of_discriminator, discriminator.trainable_variables)
            )

        self.train_step = train_step
        # The tutorial's pipeline: BUFFER_SIZE covers the data set, BATCH_SIZE = 256, and the
        # last, smaller batch of each epoch is kept (a second trace of train_step).
        self.dataset = tf.data.Dataset.from_tensor_slices(images).shuffle(len(images), seed=seed).batch(self.batch_size)
        self.partial = len(images) % self.batch_size or self.batch_size
        self.batches = self._epochs()
        self.images_seen = 0

    def warm_up(self) -> None:
        """Trace ``train_step`` for both batch shapes of an epoch (full and last) before timing."""
        for size in (self.batch_size, self.partial):
            self.train_step(next(iter(self.dataset.unbatch().batch(size))))

    def _epochs(self):
        while True:  # "for epoch in range(epochs): for image_batch in dataset: train_step(image_batch)"
            yield from self.dataset

    def train_for(self, seconds: float) -> None:
        deadline = time.perf_counter() + seconds
        while time.perf_counter() < deadline:
            batch = next(self.batches)
            self.train_step(batch)
            self.images_seen += int(batch.shape[0])

    def sample(self, noise):
        return self.generator(noise, training=False)


# ----- gan_lib ---------------------------------------------------------------------------------
class GanLib:
    """gan_lib's DCGAN with chapter 6's recipe, trained by GANTrainer."""

    def __init__(self, images, seed: int):
        self.recipe = dcgan.BOOK_RECIPE
        self.batch_size = self.recipe.batch_size
        self.noise_dim = self.recipe.noise_dim
        self.trainer = dcgan.make_trainer(self.recipe, seed=seed)
        self.generator, self.discriminator = self.trainer.generator, self.trainer.discriminator
        self.dataset = mnist.dataset(images, self.batch_size, seed=seed)
        self.images_seen = 0

    def warm_up(self) -> None:
        self.trainer.fit(self.dataset, steps=self.trainer.step + 1, batch_size=self.batch_size, progress=False)

    def train_for(self, seconds: float) -> None:
        before = self.trainer.step
        self.trainer.fit(self.dataset, steps=10**9, batch_size=self.batch_size, max_seconds=seconds, progress=False)
        self.images_seen += (self.trainer.step - before) * self.batch_size

    def sample(self, noise):
        generator = self.trainer.sampling_generator
        return generator(noise, training=False)


# ----- the run ---------------------------------------------------------------------------------
def measure(args) -> list[dict]:
    digits, _ = mnist.load_mnist(seed=args.seed).split(0.2)  # chapter 6's training digits
    contenders = {"TF tutorial loop": Tutorial(digits.images, args.seed), "gan_lib": GanLib(digits.images, args.seed)}
    flops = {
        "TF tutorial loop": step_flops_tutorial(contenders["TF tutorial loop"].generator, contenders["TF tutorial loop"].discriminator),
        "gan_lib": step_flops_gan_lib(contenders["gan_lib"].generator, contenders["gan_lib"].discriminator),
    }
    for contender in contenders.values():  # trace and compile before the clock starts
        contender.warm_up()
    clocks = dict.fromkeys(contenders, 0.0)
    slices = max(1, round(args.seconds / args.slice))
    for index in range(slices):
        for name, contender in contenders.items():
            start = time.perf_counter()
            contender.train_for(args.seconds / slices)
            clocks[name] += time.perf_counter() - start
        print(f"  slice {index + 1}/{slices}: " + ", ".join(f"{n} {c.images_seen:,} images" for n, c in contenders.items()), flush=True)
    peak, _ = cpu_peak()
    record = digit_metrics.provenance()
    held_out = mnist.load_mnist(seed=record["shuffle_seed"], source=record["data_source"], verbose=False)
    real = digit_metrics.evaluate(held_out.split(record["held_out_fraction"])[1].images)
    rows = [{"name": "real held-out digits", "classifier_score": real.classifier_score, "confident": real.confident_fraction}]
    for name, contender in contenders.items():
        noise = np.random.default_rng(args.seed + 1).standard_normal((10_000, contender.noise_dim), dtype=np.float32)
        report = digit_metrics.evaluate(np.asarray(contender.sample(noise)))
        rate = contender.images_seen / clocks[name]
        gflops = rate * flops[name] / 1e9
        rows.append(
            {
                "name": name,
                "parameters": f"G {contender.generator.count_params():,} / D {contender.discriminator.count_params():,}",
                "batch": contender.batch_size,
                "images_per_second": rate,
                "mflop_per_image": flops[name] / 1e6,
                "gflops": gflops,
                "peak_fraction": gflops / peak,
                "classifier_score": report.classifier_score,
                "confident": report.confident_fraction,
                "seconds": clocks[name],
            }
        )
    return rows


def table(rows: list[dict], args) -> str:
    real, rows = rows[0], rows[1:]
    len_real = digit_metrics.provenance()["held_out_digits"]
    peak, cpu = cpu_peak()
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    lines = [
        f"Equal wall-clock training ({rows[0]['seconds']:.0f} s each, interleaved in {args.slice:.0f}-second slices) "
        f"on {cpu}; FP32 peak {peak:.0f} GFLOP/s (cores x clock x 32 FLOP/cycle); load average {load:.1f} at the end. "
        f"Classifier score of 10,000 samples (max 10; the {len_real:,} real digits held out from the "
        f"classifier score {real['classifier_score']:.2f}, {real['confident']:.0%} confident).",
        "",
        "| loop | parameters | batch | images/s | MFLOP/image | GFLOP/s | % of peak | classifier score | confident |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for r in rows:
        lines.append(
            f"| {r['name']} | {r['parameters']} | {r['batch']} | {r['images_per_second']:.0f} | "
            f"{r['mflop_per_image']:.0f} | {r['gflops']:.1f} | {r['peak_fraction']:.0%} | "
            f"{r['classifier_score']:.2f} | {r['confident']:.0%} |"
        )
    tutorial, ours = rows
    lines += [
        "",
        f"gan_lib / tutorial: {ours['images_per_second'] / tutorial['images_per_second']:.2f}x the images per second "
        f"(target >= 2x), classifier score {ours['classifier_score']:.2f} vs {tutorial['classifier_score']:.2f} "
        f"(target: higher), {ours['peak_fraction']:.0%} of peak (target >= 60%).",
    ]
    return "\n".join(lines)


def write_readme(text: str) -> bool:
    readme = README.read_text()
    if START not in readme or END not in readme:
        return False
    before, rest = readme.split(START, 1)
    _, after = rest.split(END, 1)
    README.write_text(f"{before}{START}\n{text}\n{END}{after}")
    return True


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=180.0, help="training time of each loop")
    parser.add_argument("--slice", type=float, default=30.0, help="alternate the loops every this many seconds")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--no-readme", action="store_true", help="print the table only")
    args = parser.parse_args()
    config.quiet_tensorflow()
    text = table(measure(args), args)
    print(text)
    if not args.no_readme:
        print("README.md updated" if write_readme(text) else f"README.md has no {START} ... {END} block; not written")


if __name__ == "__main__":
    main()
