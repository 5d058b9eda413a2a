"""Class-conditional GANs on MNIST: ``G(z, y)`` and ``D(x, y)`` (chapter 10).

By default the generator gets the requested digit ``y`` (an integer label, shape
``(N,)``) as a learned embedding concatenated to the noise ``z``, then runs the DCGAN
generator's body (:func:`gan_lib.images.dcgan.upsample_to_image`). The discriminator
gets the label in one of three ways (``label_mode``):

* ``"concat"``: the label as ten one-hot channels, constant over the image, stacked onto
  the image before the first convolution: the conditional GAN of Mirza and Osindero
  (2014), who fed the one-hot label to multilayer perceptrons, in the form common for
  convolutional networks; every layer can then mix label and pixels;
* ``"projection"`` (Miyato and Koyama 2018, eq. 3): the image alone goes through the
  DCGAN discriminator's body to features ``phi(x)``, and the label enters only at the
  end, as an inner product with a learned class embedding ``v_y``:

      logit(x, y) = w . phi(x) + b + v_y . phi(x)

  This is the form the optimal discriminator's logit takes when ``p(y|x)`` is modelled
  as a softmax on ``phi(x)``: ``log p_data(x|y) / p_g(x|y)`` is the sum of a term that
  does not depend on ``y`` and a term linear in the one-hot ``y`` (their Section 3).

* ``"acgan"``, the auxiliary-classifier GAN (Odena, Olah and Shlens 2017): the image
  alone goes through the body to ``phi(x)``, and two heads read it, a real-or-fake logit
  ``s(x)`` and class logits ``c(x)`` (K numbers). The label input only picks which class
  is scored: D outputs ``[s(x), log softmax(c(x))_y]``, shape (N, 2), and
  :func:`acgan_objective` trains both players on both columns.

The generator gets the label in one of two ways (``g_label``):

* ``"embedding"``: the embedding concatenated to ``z`` (above);
* ``"cbn"``, conditional batch normalization (de Vries et al. 2017; the generator of
  Miyato and Koyama 2018): ``z`` alone enters the body, and every batch normalization of
  the generator gets a gain and a bias per class,

      CBN(h, y)_c = gamma_{y,c} (h_c - mu_c) / sqrt(var_c + eps) + beta_{y,c},

  with ``mu_c`` and ``var_c`` the batch's (over samples and positions) during training
  and the moving averages at sampling time; ``gamma`` starts at 1 and ``beta`` at 0.

All networks use only built-in Keras layers, so a saved generator loads anywhere with
``keras.models.load_model``. The recipe is chapter 6's, with the label added.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import ClassVar

from tensorflow import keras

from gan_lib.images import dcgan
from gan_lib.images.mnist import IMAGE_SHAPE, NUM_CLASSES
from gan_lib.validation import check_integer, check_number

LABEL_MODES = ("concat", "projection", "acgan")
GENERATOR_LABELS = ("embedding", "cbn")


def _label_input() -> keras.KerasTensor:
    return keras.Input((), dtype="int32", name="label")


def generator(noise_dim: int = 64, width: int = 64, refine: bool = True, embed_dim: int = 16,
              classes: int = NUM_CLASSES, name: str = "conditional_generator") -> keras.Model:
    """G: ``[z, y]``, z of shape (noise_dim,) and integer labels y of shape (), -> an
    image (28, 28, 1) in [-1, 1].

    Embedding(y) to ``embed_dim`` numbers -> concatenated with z -> the DCGAN generator's
    body (:func:`gan_lib.images.dcgan.generator`).
    """
    for name, value in (("noise_dim", noise_dim), ("width", width), ("embed_dim", embed_dim), ("classes", classes)):
        check_integer(name, value, at_least=1)
    z = keras.Input((noise_dim,), name="z")
    y = _label_input()
    code = keras.layers.Embedding(classes, embed_dim, name="label_embedding")(y)
    h = keras.layers.Concatenate(name="z_and_label")([z, code])
    return dcgan.ShapeCheckedModel([z, y], dcgan.upsample_to_image(h, width, refine), name=name)


def conditional_batch_norm(h, y, classes: int, name: str):
    """CBN on a Keras tensor ``h`` (N, C) or (N, H, W, C) given integer labels ``y`` (N,):
    ``gamma_{y,c} * BN(h)_c + beta_{y,c}`` (de Vries et al. 2017), BN without its own
    gain and bias, one gain vector (initialized to 1) and one bias vector (0) per class,
    held in the ``Embedding`` layers ``{name}_gamma`` and ``{name}_beta``."""
    layers = keras.layers
    channels = h.shape[-1]
    normalized = layers.BatchNormalization(center=False, scale=False, name=name)(h)
    gamma = layers.Embedding(classes, channels, embeddings_initializer="ones", name=f"{name}_gamma")(y)
    beta = layers.Embedding(classes, channels, embeddings_initializer="zeros", name=f"{name}_beta")(y)
    if len(h.shape) == 4:
        gamma = layers.Reshape((1, 1, channels), name=f"{name}_gamma_map")(gamma)
        beta = layers.Reshape((1, 1, channels), name=f"{name}_beta_map")(beta)
    scaled = layers.Multiply(name=f"{name}_scaled")([normalized, gamma])
    return layers.Add(name=f"{name}_shifted")([scaled, beta])


def cbn_generator(noise_dim: int = 64, width: int = 64, refine: bool = True,
                  classes: int = NUM_CLASSES, name: str = "cbn_generator") -> keras.Model:
    """G: ``[z, y]`` -> an image (28, 28, 1) in [-1, 1], the label entering only through
    conditional batch normalization (Miyato and Koyama 2018's generator design).

    The layers of :func:`gan_lib.images.dcgan.generator` (with ``refine``), each
    BatchNormalization replaced by :func:`conditional_batch_norm`.
    """
    for arg, value in (("noise_dim", noise_dim), ("width", width), ("classes", classes)):
        check_integer(arg, value, at_least=1)
    layers = keras.layers
    z = keras.Input((noise_dim,), name="z")
    y = _label_input()
    h = layers.Dense(7 * 7 * 2 * width, use_bias=False, name="project")(z)
    h = layers.ReLU(name="project_relu")(conditional_batch_norm(h, y, classes, "project_bn"))
    h = layers.Reshape((7, 7, 2 * width), name="to_7x7")(h)
    h = layers.Conv2DTranspose(width, 4, strides=2, padding="same", use_bias=False, name="up_14x14")(h)
    h = layers.ReLU(name="up_14x14_relu")(conditional_batch_norm(h, y, classes, "up_14x14_bn"))
    if refine:
        h = layers.Conv2DTranspose(max(1, width // 2), 4, strides=2, padding="same", use_bias=False,
                                   name="up_28x28")(h)
        h = layers.ReLU(name="up_28x28_relu")(conditional_batch_norm(h, y, classes, "up_28x28_bn"))
        h = layers.Conv2D(1, 3, padding="same", name="to_image")(h)
    else:
        h = layers.Conv2DTranspose(1, 4, strides=2, padding="same", name="up_28x28")(h)
    image = layers.Activation("tanh", name="image", dtype="float32")(h)
    return dcgan.ShapeCheckedModel([z, y], image, name=name)


def discriminator(width: int = 64, dropout: float = 0.3, depth: int = 3, label_mode: str = "projection",
                  classes: int = NUM_CLASSES, name: str = "conditional_discriminator") -> keras.Model:
    """D: ``[x, y]``, an image (28, 28, 1) in [-1, 1] and an integer label, -> one logit.

    ``label_mode="concat"``: one-hot(y) broadcast to (28, 28, classes), stacked onto x
    -> the DCGAN discriminator's body -> Dense(1).
    ``label_mode="projection"``: x -> the DCGAN discriminator's body -> phi(x);
    logit = Dense(1)(phi) + Embedding(y) . phi (Miyato and Koyama 2018).
    ``label_mode="acgan"``: x -> the body -> phi(x); outputs (N, 2):
    ``[Dense(1)(phi), log softmax(Dense(classes)(phi))_y]`` (Odena et al. 2017), for
    :func:`acgan_objective`.
    """
    for name, value in (("width", width), ("classes", classes)):
        check_integer(name, value, at_least=1)
    if label_mode not in LABEL_MODES:
        raise ValueError(f"label_mode must be one of {LABEL_MODES}; got {label_mode!r}")
    if check_integer("depth", depth) not in (2, 3):
        raise ValueError(f"depth must be 2 or 3 strided convolutions; got {depth!r}")
    check_number("dropout", dropout, at_least=0, less_than=1)
    layers = keras.layers
    f32 = {"dtype": "float32"}  # the logit in float32 under a mixed policy
    x = keras.Input(IMAGE_SHAPE, name="image")
    y = _label_input()
    if label_mode == "concat":
        one_hot = layers.CategoryEncoding(classes, output_mode="one_hot", name="one_hot")(y)
        planes = layers.Reshape((1, 1, classes), name="label_pixel")(one_hot)
        planes = layers.UpSampling2D(IMAGE_SHAPE[:2], name="label_planes")(planes)
        h = layers.Concatenate(name="image_and_label")([x, planes])
        features = dcgan.downsample_to_features(h, width, dropout, depth)
        logit = layers.Dense(1, name="logit", **f32)(features)
    elif label_mode == "acgan":
        features = dcgan.downsample_to_features(x, width, dropout, depth)
        source = layers.Dense(1, name="logit_real_fake", **f32)(features)
        class_logits = layers.Dense(classes, name="class_logits", **f32)(features)
        log_p = layers.Activation("log_softmax", name="class_log_probs", **f32)(class_logits)
        one_hot = layers.CategoryEncoding(classes, output_mode="one_hot", name="one_hot", **f32)(y)
        log_p_label = layers.Dot(axes=1, name="log_p_label", **f32)([log_p, one_hot])
        logit = layers.Concatenate(name="logit_and_log_p_label", **f32)([source, log_p_label])
    else:
        features = dcgan.downsample_to_features(x, width, dropout, depth)
        unconditional = layers.Dense(1, name="logit_any_class", **f32)(features)
        class_vector = layers.Embedding(classes, features.shape[-1], name="class_embedding", **f32)(y)
        projection = layers.Dot(axes=1, name="projection", **f32)([class_vector, features])
        logit = layers.Add(name="logit", **f32)([unconditional, projection])
    return dcgan.ShapeCheckedModel([x, y], logit, name=name)


def acgan_objective(class_weight: float = 1.0):
    """The AC-GAN game (Odena et al. 2017) on D's two outputs ``[s, l]``, ``s`` the
    real-or-fake logit and ``l = log p_D(y | x)`` the log-probability of the label:

        L_D = -E_real log sigmoid(s) - E_fake log(1 - sigmoid(s))
              - w (E_real l + E_fake l)
        L_G = -E_fake log sigmoid(s) - w E_fake l

    D learns the class of real and fake images alike; G is rewarded for fakes that look
    real (the non-saturating loss) and that D classifies as the requested label. The paper
    writes this as D maximizing L_S + L_C and G maximizing L_C - L_S with the minimax L_S;
    w = ``class_weight`` (1 in the paper). The trainer's history keys ``d_real`` and
    ``d_fake`` are then the means of sigmoid over both columns, not D's mean output.
    """
    import tensorflow as tf

    from gan_lib import losses

    weight = check_number("class_weight", class_weight, greater_than=0)

    def discriminator_loss(real, fake):
        adversarial = tf.reduce_mean(tf.nn.softplus(-real[:, 0])) + tf.reduce_mean(tf.nn.softplus(fake[:, 0]))
        return adversarial - weight * (tf.reduce_mean(real[:, 1]) + tf.reduce_mean(fake[:, 1]))

    def generator_loss(fake):
        return tf.reduce_mean(tf.nn.softplus(-fake[:, 0])) - weight * tf.reduce_mean(fake[:, 1])

    return losses.Objective("acgan", discriminator_loss, generator_loss)


@dataclass(frozen=True)
class ConditionalRecipe(dcgan.Recipe):
    """A :class:`gan_lib.images.dcgan.Recipe` plus how the label enters the networks
    (``label_mode`` for D, ``g_label`` for G). It trains on the digits' labels and is
    sampled by label."""

    conditional: ClassVar[bool] = True
    label_mode: str = "projection"
    g_label: str = "embedding"
    embed_dim: int = 16
    classes: int = NUM_CLASSES

    def build_trainer(self, seed: int = 0, **options):
        """The seeded conditional trainer of this recipe: :func:`make_trainer`."""
        return make_trainer(self, seed, **options)

    def training_labels(self, digits, seed: int = 0):
        """The digits' own labels."""
        return digits.labels


# Chapter 10's recipe (and `gan-book train conditional`'s): chapter 6's book recipe with
# the label fed to G as an embedding and to D by projection.
BOOK_RECIPE = ConditionalRecipe(**{**asdict(dcgan.BOOK_RECIPE), "label_mode": "projection"})


def build_models(recipe: ConditionalRecipe = BOOK_RECIPE) -> tuple[keras.Model, keras.Model]:
    """The conditional generator and discriminator that ``recipe`` describes (untrained)."""
    if recipe.d_spectral_norm:
        raise ValueError("the conditional discriminator has no spectral-normalization option (d_spectral_norm)")
    if recipe.g_label not in GENERATOR_LABELS:
        raise ValueError(f"g_label must be one of {GENERATOR_LABELS}; got {recipe.g_label!r}")
    if recipe.g_label == "cbn":
        G = cbn_generator(recipe.noise_dim, recipe.g_width, refine=recipe.g_refine, classes=recipe.classes)
    else:
        G = generator(recipe.noise_dim, recipe.g_width, refine=recipe.g_refine, embed_dim=recipe.embed_dim,
                      classes=recipe.classes)
    return (
        G,
        discriminator(recipe.d_width, recipe.dropout, depth=recipe.d_depth, label_mode=recipe.label_mode,
                      classes=recipe.classes),
    )


def make_trainer(recipe: ConditionalRecipe = BOOK_RECIPE, seed: int = 0, strategy=None, jit_compile: bool = False,
                 precision: str | None = None, **trainer_options):
    """Build G(z, y) and D(x, y) (seeded) and a conditional ``GANTrainer`` for ``recipe``:
    its data are ``(images, labels)`` pairs; it calls G on ``[z, y]`` and D on ``[x, y]``.
    Everything else is ``gan_lib.images.dcgan.make_trainer``. With ``label_mode="acgan"``
    the players' objective is :func:`acgan_objective` instead of the recipe's loss (which
    must then be the non-saturating one, the game AC-GAN adds its class term to)."""
    from dataclasses import replace

    if not isinstance(recipe, ConditionalRecipe):
        raise TypeError(f"recipe must be a ConditionalRecipe; got {type(recipe).__name__}")
    if recipe.label_mode == "acgan" and (recipe.loss != "non_saturating" or recipe.real_label != 1.0
                                         or recipe.r1_weight):
        raise ValueError("the AC-GAN recipe trains acgan_objective: loss 'non_saturating', "
                         "real_label 1 and no R1")
    trainer = dcgan.make_trainer(
        recipe, seed, strategy, jit_compile, build=build_models, precision=precision,
        num_classes=recipe.classes, **trainer_options,
    )
    if recipe.label_mode == "acgan":
        # before the first compiled call, so every step trains the AC-GAN game
        trainer.objective = acgan_objective()
        trainer.players = replace(trainer.players, objective=trainer.objective)
    return trainer
