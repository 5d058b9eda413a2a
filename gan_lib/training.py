"""One GAN training loop for every chapter: Algorithm 1 of Goodfellow et al. (2014).

    for each training iteration:
        for k steps:                                  # d_steps
            sample m noise vectors z and m data points x
            update D by descending  L_D = -(1/m) sum[log D(x) + log(1 - D(G(z)))]
        sample m noise vectors z
        update G by descending  (1/m) sum log(1 - D(G(z)))   (minimax)
                           or  -(1/m) sum log D(G(z))        (non-saturating)

Losses come from ``gan_lib.losses`` (computed from logits). Each network has its own
optimizer. The step is compiled with ``tf.function`` (optionally XLA). All randomness
of step ``t`` (data batch and noise) comes from ``np.random.default_rng((seed, t))``,
so a run is reproducible on CPU and a run resumed from a checkpoint continues exactly
as if it had never stopped. (With a ``tf.data.Dataset`` the batches come from the
dataset: step ``t`` uses its batches ``t*k ... t*k + k - 1``, so a resumed run is exact
when the dataset's order is deterministic, e.g. ``shuffle(..., seed=...)``.)

Typical use::

    trainer = GANTrainer(G, D, noise_dim=4,
                         generator_optimizer=keras.optimizers.Adam(1e-3),
                         discriminator_optimizer=keras.optimizers.Adam(1e-3))
    history = trainer.fit(sample, steps=2000, batch_size=256)
    history.as_arrays()["d_loss"]   # one value per step
"""

from __future__ import annotations

import contextlib
import json
import math
import sys
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import tensorflow as tf
from tqdm import tqdm

from gan_lib import losses

HISTORY_KEYS = ("d_loss", "g_loss", "d_real", "d_fake", "d_penalty")


@dataclass
class History:
    """Per-step record: losses and mean discriminator outputs on real and fake batches.

    All values are those of the step's last discriminator update and its generator
    update. ``d_loss`` is the loss D descended: its objective's loss plus the penalty
    (for the cross-entropy game the BCE, = -V per term, log 4 at equilibrium);
    ``d_penalty`` is the penalty alone (0 without one); ``g_loss`` the generator's loss.
    ``d_real`` and ``d_fake`` are D's mean output on the real and the fake batch: the mean
    ``D(x) = sigmoid(l)`` and ``D(G(z))`` (both 1/2 at equilibrium) when the objective's
    ``probability_outputs`` is true, else (critics) the mean raw output ``l``.
    """

    d_loss: list[float] = field(default_factory=list)
    g_loss: list[float] = field(default_factory=list)
    d_real: list[float] = field(default_factory=list)
    d_fake: list[float] = field(default_factory=list)
    d_penalty: list[float] = field(default_factory=list)

    def __len__(self) -> int:
        return len(self.d_loss)

    def append(self, values: dict[str, float]) -> None:
        for key in HISTORY_KEYS:
            getattr(self, key).append(float(values[key]))

    def truncate(self, steps: int) -> None:
        for key in HISTORY_KEYS:
            del getattr(self, key)[steps:]

    def as_arrays(self) -> dict[str, np.ndarray]:
        return {key: np.asarray(getattr(self, key)) for key in HISTORY_KEYS}

    def to_json(self) -> str:
        return json.dumps({key: getattr(self, key) for key in HISTORY_KEYS})

    @classmethod
    def from_json(cls, text: str) -> History:
        return cls(**json.loads(text))


class NonFiniteLossError(FloatingPointError):
    """Training produced a NaN or infinite loss."""


def _interactive() -> bool:
    """True in a terminal or a Jupyter kernel; False in batch jobs and CI logs.

    The bar is plain text on stderr (not a widget): it updates in place in a terminal,
    Jupyter and Colab, and the built book drops stderr, so no stale bar is published."""
    return sys.stderr.isatty() or "ipykernel" in sys.modules


