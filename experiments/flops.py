"""FLOPs of a GAN training step, counted two ways, and the CPU's peak FLOP rate.

**By hand, from the layer shapes** (:func:`simultaneous_step_flops`,
:func:`alternating_step_flops`). Only multiply-accumulates (MACs) of Dense, Conv2D and
Conv2DTranspose layers are counted, at 2 FLOPs each; batch normalization, activations,
losses and the optimizer's updates are left out (they are a few percent). Per example:

* Dense(n -> m): ``n m`` MACs;
* Conv2D(c_in -> c_out, k x k): ``H_out W_out k^2 c_in c_out`` (every output pixel
  takes a k x k x c_in patch);
* Conv2DTranspose(c_in -> c_out, k x k): ``H_in W_in k^2 c_in c_out`` (every input pixel
  scatters a k x k x c_out patch).

A layer's backward pass costs its forward MACs once for the gradient of its weights and
once for the gradient of its input; the input gradient of a network's first layer is
needed only when the gradient flows on, into the network before it (D's first layer in
G's update; never G's first layer, whose input is the noise). With ``f`` a network's
forward FLOPs and ``f1`` those of its first layer:

* weights' gradients of a network: ``2 f - f1``; input gradients only: ``f``.
* **simultaneous step** (the TF tutorial's: one forward pass, two tapes):
  G forward, D forward on real and fake, D's weight gradients on both, G's tape through
  D (input gradients) and G (weights): ``g + 2d + 2(2d - d1) + d + (2g - g1)``.
* **alternating step** (Algorithm 1, k = 1: keras.io's GAN examples, gan_lib): the D
  update (G forward, D forward and weight gradients on real and fake) and the G update
  on fresh noise (G and D forward, D's input gradients, G's weight gradients):
  ``g + 2d + 2(2d - d1) + g + d + d + (2g - g1)``.

**By TensorFlow** (:func:`graph_flops`): the ``"flops"`` statistics that TensorFlow
registers for its ops (those ``tf.compat.v1.profiler`` sums), over the ops of a step's
traced graph that its variable updates depend on (what TensorFlow runs; a gradient
function also emits gradients nobody uses, such as the noise's, which the runtime
prunes). :func:`graph_flops` reports the matrix ops (``Conv2D``, ``Conv2DBackpropInput``,
``Conv2DBackpropFilter``, ``MatMul``), comparable with the count by hand, and all ops.

**Peak** (:func:`cpu_peak`): cores x clock x FP32 FLOPs per cycle and core: 64 with
AVX-512 (two 512-bit FMA units: 2 x 16 lanes x 2 FLOPs), 32 with AVX2 (two 256-bit FMA
units), 16 otherwise (SSE). AMD's Zen 4 (``cpu family`` 25 with ``avx512f``) decodes
AVX-512 but executes it on its two 256-bit FMA pipes, one 512-bit FMA per cycle, so it
gets 32, as with AVX2 (AMD's Zen 4 documentation; Zen 5, family 26, has 512-bit
pipes and gets 64). Cores are the CPUs this process may run on
(``os.sched_getaffinity``); the clock is /proc/cpuinfo's ``cpu MHz`` (what the kernel
reports now; turbo and power states make it approximate). With AMX (``amx_bf16``), the
bfloat16 peak is 1024 FLOPs per cycle and core (Intel's figure for one AMX tile unit).
:func:`matmul_gflops` measures what one large float32 matrix product reaches on the same
CPU: a practical ceiling next to the peak on paper.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from tensorflow import keras

MATRIX_OPS = ("Conv2D", "Conv2DBackpropInput", "Conv2DBackpropFilter", "MatMul")
FP32_FLOP_PER_CYCLE = {"avx512f": 64, "avx512f on 256-bit pipes (Zen 4)": 32, "avx2": 32, "sse": 16}
ZEN4_FAMILY = 25  # AMD's cpu family 0x19: Zen 3 (no AVX-512) and Zen 4
AMX_BF16_FLOP_PER_CYCLE = 1024


def layer_macs(layer: keras.layers.Layer) -> int:
    """Multiply-accumulates of one example through ``layer`` (0 for layers without a
    weight matrix: BN, activations, reshapes, dropout)."""
    if isinstance(layer, keras.layers.Dense):
        return int(np.prod(layer.kernel.shape))
    if isinstance(layer, keras.layers.Conv2DTranspose):
        height, width = layer.input.shape[1:3]
        return height * width * int(np.prod(layer.kernel.shape))
    if isinstance(layer, keras.layers.Conv2D):
        height, width = layer.output.shape[1:3]
        return height * width * int(np.prod(layer.kernel.shape))
    return 0


def forward_flops(model: keras.Model) -> tuple[int, int]:
    """``(f, f1)``: FLOPs of one example's forward pass through ``model``, and those of its
    first layer with weights."""
    flops = [2 * layer_macs(layer) for layer in model.layers if layer_macs(layer)]
    return sum(flops), flops[0]


def simultaneous_step_flops(generator: keras.Model, discriminator: keras.Model) -> int:
    """FLOPs per example of the TF tutorial's step (see the module docstring)."""
    (g, g1), (d, d1) = forward_flops(generator), forward_flops(discriminator)
    return g + 2 * d + 2 * (2 * d - d1) + d + (2 * g - g1)


