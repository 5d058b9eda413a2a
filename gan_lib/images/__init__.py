"""The image problems: MNIST data, convolutional GANs and the shipped digit classifier.

The image constants (``IMAGE_SHAPE``, ``NUM_CLASSES``) live in ``gan_lib.images.mnist``.
"""
