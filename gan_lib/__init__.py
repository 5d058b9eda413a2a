"""gan_lib: the code that the chapters of gan-book share.

Importing the package quiets TensorFlow's C++ logging (CUDA probing noise on CPU
machines) and turns on TensorFlow's oneDNN CPU kernels, before any module imports
TensorFlow. Submodules are imported on use, so
``gan_lib.probability`` works without TensorFlow being loaded at all.
"""

import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
# TensorFlow enables its oneDNN kernels by default only on CPUs it recognises as recent
# Intel ones. On this book's AMD EPYC machines they were off, and turning them on made
# chapter 6's training step 1.2-1.6x faster (experiments/bench_onednn.py). Read once, when
# TensorFlow is imported; a value the reader set wins; GPUs are not affected.
os.environ.setdefault("TF_ENABLE_ONEDNN_OPTS", "1")

__version__ = "0.1.0"
