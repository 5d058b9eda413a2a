"""gan_lib: the code that the chapters of gan-book share.

Importing the package quiets TensorFlow's C++ logging (CUDA probing noise on CPU
machines) before any module imports TensorFlow. Submodules are imported on use, so
``gan_lib.probability`` works without TensorFlow being loaded at all.
"""

import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

__version__ = "0.1.0"