def alternating_step_flops(generator: keras.Model, discriminator: keras.Model) -> int:
    """FLOPs per example of one step of Algorithm 1 with k = 1 (see the module docstring)."""
    (g, g1), (d, d1) = forward_flops(generator), forward_flops(discriminator)
    d_update = g + 2 * d + 2 * (2 * d - d1)
    g_update = g + d + d + (2 * g - g1)
    return d_update + g_update


def _needed_ops(graph) -> list:
    """The ops of ``graph`` that its outputs and stateful ops (variable updates) need."""
    roots = [op for op in graph.get_operations() if op._is_stateful]
    roots += [tensor.op for tensor in graph.outputs]
    seen, stack = set(), list(roots)
    while stack:
        op = stack.pop()
        if op.name in seen:
            continue
        seen.add(op.name)
        stack.extend(tensor.op for tensor in op.inputs)
        stack.extend(op.control_inputs)
    return [op for op in graph.get_operations() if op.name in seen]


def graph_flops(concrete_function) -> dict[str, int]:
    """FLOPs of one call of ``concrete_function`` (static shapes), by op type, from the
    statistics TensorFlow registers for its ops; ops without one count 0. Keys: the
    :data:`MATRIX_OPS` and ``"all"``."""
    from tensorflow.python.framework import ops as framework_ops
    from tensorflow.python.profiler.internal import flops_registry  # noqa: F401  (registers them)

    graph = concrete_function.graph
    graph_def = graph.as_graph_def(add_shapes=True)
    nodes = {node.name: node for node in graph_def.node}
    counts = dict.fromkeys((*MATRIX_OPS, "all"), 0)
    for op in _needed_ops(graph):
        try:
            stats = framework_ops.get_stats_for_node_def(graph, nodes[op.name], "flops")
        except (ValueError, KeyError):
            continue
        value = int(stats.value or 0)
        counts["all"] += value
        if op.type in counts:
            counts[op.type] += value
    return counts


@dataclass(frozen=True)
class CPU:
    """What :func:`cpu_peak` detected."""

    model: str
    cores: int
    ghz: float
    vector_unit: str
    flags: tuple[str, ...]

    @property
    def fp32_flop_per_cycle(self) -> int:
        return FP32_FLOP_PER_CYCLE[self.vector_unit]

    @property
    def fp32_peak_gflops(self) -> float:
        return self.cores * self.ghz * self.fp32_flop_per_cycle

    @property
    def amx(self) -> bool:
        return "amx_bf16" in self.flags

    @property
    def amx_peak_gflops(self) -> float | None:
        return self.cores * self.ghz * AMX_BF16_FLOP_PER_CYCLE if self.amx else None

    def description(self) -> str:
        named = [f for f in ("avx512f", "avx512_bf16", "avx512_vnni", "amx_bf16") if f in self.flags]
        units = "/".join(named) or self.vector_unit
        return (f"{self.model}, {self.cores} cores at {self.ghz:.2f} GHz (/proc/cpuinfo cpu MHz), "
                f"{units}{'' if self.amx else ', no AMX'}")


def cpu_peak(cpuinfo: str | None = None, cores: int | None = None) -> CPU:
    """Detect the CPU from ``/proc/cpuinfo`` (or the text ``cpuinfo``) and this process's
    CPU affinity (or ``cores``)."""
    if cpuinfo is None:
        path = Path("/proc/cpuinfo")
        cpuinfo = path.read_text() if path.exists() else ""
    flags = re.search(r"^flags\s*:\s*(.*)$", cpuinfo, re.MULTILINE)
    flags = tuple(flags.group(1).split()) if flags else ()
    name = re.search(r"^model name\s*:\s*(.+)$", cpuinfo, re.MULTILINE)
    mhz = re.search(r"^cpu MHz\s*:\s*([\d.]+)", cpuinfo, re.MULTILINE)
    vendor = re.search(r"^vendor_id\s*:\s*(\S+)", cpuinfo, re.MULTILINE)
    family = re.search(r"^cpu family\s*:\s*(\d+)", cpuinfo, re.MULTILINE)
    zen4 = (vendor and vendor.group(1) == "AuthenticAMD" and family
            and int(family.group(1)) == ZEN4_FAMILY)
    unit = "avx512f" if "avx512f" in flags else "avx2" if "avx2" in flags else "sse"
    if unit == "avx512f" and zen4:
        unit = "avx512f on 256-bit pipes (Zen 4)"
    if cores is None:
        cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    return CPU(model=name.group(1).strip() if name else "unknown CPU", cores=cores,
               ghz=float(mhz.group(1)) / 1000 if mhz else float("nan"), vector_unit=unit, flags=flags)


def matmul_gflops(size: int = 2048, repeats: int = 10) -> float:
    """GFLOP/s of a chain of ``repeats`` float32 products ``x <- x b`` of ``size`` x
    ``size`` matrices (``2 size^3`` FLOPs each; a chain, so that no product can be
    skipped as a repeat of another) in one compiled call, after one call that compiles.
    ``b``'s entries are N(0, 1 / size), so the chain keeps ``x``'s scale."""
    import time

    import tensorflow as tf

    x = tf.random.stateless_normal((size, size), seed=(0, 1))
    b = tf.random.stateless_normal((size, size), seed=(0, 2), stddev=size**-0.5)

    @tf.function
    def products(x):
        for _ in range(repeats):
            x = tf.linalg.matmul(x, b)
        return tf.reduce_sum(x)

    products(x).numpy()
    start = time.perf_counter()
    products(x).numpy()
    return 2 * size**3 * repeats / (time.perf_counter() - start) / 1e9