def _check_positive_int(name: str, value, minimum: int = 1) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < minimum:
        raise ValueError(f"{name} must be an integer >= {minimum}; got {value!r}")
    return int(value)


def _check_learning_rate(name: str, optimizer) -> None:
    rate = optimizer.learning_rate
    if isinstance(rate, tf.keras.optimizers.schedules.LearningRateSchedule):
        return
    value = float(np.asarray(rate))
    if not value > 0:
        raise ValueError(f"{name} learning rate must be positive; got {value}")


class GANTrainer:
    """Train a Keras generator/discriminator pair with Algorithm 1.

    Parameters
    ----------
    generator, discriminator:
        Keras models. ``generator`` maps noise of shape ``(batch, noise_dim)`` to samples;
        ``discriminator`` maps samples to logits ``(batch, 1)``. Their shapes must agree.
    noise_dim:
        Dimension of the noise ``z ~ N(0, I)``.
    generator_optimizer, discriminator_optimizer:
        Two distinct Keras optimizers (sharing one between networks is an error).
    objective:
        A :class:`gan_lib.losses.Objective`: the discriminator's and generator's losses
        and an optional penalty on D (gradient penalty, R1). Default: the cross-entropy
        game ``losses.cross_entropy(generator_loss, real_label)``.
    generator_loss:
        Shorthand for the cross-entropy objective: ``"non_saturating"`` (the default,
        -E[log D(G(z))]) or ``"minimax"`` (E[log(1-D(G(z)))]). Not with ``objective``.
    num_classes:
        Conditional training with K = ``num_classes`` classes (Mirza & Osindero 2014):
        data are ``(x, y)`` pairs with integer labels ``y`` in 0 .. K-1, the generator is
        called on ``[z, y]`` and the discriminator on ``[x, y]``. The fakes of each
        discriminator update get the labels of that update's real batch, and the
        generator update reuses the labels of the step's last real batch, so the fakes'
        classes follow the data's (no extra randomness, hence nothing more to seed).
    d_steps:
        k, the number of discriminator updates per generator update.
    strategy:
        Optional ``tf.distribute`` strategy; build the models and optimizers inside
        ``strategy.scope()``. Each replica gets an equal slice of every batch.
    jit_compile:
        Compile the step with XLA. Off by default: ``experiments/bench_train_step.py`` measured
        XLA at 0.7x to 1.0x the speed of plain ``tf.function`` for the toy GANs on CPU
        (2 shared cores, TF 2.21), never faster; try it on a GPU, where fusing kernels can
        pay off. Not with a strategy.
    seed:
        Seed of all data and noise sampling.
    ema_decay:
        Keep ``self.ema_generator``, an exponential moving average of the generator's
        weights, ``w_ema <- beta w_ema + (1 - beta) w`` after every generator update, with
        ``beta = min(ema_decay, (1 + t) / (10 + t))`` at generator update ``t`` (so early
        averages are not dominated by the random initialization). Averaging the iterates
        damps the oscillation of the two-player game (Yazici et al. 2019); sample from
        ``ema_generator``. Training itself is unchanged.
    real_label:
        Target for real samples in the discriminator's loss; ``0.9`` is one-sided label
        smoothing (Salimans et al. 2016). See ``gan_lib.losses.discriminator_loss``.
        Only for the cross-entropy objective (not with ``objective``).
    augment:
        Optional differentiable augmentation ``augment(images, seed) -> images`` applied to
        every batch the discriminator sees, real and fake, in both updates (DiffAugment,
        Zhao et al. 2020). ``seed`` is a stateless seed (shape (2,), int64) that differs
        per call and is derived from the optimizer's step, so runs stay reproducible and
        resumable.

    Attributes: ``generator``, ``discriminator``, their optimizers, ``objective``,
    ``step`` (generator updates done so far), ``history`` (a :class:`History`, one entry
    per step) and ``sampling_generator`` (the generator to sample from).
    The models must have known input shapes (functional or Sequential models built with
    ``keras.Input``), so that mismatches are reported before training starts.
    """

    def __init__(
        self,
        generator: tf.keras.Model,
        discriminator: tf.keras.Model,
        *,
        noise_dim: int,
        generator_optimizer,
        discriminator_optimizer,
        objective: losses.Objective | None = None,
        generator_loss: str | None = None,
        num_classes: int | None = None,
        d_steps: int = 1,
        strategy: tf.distribute.Strategy | None = None,
        jit_compile: bool = False,
        seed: int = 0,
        ema_decay: float | None = None,
        real_label: float = 1.0,
        augment: Callable | None = None,
    ):
        self.noise_dim = _check_positive_int("noise_dim", noise_dim)
        self.d_steps = _check_positive_int("d_steps (k)", d_steps)
        self.seed = _check_positive_int("seed", seed, minimum=0)
        self.num_classes = None
        if num_classes is not None:
            self.num_classes = _check_positive_int("num_classes", num_classes, minimum=2)
        if generator_optimizer is discriminator_optimizer:
            raise ValueError(
                "generator_optimizer and discriminator_optimizer are the same object; "
                "each network needs its own optimizer (its moment estimates are per network)"
            )
        _check_learning_rate("generator_optimizer", generator_optimizer)
        _check_learning_rate("discriminator_optimizer", discriminator_optimizer)
        self._check_shapes(generator, discriminator)
        if ema_decay is not None and not 0.0 < ema_decay < 1.0:
            raise ValueError(f"ema_decay must be in (0, 1) or None; got {ema_decay!r}")
        if not 0.5 < real_label <= 1.0:
            raise ValueError(f"real_label must be in (0.5, 1]; got {real_label!r}")
        if augment is not None and not callable(augment):
            raise TypeError(f"augment must be a function augment(images, seed); got {augment!r}")
        self.ema_decay = ema_decay
        self.real_label = float(real_label)
        self.augment = augment
        self.generator = generator
        self.discriminator = discriminator
        self.generator_optimizer = generator_optimizer
        self.discriminator_optimizer = discriminator_optimizer
        self.objective = self._objective(objective, generator_loss, real_label)
        if strategy is not None and jit_compile:
            raise ValueError(
                "jit_compile=True cannot be combined with a strategy here (XLA cannot reach "
                "variables mirrored on other devices); use one or the other"
            )
        self.strategy = strategy
        self.jit_compile = bool(jit_compile)
        self.history = History()
        self.step = 0
        scope = strategy.scope() if strategy is not None else contextlib.nullcontext()
        with scope:
            generator_optimizer.build(generator.trainable_variables)
            discriminator_optimizer.build(discriminator.trainable_variables)
            self.ema_generator = None
            if ema_decay is not None:
                self.ema_generator = tf.keras.models.clone_model(generator)
                self.ema_generator.set_weights(generator.get_weights())
        self._train_step = self._compile_step()

    @staticmethod
    def _objective(objective, generator_loss, real_label) -> losses.Objective:
        if objective is None:
            return losses.cross_entropy(generator_loss or "non_saturating", real_label)
        if not isinstance(objective, losses.Objective):
            raise TypeError(f"objective must be a gan_lib.losses.Objective; got {objective!r}")
        if generator_loss is not None or real_label != 1.0:
            raise ValueError(
                "give either objective=... or generator_loss/real_label (which describe the "
                "cross-entropy objective, losses.cross_entropy(generator_loss, real_label))"
            )
        return objective

    @property
    def sampling_generator(self) -> tf.keras.Model:
        """The generator to sample from: the EMA copy when ``ema_decay`` is set, else G."""
        return self.ema_generator if self.ema_generator is not None else self.generator

    def _check_shapes(self, generator, discriminator) -> None:
        for name, model in (("generator", generator), ("discriminator", discriminator)):
            if not isinstance(model, tf.keras.Model):
                raise TypeError(f"{name} must be a Keras model; got {type(model).__name__}")
            if not model.built or not model.inputs:
                raise ValueError(
                    f"the {name} has no known input shape; build it with keras.Input(...) "
                    "(a functional model) or give its first layer an input shape"
                )
        inputs = 1 if self.num_classes is None else 2
        for name, model in (("generator", generator), ("discriminator", discriminator)):
            if len(model.inputs) != inputs:
                raise ValueError(
                    f"the {name} takes {len(model.inputs)} input(s), but "
                    + ("conditional training (num_classes) calls it on [samples, labels]"
                       if inputs == 2 else "it is called on one tensor (set num_classes for [x, y])")
                )
        g_in = tuple(generator.inputs[0].shape[1:])
        if g_in != (self.noise_dim,):
            raise ValueError(
                f"the generator expects inputs of shape {g_in}, but noise_dim={self.noise_dim} "
                f"gives noise of shape ({self.noise_dim},)"
            )
        g_out, d_in = tuple(generator.output_shape[1:]), tuple(discriminator.inputs[0].shape[1:])
        if g_out != d_in:
            raise ValueError(
                f"the generator's output shape {g_out} does not match the discriminator's "
                f"input shape {d_in}"
            )

    # ----- the compiled step -------------------------------------------------------
    def _stateless_seed(self, which: int):
        """A seed unique to this discriminator update and use: 0 real, 1 fake, 2 G step
        (augmentation), 3 the penalty."""
        step = tf.cast(self.discriminator_optimizer.iterations, tf.int64)
        return tf.stack([tf.constant(self.seed, tf.int64), 4 * step + which])

    def _augmented(self, images, which: int):
        if self.augment is None:
            return images
        return self.augment(images, self._stateless_seed(which))

    @staticmethod
    def _call(model, x, labels):
        """``model(x)``, or ``model([x, labels])`` in conditional training."""
        if labels is None:
            return model(x, training=True)
        label_shape = tuple(model.inputs[1].shape[1:])
        return model([x, tf.reshape(labels, (-1, *label_shape))], training=True)

    def _step_on_batch(self, real_batches, label_batches, noise_batches, scale):
        """One iteration of Algorithm 1 of Goodfellow et al. (2014), with k = ``d_steps``:

        for i = 1 .. k:
            take the real minibatch x_1..x_m = ``real_batches[i]`` and the noise
            z_1..z_m = ``noise_batches[i]``; update D by descending the gradient of
                L_D = -(1/m) sum_j [log D(x_j) + log(1 - D(G(z_j)))]      (= -V)
        take fresh noise ``noise_batches[k]``; update G by descending the gradient of
                (1/m) sum_j log(1 - D(G(z_j)))                 (minimax, the paper's)
             or -(1/m) sum_j log D(G(z_j))                     (non-saturating, its Sec. 3)

        These are the losses of the default objective; another ``objective`` replaces
        them (and may add a penalty to L_D). In conditional training ``label_batches[i]``
        are the labels of ``real_batches[i]``, given to both networks with the samples.
        The paper ascends V for D and uses momentum SGD; here each network's own optimizer
        descends its loss. ``scale`` divides the losses by the number of replicas under a
        ``tf.distribute`` strategy (gradients are summed across replicas). Returns the last
        D loss, the G loss, and the mean D outputs of the last D update (see History).
        """
        G, D, objective = self.generator, self.discriminator, self.objective
        for i in range(self.d_steps):
            labels = None if label_batches is None else label_batches[i]
            with tf.GradientTape() as tape:
                real = self._augmented(real_batches[i], 0)
                fake = self._augmented(self._call(G, noise_batches[i], labels), 1)
                real_logits = self._call(D, real, labels)
                fake_logits = self._call(D, fake, labels)
                d_loss = objective.discriminator_loss(real_logits, fake_logits)
                penalty = tf.constant(0.0)
                if objective.penalty is not None:
                    penalty = objective.penalty(
                        lambda x, labels=labels: self._call(D, x, labels),
                        real, fake, self._stateless_seed(3),
                    )
                    d_loss = d_loss + penalty
                scaled = d_loss * scale
            grads = tape.gradient(scaled, D.trainable_variables)
            self.discriminator_optimizer.apply_gradients(zip(grads, D.trainable_variables))
        with tf.GradientTape() as tape:
            fake = self._call(G, noise_batches[self.d_steps], labels)
            g_logits = self._call(D, self._augmented(fake, 2), labels)
            g_loss = objective.generator_loss(g_logits)
            scaled = g_loss * scale
        grads = tape.gradient(scaled, G.trainable_variables)
        self.generator_optimizer.apply_gradients(zip(grads, G.trainable_variables))
        if self.ema_generator is not None and self.strategy is None:
            self._update_ema()
        output = tf.sigmoid if objective.probability_outputs else tf.identity
        return {
            "d_loss": d_loss,
            "g_loss": g_loss,
            "d_real": tf.reduce_mean(output(tf.cast(real_logits, tf.float32))),
            "d_fake": tf.reduce_mean(output(tf.cast(fake_logits, tf.float32))),
            "d_penalty": tf.cast(penalty, tf.float32),
        }

    def _update_ema(self):
        """``w_ema <- beta w_ema + (1 - beta) w`` for every weight, BN statistics included."""
        t = tf.cast(self.generator_optimizer.iterations, tf.float32)
        beta = tf.minimum(self.ema_decay, (1.0 + t) / (10.0 + t))
        for average, weight in zip(self.ema_generator.weights, self.generator.weights):
            average.assign(beta * average + (1.0 - beta) * tf.cast(weight, average.dtype))

    def _compile_step(self):
        if self.strategy is None:
            return tf.function(
                lambda real, labels, noise: self._step_on_batch(real, labels, noise, 1.0),
                jit_compile=self.jit_compile,
            )
        strategy = self.strategy
        replicas = strategy.num_replicas_in_sync

        def replica_fn(real, labels, noise):
            rid = tf.distribute.get_replica_context().replica_id_in_sync_group

            def shard(t):
                if t is None:
                    return None
                shape = tf.shape(t)
                split = tf.reshape(t, tf.concat([shape[:1], [replicas, -1], shape[2:]], 0))
                return tf.gather(split, rid, axis=1)

            return self._step_on_batch(shard(real), shard(labels), shard(noise), 1.0 / replicas)

        @tf.function
        def distributed(real, labels, noise):
            per_replica = strategy.run(replica_fn, args=(real, labels, noise))
            if self.ema_generator is not None:
                self._update_ema()  # in cross-replica context: one update of the mirrored copies
            return {
                k: strategy.reduce(tf.distribute.ReduceOp.MEAN, v, axis=None)
                for k, v in per_replica.items()
            }

        return distributed

    # ----- data ------------------------------------------------------------------------
    def _batches(self, data, batch_size: int, rng: np.random.Generator, iterator):
        """The k real batches of one step, stacked: samples of shape (k, batch_size, ...)
        and, in conditional training, labels of shape (k, batch_size) (else None)."""
        conditional = self.num_classes is not None
        if iterator is not None:
            batches = [next(iterator) for _ in range(self.d_steps)]
        elif callable(data):
            batches = [data(batch_size, rng) for _ in range(self.d_steps)]
        else:
            rows = [rng.integers(0, len(data[0] if conditional else data), batch_size)
                    for _ in range(self.d_steps)]
            batches = [(data[0][r], data[1][r]) if conditional else data[r] for r in rows]
        samples = [np.asarray(b[0] if conditional else b) for b in batches]
        for batch in samples:
            if batch.shape[:1] != (batch_size,):
                raise ValueError(
                    f"a data batch has {batch.shape[0] if batch.ndim else 'no'} rows at step "
                    f"{self.step}, but batch_size={batch_size} (batch a Dataset with "
                    "drop_remainder=True, with the batch size given to fit)"
                )
        labels = None
        if conditional:
            labels = np.stack([self._labels(b[1], batch_size) for b in batches])
        return np.stack(samples).astype(np.float32), labels

    def _labels(self, labels, batch_size: int) -> np.ndarray:
        labels = np.asarray(labels)
        if labels.shape not in ((batch_size,), (batch_size, 1)):
            raise ValueError(
                f"labels of a batch must have shape ({batch_size},); got {labels.shape} "
                f"at step {self.step}"
            )
        if not np.issubdtype(labels.dtype, np.integer) and not np.all(labels == np.round(labels)):
            raise ValueError(f"labels must be integer class ids; got dtype {labels.dtype}")
        labels = labels.reshape(batch_size).astype(np.int32)
        if labels.min() < 0 or labels.max() >= self.num_classes:
            raise ValueError(
                f"labels must be in 0 .. {self.num_classes - 1} (num_classes={self.num_classes}); "
                f"got {labels.min()} .. {labels.max()} at step {self.step}"
            )
        return labels

    def _data_source(self, data):
        """Check ``data`` against the discriminator's input; return a batch iterator for a
        Dataset (resuming after the batches that steps 0 .. self.step - 1 consumed)."""
        d_in = tuple(self.discriminator.inputs[0].shape[1:])
        conditional = self.num_classes is not None
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
            shape = tuple(spec.shape[1:])
            iterator = data.repeat().skip(self.step * self.d_steps).as_numpy_iterator()
        elif callable(data):
            example = data(2, np.random.default_rng(0))
            if conditional and not (isinstance(example, tuple) and len(example) == 2):
                raise TypeError(f"a sampler must return {pairs}; got {type(example).__name__}")
            shape, iterator = tuple(np.shape(example[0] if conditional else example)[1:]), None
        else:
            if conditional:
                if not (isinstance(data, (tuple, list)) and len(data) == 2):
                    raise TypeError(f"data must be {pairs}, a tuple of two arrays")
                data = (np.asarray(data[0]), np.asarray(data[1]))
                if len(data[0]) != len(data[1]):
                    raise ValueError(
                        f"data has {len(data[0])} samples but {len(data[1])} labels"
                    )
                samples = data[0]
            else:
                data = samples = np.asarray(data)
            if samples.ndim == 0 or len(samples) == 0:
                raise ValueError(f"data must be a non-empty array of samples; got shape {samples.shape}")
            shape, iterator = tuple(samples.shape[1:]), None
        if shape != d_in:
            raise ValueError(
                f"data samples have shape {shape}, but the discriminator expects {d_in}"
            )
        return data, iterator

    # ----- the loop --------------------------------------------------------------------
    def fit(
        self,
        data,
        *,
        steps: int,
        batch_size: int,
        callbacks: Iterable[Callable[[GANTrainer, int], None]] = (),
        callback_every: int = 100,
        checkpoint_dir: str | Path | None = None,
        checkpoint_every: int = 1000,
        progress: bool | None = None,
        max_seconds: float | None = None,
    ) -> History:
        """Train until ``self.step == steps``; return the history of all steps so far.

        ``data``: a NumPy array of samples (minibatches drawn with replacement), a
        callable ``sample(batch_size, rng)`` returning an array ``(batch_size, ...)``, or
        a ``tf.data.Dataset`` of batches of ``batch_size`` samples (it is repeated).
        Calling ``fit`` again with a larger ``steps`` continues training.
        ``callbacks`` are called as ``callback(trainer, step)`` every ``callback_every``
        steps and after the last one. With ``checkpoint_dir``, training resumes from the
        latest checkpoint there and saves one every ``checkpoint_every`` steps and at the
        end. ``progress`` (default: only when interactive) shows a tqdm bar with the losses.
        ``max_seconds`` bounds the wall-clock time of this call (callbacks included): training
        stops after the step that reaches it, even if ``self.step < steps``.
        """
        steps = _check_positive_int("steps", steps, minimum=0)
        batch_size = _check_positive_int("batch_size", batch_size)
        callback_every = _check_positive_int("callback_every", callback_every)
        checkpoint_every = _check_positive_int("checkpoint_every", checkpoint_every)
        if self.strategy is not None and batch_size % self.strategy.num_replicas_in_sync:
            raise ValueError(
                f"batch_size={batch_size} must be divisible by the "
                f"{self.strategy.num_replicas_in_sync} replicas of the strategy"
            )
        manager = self._restore(checkpoint_dir) if checkpoint_dir is not None else None
        data, iterator = self._data_source(data)
        callbacks = list(callbacks)
        show = _interactive() if progress is None else progress
        bar = tqdm(total=steps, initial=self.step, disable=not show, desc="training", leave=True)
        refresh = max(1, steps // 100)
        if max_seconds is not None and not max_seconds > 0:
            raise ValueError(f"max_seconds must be positive or None; got {max_seconds!r}")
        deadline = math.inf if max_seconds is None else time.perf_counter() + max_seconds
        try:
            while self.step < steps and time.perf_counter() < deadline:
                rng = np.random.default_rng((self.seed, self.step))
                real, labels = self._batches(data, batch_size, rng, iterator)
                noise = rng.standard_normal(
                    (self.d_steps + 1, batch_size, self.noise_dim), dtype=np.float32
                )
                values = {k: float(v) for k, v in self._train_step(real, labels, noise).items()}
                for name in ("d_loss", "g_loss"):
                    if not math.isfinite(values[name]):
                        raise NonFiniteLossError(
                            f"{name} became {values[name]} at step {self.step}; lower the "
                            "learning rate or check the data for NaN"
                        )
                self.history.append(values)
                self.step += 1
                last = self.step == steps or time.perf_counter() >= deadline
                if self.step % refresh == 0 or last:
                    bar.update(self.step - bar.n)
                    bar.set_postfix(d_loss=f"{values['d_loss']:.3f}", g_loss=f"{values['g_loss']:.3f}")
                if manager is not None and self.step % checkpoint_every == 0:
                    self._save(manager)
                if self.step % callback_every == 0 or last:
                    for callback in callbacks:
                        callback(self, self.step)
        finally:
            bar.close()
        if manager is not None:
            self._save(manager)
        return self.history

    # ----- checkpoints -------------------------------------------------------------------
    def _checkpoint(self):
        if not hasattr(self, "_ckpt"):
            self._step_variable = tf.Variable(0, dtype=tf.int64, trainable=False)
            self._ckpt = tf.train.Checkpoint(
                generator=self.generator,
                discriminator=self.discriminator,
                generator_optimizer=self.generator_optimizer,
                discriminator_optimizer=self.discriminator_optimizer,
                step=self._step_variable,
                **({"ema_generator": self.ema_generator} if self.ema_generator is not None else {}),
            )
        return self._ckpt

    def _restore(self, directory) -> tf.train.CheckpointManager:
        directory = Path(directory)
        manager = tf.train.CheckpointManager(self._checkpoint(), str(directory), max_to_keep=2)
        if manager.latest_checkpoint:
            self._checkpoint().restore(manager.latest_checkpoint).assert_existing_objects_matched()
            self.step = int(self._step_variable.numpy())
            history_file = Path(manager.latest_checkpoint + ".history.json")
            self.history = History.from_json(history_file.read_text())
            self.history.truncate(self.step)
        return manager

    def _save(self, manager: tf.train.CheckpointManager) -> None:
        self._step_variable.assign(self.step)
        path = manager.save(checkpoint_number=self.step)
        Path(path + ".history.json").write_text(self.history.to_json())
