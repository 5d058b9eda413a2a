"""Class-conditional GANs on MNIST: ``G(z, y)`` and ``D(x, y)`` (chapter 10).

The generator gets the requested digit ``y`` (an integer label, shape ``(N,)``) as a
learned embedding concatenated to the noise ``z``, then runs the DCGAN generator's body
(:func:`gan_lib.images.dcgan.upsample_to_image`). The discriminator gets the label in one
of two ways:

* ``"concat"``: the label as ten one-hot channels, constant over the image, stacked onto
  the image before the first convolution (the conditional GAN of Mirza and Osindero 2014);
  every layer can then mix label and pixels;
* ``"projection"`` (Miyato and Koyama 2018, eq. 3): the image alone goes through the
  DCGAN discriminator's body to features ``phi(x)``, and the label enters only at the
  end, as an inner product with a learned class embedding ``v_y``:

      logit(x, y) = w . phi(x) + b + v_y . phi(x)

  This is the form the optimal discriminator's logit takes when ``p(y|x)`` is modelled
  as a softmax on ``phi(x)``: ``log p_data(x|y) / p_g(x|y)`` is the sum of a term that
  does not depend on ``y`` and a term linear in the one-hot ``y`` (their Section 3).

Both networks use only built-in Keras layers, so a saved generator loads anywhere with
``keras.models.load_model``. The recipe is chapter 6's, with the label added.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import ClassVar

from tensorflow import keras

from gan_lib.images import dcgan
from gan_lib.images.mnist import IMAGE_SHAPE, NUM_CLASSES
from gan_lib.validation import check_integer, check_number

LABEL_MODES = ("concat", "projection")


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


def discriminator(width: int = 64, dropout: float = 0.3, depth: int = 3, label_mode: str = "projection",
                  classes: int = NUM_CLASSES, name: str = "conditional_discriminator") -> keras.Model:
    """D: ``[x, y]``, an image (28, 28, 1) in [-1, 1] and an integer label, -> one logit.

    ``label_mode="concat"``: one-hot(y) broadcast to (28, 28, classes), stacked onto x
    -> the DCGAN discriminator's body -> Dense(1).
    ``label_mode="projection"``: x -> the DCGAN discriminator's body -> phi(x);
    logit = Dense(1)(phi) + Embedding(y) . phi (Miyato and Koyama 2018).
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
    else:
        features = dcgan.downsample_to_features(x, width, dropout, depth)
        unconditional = layers.Dense(1, name="logit_any_class", **f32)(features)
        class_vector = layers.Embedding(classes, features.shape[-1], name="class_embedding", **f32)(y)
        projection = layers.Dot(axes=1, name="projection", **f32)([class_vector, features])
        logit = layers.Add(name="logit", **f32)([unconditional, projection])
    return dcgan.ShapeCheckedModel([x, y], logit, name=name)


@dataclass(frozen=True)
class ConditionalRecipe(dcgan.Recipe):
    """A :class:`gan_lib.images.dcgan.Recipe` plus how the label enters the networks. It
    trains on the digits' labels and is sampled by label."""

    conditional: ClassVar[bool] = True
    label_mode: str = "projection"
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
    return (
        generator(recipe.noise_dim, recipe.g_width, refine=recipe.g_refine, embed_dim=recipe.embed_dim,
                  classes=recipe.classes),
        discriminator(recipe.d_width, recipe.dropout, depth=recipe.d_depth, label_mode=recipe.label_mode,
                      classes=recipe.classes),
    )


def make_trainer(recipe: ConditionalRecipe = BOOK_RECIPE, seed: int = 0, strategy=None, jit_compile: bool = False,
                 precision: str | None = None, **trainer_options):
    """Build G(z, y) and D(x, y) (seeded) and a conditional ``GANTrainer`` for ``recipe``:
    its data are ``(images, labels)`` pairs; it calls G on ``[z, y]`` and D on ``[x, y]``.
    Everything else is ``gan_lib.images.dcgan.make_trainer``."""
    if not isinstance(recipe, ConditionalRecipe):
        raise TypeError(f"recipe must be a ConditionalRecipe; got {type(recipe).__name__}")
    return dcgan.make_trainer(
        recipe, seed, strategy, jit_compile, build=build_models, precision=precision,
        num_classes=recipe.classes, **trainer_options,
    )
