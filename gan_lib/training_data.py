"""Where ``GANTrainer``'s real batches come from: step t's batches, drawn from (seed, t).

``GANTrainer.fit`` runs many steps per compiled call. A *source* gives that call what it
needs to draw the real batches of steps ``t0 .. t0 + n - 1``:

* arrays (``x``, or ``(x, y)`` in conditional training): rows are drawn in the graph,
  uniformly with replacement, from a stateless seed of (seed, t, i);
* in-graph samplers (an object with ``sample(n, rng)`` and ``in_graph(n, seed)``, such
  as the toy samplers of ``gan_lib.toy.data``): drawn in the graph from the same seed;
* other samplers ``sample(batch_size, rng)``: drawn on the host with
  ``rng = np.random.default_rng((seed, t))``, the whole chunk at once;
* ``tf.data.Dataset`` of batches: read on the host in order, repeated; step t uses the
  batches ``t k .. t k + k - 1`` (k = d_steps), so a resumed run is exact when the
  dataset's order is deterministic, e.g. ``shuffle(..., seed=...)``.

Each source has ``sample_shape``, ``key`` (what a compiled call may be reused for),
``signature()`` (the ``tf.TensorSpec`` of what ``inputs`` returns), ``inputs(t0, n)``
(host side, once per call) and ``batch(inputs, row, i, seed)`` (in the graph: the real
batch of D update ``i`` of the call's step ``row``; returns ``(x, labels or None)``).
"""

from __future__ import annotations

import numpy as np
import tensorflow as tf

from gan_lib.train_step import DATA, NOISE, step_seed


def _check_labels(labels, num_classes: int, where: str) -> np.ndarray:
    labels = np.asarray(labels)
    if labels.ndim == 2 and labels.shape[1] == 1:
        labels = labels[:, 0]
    if labels.ndim != 1:
        raise ValueError(f"labels must have shape (batch,); got {labels.shape} {where}")
    if not np.issubdtype(labels.dtype, np.integer):
        if not np.all(labels == np.round(labels)):
            raise ValueError(f"labels must be integer class ids; got dtype {labels.dtype} {where}")
    labels = labels.astype(np.int32)
    if len(labels) and (labels.min() < 0 or labels.max() >= num_classes):
        raise ValueError(
            f"labels must be in 0 .. {num_classes - 1} (num_classes={num_classes}); "
            f"got {labels.min()} .. {labels.max()} {where}"
        )
    return labels


def _check_rows(batch: np.ndarray, batch_size: int, step: int) -> None:
    if batch.shape[:1] != (batch_size,):
        raise ValueError(
            f"a data batch has {batch.shape[0] if batch.ndim else 'no'} rows at step "
            f"{step}, but batch_size={batch_size} (batch a Dataset with "
            "drop_remainder=True, with the batch size given to fit)"
        )


class ArraySource:
    """Rows of arrays drawn uniformly with replacement, in the graph."""

    def __init__(self, x: np.ndarray, labels: np.ndarray | None, batch_size: int):
        self.x = tf.constant(np.asarray(x, np.float32))
        self.labels = None if labels is None else tf.constant(labels)
        self.sample_shape = tuple(x.shape[1:])
        self.batch_size = batch_size
        self.key = ("array", self.sample_shape, labels is None, batch_size)

    def signature(self):
        specs = (tf.TensorSpec((None, *self.sample_shape), tf.float32),)
        return specs + (() if self.labels is None else (tf.TensorSpec((None,), tf.int32),))

    def inputs(self, t0: int, n: int):
        return (self.x,) if self.labels is None else (self.x, self.labels)

    def batch(self, inputs, row, i, seed):
        rows = tf.random.stateless_uniform(
            (self.batch_size,), seed, 0, tf.shape(inputs[0], out_type=tf.int64)[0], tf.int64
        )
        labels = None if len(inputs) == 1 else tf.gather(inputs[1], rows)
        return tf.gather(inputs[0], rows), labels


class InGraphSamplerSource:
    """A sampler with ``in_graph(n, seed)``, called in the graph."""

    def __init__(self, sampler, conditional: bool, batch_size: int):
        example = sampler.in_graph(2, tf.constant([0, 0], tf.int64))
        if conditional and not (isinstance(example, tuple) and len(example) == 2):
            raise TypeError(
                "a sampler must return (x, y) pairs of samples and labels in conditional "
                f"training; its in_graph returned {type(example).__name__}"
            )
        x = example[0] if conditional else example
        self.sampler, self.conditional, self.batch_size = sampler, conditional, batch_size
        self.sample_shape = tuple(x.shape[1:])
        self.key = ("in_graph", sampler, batch_size)

    def signature(self):
        return ()

    def inputs(self, t0: int, n: int):
        return ()

    def batch(self, inputs, row, i, seed):
        drawn = self.sampler.in_graph(self.batch_size, seed)
        if self.conditional:
            return tf.cast(drawn[0], tf.float32), tf.cast(drawn[1], tf.int32)
        return tf.cast(drawn, tf.float32), None


