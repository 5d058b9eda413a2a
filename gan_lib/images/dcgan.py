"""A DCGAN for 28x28 MNIST digits, sized for CPU training, and a per-layer shape table.

The architecture follows Radford et al. (2015), scaled down to MNIST:

* generator: ``z`` -> Dense -> reshape to 7x7 -> two stride-2 transposed convolutions
  (7 -> 14 -> 28) -> 28x28x1 with ``tanh``; batch normalization and ReLU in between,
  none at the output;
* discriminator: two stride-2 convolutions (28 -> 14 -> 7) with LeakyReLU(0.2) and
  dropout, then a single **logit** (``D(x) = sigmoid(logit)``; the losses in
  ``gan_lib.losses`` take logits). No pooling: strided convolutions learn their own
  down- and up-sampling.

The strided convolutions' kernels are 4x4 (the optional third discriminator stage,
``depth=3``, uses 3x3): a multiple of the stride 2, so every output pixel of a transposed
convolution receives the same number of kernel taps, which reduces the checkerboard
pattern and does not remove it (Odena et al. 2016). With the defaults the generator has about 560k parameters and the
discriminator about 140k.

Both models check the shape of what they are called on and raise a ``ValueError`` that
names the expected shape, instead of a deep Keras error from inside a layer.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import ClassVar

import numpy as np
from tensorflow import keras

from gan_lib import config
from gan_lib.images.mnist import IMAGE_SHAPE
from gan_lib.validation import check_integer, check_number, check_seed


@keras.utils.register_keras_serializable(package="gan_lib")
class ShapeCheckedModel(keras.Model):
    """A functional Keras model that validates the shape of its input(s) before running.

    Registered with Keras under the package name ``gan_lib``, so a saved model of this
    class loads with ``keras.models.load_model`` once ``gan_lib.images.dcgan`` is imported.
    A model with several inputs (a conditional generator's ``[z, y]``) checks each one.
    """

    def __call__(self, inputs, *args, **kwargs):
        several = isinstance(inputs, (list, tuple))
        given = list(inputs) if several else [inputs]
        expected_shapes = self.input_shape if isinstance(self.input_shape, list) else [self.input_shape]
        shapes = [tuple(getattr(x, "shape", np.shape(x))) for x in given]
        if len(given) != len(expected_shapes) or any(
            len(shape) != len(expected) or any(g is not None and e is not None and g != e
                                               for g, e in zip(shape[1:], expected[1:]))
            for shape, expected in zip(shapes, expected_shapes)
        ):
            want = " and ".join("(" + ", ".join(["batch", *(str(e) for e in s[1:])]) + ")"
                                for s in expected_shapes)
            got = " and ".join(str(shape) for shape in shapes)
            raise ValueError(f"{self.name} expects inputs of shape {want}; got {got}")
        return super().__call__(inputs, *args, **kwargs)


def generator(noise_dim: int = 64, width: int = 64, refine: bool = False, name: str = "generator") -> keras.Model:
    """G: ``z`` of shape (noise_dim,) -> an image (28, 28, 1) in [-1, 1].

    Dense(7*7*2*width) -> BN -> ReLU -> reshape (7, 7, 2*width)
    -> ConvT(width, 4x4, stride 2) -> BN -> ReLU             (14, 14, width)
    -> ConvT(1, 4x4, stride 2) -> tanh                        (28, 28, 1)

    With ``refine=True`` the second transposed convolution keeps ``width // 2`` channels
    at full resolution (-> BN -> ReLU, (28, 28, width/2)) and a 3x3 convolution makes the
    image from them (-> tanh): strokes are then drawn by a layer that sees a 3x3
    neighbourhood of 32 feature maps instead of a single output channel.
    """
    noise_dim = check_integer("noise_dim", noise_dim, at_least=1)
    width = check_integer("width", width, at_least=1)
    z = keras.Input((noise_dim,), name="z")
    return ShapeCheckedModel(z, upsample_to_image(z, width, refine), name=name)


def upsample_to_image(h, width: int, refine: bool):
    """The generator's body on a Keras tensor ``h`` (a code vector): the layers that
    :func:`generator` lists after its input, ending in the ``tanh`` image (28, 28, 1).
    Conditional generators (``gan_lib.images.conditional``) call it on ``[z, embedding]``."""
    layers = keras.layers
    h = layers.Dense(7 * 7 * 2 * width, use_bias=False, name="project")(h)
    h = layers.BatchNormalization(name="project_bn")(h)
    h = layers.ReLU(name="project_relu")(h)
    h = layers.Reshape((7, 7, 2 * width), name="to_7x7")(h)
    h = layers.Conv2DTranspose(width, 4, strides=2, padding="same", use_bias=False, name="up_14x14")(h)
    h = layers.BatchNormalization(name="up_14x14_bn")(h)
    h = layers.ReLU(name="up_14x14_relu")(h)
    if refine:
        h = layers.Conv2DTranspose(max(1, width // 2), 4, strides=2, padding="same", use_bias=False, name="up_28x28")(h)
        h = layers.BatchNormalization(name="up_28x28_bn")(h)
        h = layers.ReLU(name="up_28x28_relu")(h)
        h = layers.Conv2D(1, 3, padding="same", name="to_image")(h)
    else:
        h = layers.Conv2DTranspose(1, 4, strides=2, padding="same", name="up_28x28")(h)
    # float32 images under a mixed policy, so that samples are ordinary arrays
    return layers.Activation("tanh", name="image", dtype="float32")(h)


def discriminator(width: int = 64, dropout: float = 0.3, depth: int = 2, spectral_norm: bool = False,
                  name: str = "discriminator") -> keras.Model:
    """D: an image (28, 28, 1) in [-1, 1] -> one logit.

    Conv(width, 4x4, stride 2) -> LeakyReLU(0.2) -> Dropout     (14, 14, width)
    -> Conv(2*width, 4x4, stride 2) -> LeakyReLU(0.2) -> Dropout (7, 7, 2*width)
    [depth 3: -> Conv(4*width, 3x3, stride 2) -> LeakyReLU(0.2) -> Dropout (4, 4, 4*width)]
    -> Flatten -> Dense(1)                                        logit

    With ``depth=2`` each feature of the last map sees a 10x10 patch and the whole digit
    is judged by one linear layer on top; a third convolution (``depth=3``) sees 18x18
    patches and adds a nonlinear stage that can judge a digit's overall shape.
    With ``spectral_norm=True`` every convolution and the logit layer are wrapped in
    ``keras.layers.SpectralNormalization`` (Miyato et al. 2018): at each training call one
    power-iteration step estimates the kernel's largest singular value, sigma_hat <= sigma,
    and W / sigma_hat is assigned to the kernel (a projection: the gradient does not pass
    through sigma_hat, unlike Miyato et al.'s reparameterization). A convolution's kernel
    is normalized reshaped to a (kh * kw * c_in, c_out) matrix, which does not bound the
    convolution's operator norm (chapter 9 measures one above 1), so D is not guaranteed
    to be 1-Lipschitz, although LeakyReLU(0.2) is.
    """
    width = check_integer("width", width, at_least=1)
    if check_integer("depth", depth) not in (2, 3):
        raise ValueError(f"depth must be 2 or 3 strided convolutions; got {depth!r}")
    check_number("dropout", dropout, at_least=0, less_than=1)
    x = keras.Input(IMAGE_SHAPE, name="image")
    # float32 logits under mixed precision
    logit_layer = keras.layers.Dense(1, name="logit", dtype="float32")
    if spectral_norm:
        logit_layer = keras.layers.SpectralNormalization(logit_layer, name="logit_sn", dtype="float32")
    logit = logit_layer(downsample_to_features(x, width, dropout, depth, spectral_norm))
    return ShapeCheckedModel(x, logit, name=name)


def downsample_to_features(h, width: int, dropout: float, depth: int, spectral_norm: bool = False):
    """The discriminator's body on a Keras tensor ``h`` (images, possibly with extra
    channels): the strided convolutions of :func:`discriminator`, flattened to the
    feature vector ``phi(x)`` on which its last Dense layer computes the logit."""
    layers = keras.layers
    stages = [(width, 4, "down_14x14"), (2 * width, 4, "down_7x7"), (4 * width, 3, "down_4x4")][:depth]
    for channels, kernel, stage in stages:
        conv = layers.Conv2D(channels, kernel, strides=2, padding="same", name=stage)
        if spectral_norm:
            conv = layers.SpectralNormalization(conv, name=f"{stage}_sn")
        h = conv(h)
        h = layers.LeakyReLU(0.2, name=f"{stage}_lrelu")(h)
        h = layers.Dropout(dropout, name=f"{stage}_dropout")(h)
    return layers.Flatten(name="flatten")(h)


def shape_table(model: keras.Model) -> list[tuple[str, str, tuple, int]]:
    """One row per layer: ``(name, layer type, output shape without the batch axis, parameters)``."""
    rows = []
    for layer in model.layers:
        shape = layer.output.shape if hasattr(layer, "output") else ()
        rows.append((layer.name, type(layer).__name__, tuple(shape[1:]), int(layer.count_params())))
    return rows


def format_shape_table(model: keras.Model) -> str:
    """The shape table as aligned text, with the total parameter count."""
    rows = [("layer", "type", "output shape", "parameters")]
    rows += [(n, t, "x".join(str(d) for d in s), f"{p:,}") for n, t, s, p in shape_table(model)]
    widths = [max(len(row[i]) for row in rows) for i in range(4)]
    lines = [
        "  ".join(cell.ljust(w) if i < 3 else cell.rjust(w) for i, (cell, w) in enumerate(zip(row, widths)))
        for row in rows
    ]
    lines.insert(1, "-" * len(lines[0]))
    lines.append(f"{model.name}: {model.count_params():,} parameters")
    return "\n".join(lines)


def diff_augment(translation: int = 2, cutout: int = 0):
    """Differentiable augmentation for the discriminator's inputs (DiffAugment, Zhao et al. 2020).

    Returns ``augment(images, seed)`` for ``GANTrainer(augment=...)``: each image is shifted
    by a random whole number of pixels in ``[-translation, translation]`` along each axis
    (the border filled with the background value -1) and, with ``cutout > 0``, a random
    ``cutout x cutout`` square is set to -1. Both are index operations, so gradients flow
    through them to the generator. Applied to real and fake batches alike, they let a
    discriminator trained on few images (5,000 here) see many variants of each without
    teaching the generator to produce shifted or holed digits: the augmentation is part
    of D's view of both distributions, not of the data the generator must match.
    """
    import tensorflow as tf

    side = IMAGE_SHAPE[0]
    translation = check_integer("translation (pixels)", translation, at_least=0, less_than=side)
    cutout = check_integer("cutout (pixels)", cutout, at_least=0, less_than=side)

    def augment(images, seed):
        seeds = tf.random.experimental.stateless_split(tf.cast(seed, tf.int64), 2)
        batch = tf.shape(images)[0]
        size = tf.range(side)
        background = tf.constant(-1.0, images.dtype)  # float32, bfloat16 or float16
        if translation:
            m = translation
            shifts = tf.random.stateless_uniform((batch, 2), seeds[0], minval=-m, maxval=m + 1, dtype=tf.int32)
            padded = tf.pad(images, [[0, 0], [m, m], [m, m], [0, 0]], constant_values=background)
            rows = size[None, :] + m - shifts[:, :1]
            cols = size[None, :] + m - shifts[:, 1:]
            images = tf.gather(padded, rows, axis=1, batch_dims=1)
            images = tf.gather(images, cols, axis=2, batch_dims=1)
        if cutout:
            corner = tf.random.stateless_uniform(
                (batch, 2), seeds[1], minval=-(cutout // 2), maxval=side - cutout // 2, dtype=tf.int32
            )
            inside_rows = (size[None, :] >= corner[:, :1]) & (size[None, :] < corner[:, :1] + cutout)
            inside_cols = (size[None, :] >= corner[:, 1:]) & (size[None, :] < corner[:, 1:] + cutout)
            hole = inside_rows[:, :, None] & inside_cols[:, None, :]
            images = tf.where(hole[..., None], background, images)
        return images

    return augment


@dataclass(frozen=True)
class Recipe:
    """Everything that defines a DCGAN training run besides the data and the time budget.

    The defaults are the plain DCGAN of Radford et al. (2015) at MNIST size: Adam with
    learning rate 2e-4 and beta1 = 0.5 for both networks, batch 128, no tricks.
    ``g_lr != d_lr`` is the two-time-scale update rule (Heusel et al. 2017);
    ``g_refine`` adds a full-resolution stage to the generator and ``d_depth = 3`` a third
    strided convolution to the discriminator (see :func:`generator`, :func:`discriminator`);
    ``ema_decay`` averages the generator's weights; ``real_label = 0.9`` is one-sided
    label smoothing; ``translation``/``cutout`` (pixels) are DiffAugment on D's inputs;
    ``lr_decay_start`` (a fraction of the training budget) lets both learning rates fall
    linearly to 0 from that point on (see :func:`learning_rate_decay`).
    ``loss`` is any game registered in ``gan_lib.losses.GAMES`` (``"non_saturating"``,
    ``"hinge"``, ``"wasserstein"``, ...) with its default options, so not ``"f_gan"``,
    which needs a ``divergence`` (its option without a default); ``r1_weight > 0`` adds the R1 penalty with that gamma
    (``gan_lib.losses.r1_penalty``); ``d_spectral_norm`` wraps D's layers in spectral
    normalization; ``beta_2`` is both optimizers' second-moment decay.

    A recipe also knows how it trains and samples, so that a caller (the command line,
    the experiments) holds no branch per kind of recipe: :meth:`build_trainer` makes its
    trainer, :meth:`training_labels` the labels it trains on (none here), and
    :meth:`sampling_model` the model to sample from. ``conditional`` says whether samples
    are asked for by label; ``cluster_coordinate`` whether the sampling model's first
    noise coordinate picks a cluster (``gan_lib.images.self_conditioned``).
    """

    conditional: ClassVar[bool] = False
    cluster_coordinate: ClassVar[bool] = False

    noise_dim: int = 64
    g_width: int = 64
    g_refine: bool = False
    d_width: int = 64
    d_depth: int = 2
    dropout: float = 0.3
    g_lr: float = 2e-4
    d_lr: float = 2e-4
    beta_1: float = 0.5
    batch_size: int = 128
    ema_decay: float | None = None
    real_label: float = 1.0
    translation: int = 0
    cutout: int = 0
    lr_decay_start: float | None = None
    loss: str = "non_saturating"
    r1_weight: float = 0.0
    d_spectral_norm: bool = False
    beta_2: float = 0.999

    def replace(self, **changes) -> Recipe:
        return type(self)(**{**asdict(self), **changes})

    def build_trainer(self, seed: int = 0, **options):
        """The seeded trainer of this recipe: :func:`make_trainer` (``options``: its
        ``strategy``, ``jit_compile``, ``precision`` and GANTrainer options)."""
        return make_trainer(self, seed, **options)

    def training_labels(self, digits, seed: int = 0):
        """The labels this recipe trains on, one per image of ``digits`` (an
        ``gan_lib.images.mnist.Digits``): none, it is unconditional."""
        return None

    def sampling_model(self, generator, labels=None):
        """The model to sample from, given the trained (EMA) ``generator`` and the training
        labels: the generator itself."""
        return generator

    def label_summary(self, labels, digits) -> dict:
        """What a run record says about the training labels: nothing here."""
        return {}


# Chapter 6's recipe (and `make bench`'s), chosen from measurements of experiments/dcgan_experiments.py
# (experiments/results/dcgan_experiments.json): EMA, DiffAugment, a wider generator's last stage, a
# deeper discriminator, and a higher learning rate with a smaller batch (more updates per second);
# and no dropout in D (experiments/results/dcgan_minutes.json: +0.25 classifier score on each of two
# seeds at equal wall-clock time).
BOOK_RECIPE = Recipe(
    g_refine=True,
    d_depth=3,
    dropout=0.0,
    g_lr=5e-4,
    d_lr=5e-4,
    batch_size=64,
    ema_decay=0.999,
    translation=2,
    cutout=8,
)


def learning_rate_decay(recipe: Recipe, *, steps: int | None = None, seconds: float | None = None):
    """A ``GANTrainer.fit`` callback for ``recipe.lr_decay_start`` (``None`` when it is unset).

    With ``f`` the fraction of the budget used (``step / steps``, or the seconds since this
    function was called over ``seconds``), both learning rates are the recipe's times
    ``min(1, (1 - f) / (1 - lr_decay_start))``: constant, then linearly down to 0 at the end.
    Smaller steps at the end let the iterates settle instead of oscillating around the
    equilibrium at the amplitude that the learning rate sets.
    """
    import time

    start_fraction = recipe.lr_decay_start
    if start_fraction is None:
        return None
    if not 0.0 <= start_fraction < 1.0:
        raise ValueError(f"lr_decay_start must be a fraction in [0, 1); got {start_fraction!r}")
    if (steps is None) == (seconds is None):
        raise ValueError("give the budget as exactly one of steps= or seconds=")
    started = time.perf_counter()

    def decay(trainer, step):
        used = step / steps if steps is not None else (time.perf_counter() - started) / seconds
        factor = min(1.0, max(0.0, (1.0 - used) / (1.0 - start_fraction)))
        trainer.generator_optimizer.learning_rate = recipe.g_lr * factor
        trainer.discriminator_optimizer.learning_rate = recipe.d_lr * factor

    return decay


def build_models(recipe: Recipe = Recipe()) -> tuple[keras.Model, keras.Model]:
    """The generator and discriminator that ``recipe`` describes (unseeded, untrained)."""
    return (
        generator(recipe.noise_dim, recipe.g_width, refine=recipe.g_refine),
        discriminator(recipe.d_width, recipe.dropout, depth=recipe.d_depth,
                      spectral_norm=recipe.d_spectral_norm),
    )


def objective(recipe: Recipe):
    """The ``gan_lib.losses.Objective`` that ``recipe`` trains: the game registered as
    ``recipe.loss`` (with ``real_label`` when it is not 1), and R1 when
    ``recipe.r1_weight > 0``."""
    from gan_lib import losses

    options = {"real_label": recipe.real_label} if recipe.real_label != 1.0 else {}
    game = losses.objective(recipe.loss, **options)
    return losses.with_r1(game, recipe.r1_weight) if recipe.r1_weight else game


def make_trainer(
    recipe: Recipe = Recipe(),
    seed: int = 0,
    strategy=None,
    jit_compile: bool = False,
    *,
    build=build_models,
    precision: str | None = None,
    **trainer_options,
):
    """Build G and D (seeded) and a ``GANTrainer`` that trains them with ``recipe``.

    ``build(recipe) -> (G, D)`` makes the networks (``gan_lib.images.conditional`` passes
    its own, with ``num_classes`` among ``trainer_options``, the GANTrainer's extra options).

    The networks compute in the precision policy ``precision`` (default
    ``gan_lib.config.precision()``: bfloat16 where the hardware has matrix units for it);
    their weights, G's images and D's logits stay float32. Under ``mixed_float16`` each
    Adam is wrapped in Keras's ``LossScaleOptimizer`` (float16 gradients underflow
    without loss scaling; bfloat16 has float32's exponent range and needs none).

    With a ``tf.distribute`` strategy (e.g. ``TPUStrategy`` on a Colab TPU) the models and
    optimizers are created inside its scope and the trainer splits every batch across
    its replicas.
    """
    import contextlib

    from gan_lib.training import GANTrainer

    keras.utils.set_random_seed(check_seed("seed", seed))
    augment = None
    if recipe.translation or recipe.cutout:
        augment = diff_augment(recipe.translation, recipe.cutout)
    scope = strategy.scope() if strategy is not None else contextlib.nullcontext()
    with scope, config.precision_policy(precision) as policy:
        G, D = build(recipe)

        def adam(learning_rate):
            optimizer = keras.optimizers.Adam(learning_rate, beta_1=recipe.beta_1, beta_2=recipe.beta_2)
            if policy == "mixed_float16":
                optimizer = keras.optimizers.LossScaleOptimizer(optimizer)
            return optimizer

        return GANTrainer(
            G,
            D,
            noise_dim=recipe.noise_dim,
            generator_optimizer=adam(recipe.g_lr),
            discriminator_optimizer=adam(recipe.d_lr),
            objective=objective(recipe),
            ema_decay=recipe.ema_decay,
            augment=augment,
            strategy=strategy,
            jit_compile=jit_compile,
            seed=seed,
            **trainer_options,
        )