class HostSource:
    """Batches made on the host for a whole call: stacked to (n, k, batch, ...)."""

    def __init__(self, next_batch, sample_shape, num_classes, d_steps: int, batch_size: int):
        self.next_batch, self.num_classes = next_batch, num_classes
        self.sample_shape, self.d_steps, self.batch_size = tuple(sample_shape), d_steps, batch_size
        self.key = ("host", self.sample_shape, num_classes is None, d_steps, batch_size)

    def signature(self):
        shape = (None, self.d_steps, self.batch_size)
        specs = (tf.TensorSpec((*shape, *self.sample_shape), tf.float32),)
        return specs + (() if self.num_classes is None else (tf.TensorSpec(shape, tf.int32),))

    def inputs(self, t0: int, n: int):
        xs, ys = [], []
        for t in range(t0, t0 + n):
            drawn = self.next_batch(t)
            for batch in drawn:
                x = np.asarray(batch[0] if self.num_classes else batch)
                _check_rows(x, self.batch_size, t)
                xs.append(x)
                if self.num_classes:
                    ys.append(_check_labels(batch[1], self.num_classes, f"at step {t}"))
        shape = (n, self.d_steps, self.batch_size)
        x = np.stack(xs).astype(np.float32).reshape(*shape, *self.sample_shape)
        return (x,) if self.num_classes is None else (x, np.stack(ys).reshape(shape))

    def batch(self, inputs, row, i, seed):
        return inputs[0][row, i], None if len(inputs) == 1 else inputs[1][row, i]


def source(data, *, seed: int, step: int, d_steps: int, batch_size: int, num_classes):
    """The source of ``data`` for ``fit`` to continue from ``step``; checks its form."""
    conditional = num_classes is not None
    pairs = "(x, y) pairs of samples and labels" if conditional else "samples only (no labels)"
    if isinstance(data, tf.data.Dataset):
        spec = data.element_spec
        if conditional:
            if not (isinstance(spec, tuple) and len(spec) == 2):
                raise TypeError(f"a Dataset must yield {pairs}; got element_spec {spec}")
            spec = spec[0]
        elif not isinstance(spec, tf.TensorSpec):
            raise TypeError(
                f"a Dataset must yield batches of {pairs}; map it with "
                f"`lambda x, *rest: x`; got element_spec {spec}"
            )
        iterator = data.repeat().skip(step * d_steps).as_numpy_iterator()
        return HostSource(lambda t: [next(iterator) for _ in range(d_steps)],
                          spec.shape[1:], num_classes, d_steps, batch_size)
    if callable(getattr(data, "in_graph", None)):
        return InGraphSamplerSource(data, conditional, batch_size)
    if callable(data):
        example = data(2, np.random.default_rng(0))
        if conditional and not (isinstance(example, tuple) and len(example) == 2):
            raise TypeError(f"a sampler must return {pairs}; got {type(example).__name__}")

        def draw(t):
            rng = np.random.default_rng((seed, t))
            return [data(batch_size, rng) for _ in range(d_steps)]

        shape = np.shape(example[0] if conditional else example)[1:]
        return HostSource(draw, shape, num_classes, d_steps, batch_size)
    labels = None
    if conditional:
        if not (isinstance(data, (tuple, list)) and len(data) == 2):
            raise TypeError(f"data must be {pairs}, a tuple of two arrays")
        data, labels = np.asarray(data[0]), np.asarray(data[1])
        if len(data) != len(labels):
            raise ValueError(f"data has {len(data)} samples but {len(labels)} labels")
        labels = _check_labels(labels, num_classes, "in data")
    data = np.asarray(data)
    if data.ndim == 0 or len(data) == 0:
        raise ValueError(f"data must be a non-empty array of samples; got shape {data.shape}")
    return ArraySource(data, labels, batch_size)


def draw_step(source, inputs, row, seed, step, d_steps: int, noise_count: int, noise_dim: int):
    """Step ``step``'s draws: ``d_steps`` real batches (with their labels; ``None`` entries
    without) from ``source`` and ``noise_count`` batches of noise ``z ~ N(0, I)``, each from
    its own stateless seed of ``(seed, step)`` (``gan_lib.train_step.step_seed``), so the
    step draws the same numbers however steps are grouped into calls or resumed."""
    real, labels = [], []
    for i in range(d_steps):
        x, y = source.batch(inputs, row, i, step_seed(seed, step, DATA, i))
        real.append(x)
        labels.append(y)
    noise = [
        tf.random.stateless_normal((source.batch_size, noise_dim), step_seed(seed, step, NOISE, j))
        for j in range(noise_count)
    ]
    return real, labels, noise
