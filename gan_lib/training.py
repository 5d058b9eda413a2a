"""One GAN training loop for every chapter: ``GANTrainer`` runs Algorithm 1 of
Goodfellow et al. (2014), whose step is ``gan_lib.train_step.train_step`` (or, with
``update="simultaneous"``, the simultaneous update ``gan_lib.train_step.simultaneous_step``).

This module is the plumbing around that step. ``fit`` runs many steps per compiled call
(``steps_per_call``, as Keras's ``steps_per_execution``): inside one ``tf.function`` a
``tf.while_loop`` draws each step's noise and, where it can, its data in the graph, runs
the step and records its losses. All randomness of step ``t`` comes from stateless seeds
of ``(seed, t)`` (``gan_lib.train_step.step_seed``; samplers that only run in NumPy get
``np.random.default_rng((seed, t))``), so a run is reproducible on CPU, does not depend on
how its steps are grouped into calls, and a run resumed from a checkpoint continues bit
for bit. (With a ``tf.data.Dataset`` the batches come from the dataset: step ``t`` uses
its batches ``t*k ... t*k + k - 1``, so a resumed run is exact when the dataset's order
is deterministic, e.g. ``shuffle(..., seed=...)``.) See ``gan_lib.training_data``.

Between calls, on the host: the history (one entry per step, ``gan_lib.history``), the NaN
guard (a call stops after a step with a non-finite loss, which the error names), callbacks
and checkpoints (``gan_lib.checkpoints``; calls end at their intervals), the progress bar
and the time budget. Each step's data and noise are drawn by
``gan_lib.training_data.draw_step``.

Typical use::

    trainer = GANTrainer(G, D, noise_dim=4,
                         generator_optimizer=keras.optimizers.Adam(1e-3),
                         discriminator_optimizer=keras.optimizers.Adam(1e-3))
    history = trainer.fit(sample, steps=2000, batch_size=256)
    history.as_arrays()["d_loss"]   # one value per step
"""

from __future__ import annotations

import contextlib
import math
import sys
import time
from collections.abc import Callable, Iterable
from pathlib import Path

import numpy as np
import tensorflow as tf
from tqdm import tqdm

from gan_lib import checkpoints, losses, training_data, validation
from gan_lib.history import HISTORY_KEYS, History
from gan_lib.train_step import UPDATES, Players, noise_batches, update_ema


class NonFiniteLossError(FloatingPointError):
    """Training produced a NaN or infinite loss."""


def _interactive() -> bool:
    """True in a terminal or a Jupyter kernel; False in batch jobs and CI logs.

    The bar is plain text on stderr (not a widget): it updates in place in a terminal,
    Jupyter and Colab, and the built book drops stderr, so no stale bar is published."""
    return sys.stderr.isatty() or "ipykernel" in sys.modules


def _check_learning_rate(name: str, optimizer) -> None:
    rate = optimizer.learning_rate
    if isinstance(rate, tf.keras.optimizers.schedules.LearningRateSchedule):
        return
    value = float(np.asarray(rate))
    if not value > 0:
        raise ValueError(f"{name} learning rate must be positive; got {value}")


class GANTrainer:
    """Train a Keras generator/discriminator pair with Algorithm 1 (or the simultaneous update).

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
        The game: a name registered in ``gan_lib.losses.GAMES`` (``"non_saturating"``,
        the default, -E[log D(G(z))] for G; ``"minimax"``; ``"wasserstein"``, ...) or a
        :class:`gan_lib.losses.Objective` built by ``gan_lib.losses.objective(name,
        **options)`` (e.g. ``real_label=0.9``, one-sided label smoothing): both players'
        losses and an optional penalty on D (gradient penalty, R1).
    num_classes:
        Conditional training with K = ``num_classes`` classes (Mirza & Osindero 2014):
        data are ``(x, y)`` pairs with integer labels ``y`` in 0 .. K-1, the generator is
        called on ``[z, y]`` and the discriminator on ``[x, y]``. The fakes of each
        discriminator update get the labels of that update's real batch, and the
        generator update reuses the labels of the step's last real batch, so the fakes'
        classes follow the data's (no extra randomness, hence nothing more to seed).
    d_steps:
        k, the number of discriminator updates per generator update.
    update:
        ``"alternating"`` (the default): Algorithm 1, whose G update draws fresh noise
        through the D just updated (``gan_lib.train_step.train_step``). ``"simultaneous"``:
        both networks step along their gradients at the same weights, from one batch of
        fakes, as the TensorFlow DCGAN tutorial does (``gan_lib.train_step.simultaneous_step``;
        about 0.8x the FLOPs of an alternating step for a DCGAN). Only with ``d_steps=1``.
    strategy:
        Optional ``tf.distribute`` strategy; build the models and optimizers inside
        ``strategy.scope()``. Each replica gets an equal slice of every batch.
    jit_compile:
        Compile each training step with XLA (the loop over a call's steps stays in
        TensorFlow's graph). A run with XLA repeats itself for a seed but draws other noise
        than one without: XLA picks its own algorithm for the same stateless seeds. Off by default: it was not faster for the toy
        GANs on CPU (``experiments/results/design_measurements.md``); try it on a GPU.
        Not with a strategy.
    seed:
        Seed of all data and noise sampling: step t's draws depend on (seed, t) only.
    ema_decay:
        Keep ``self.ema_generator``, an exponential moving average of the generator's
        weights, ``w_ema <- beta w_ema + (1 - beta) w`` after every generator update, with
        ``beta = min(ema_decay, (1 + t) / (10 + t))`` at generator update ``t`` (so early
        averages are not dominated by the random initialization; this warm-up is
        TensorFlow's ``tf.train.ExponentialMovingAverage`` ``num_updates`` convention, not
        Yazici et al.'s, whose code keeps ``beta`` constant). Averaging the iterates damps
        the oscillation of the two-player game (Yazici et al. 2019); sample from
        ``ema_generator``. Training itself is unchanged.
    augment:
        Optional differentiable augmentation ``augment(images, seed) -> images`` applied to
        every batch the discriminator sees, real and fake, in both updates (DiffAugment,
        Zhao et al. 2020). ``seed`` is a stateless seed (shape (2,), int64) that differs
        per call and depends on (seed, step, call) only, so runs stay reproducible and
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
        objective: str | losses.Objective = "non_saturating",
        num_classes: int | None = None,
        d_steps: int = 1,
        update: str = "alternating",
        strategy: tf.distribute.Strategy | None = None,
        jit_compile: bool = False,
        seed: int = 0,
        ema_decay: float | None = None,
        augment: Callable | None = None,
    ):
        self.noise_dim = validation.check_integer("noise_dim", noise_dim, at_least=1)
        self.d_steps = validation.check_integer("d_steps (k)", d_steps, at_least=1)
        if update not in UPDATES:
            raise ValueError(f"update must be one of {tuple(UPDATES)}; got {update!r}")
        if update == "simultaneous" and self.d_steps != 1:
            raise ValueError(f"update='simultaneous' takes one D update per step (d_steps=1); got d_steps={d_steps}")
        self.update = update
        self.seed = validation.check_seed("seed", seed)
        self.num_classes = None
        if num_classes is not None:
            self.num_classes = validation.check_integer("num_classes", num_classes, at_least=2)
        if generator_optimizer is discriminator_optimizer:
            raise ValueError(
                "generator_optimizer and discriminator_optimizer are the same object; "
                "each network needs its own optimizer (its moment estimates are per network)"
            )
        _check_learning_rate("generator_optimizer", generator_optimizer)
        _check_learning_rate("discriminator_optimizer", discriminator_optimizer)
        self._check_shapes(generator, discriminator)
        if ema_decay is not None:
            ema_decay = validation.check_number("ema_decay", ema_decay, greater_than=0, less_than=1)
        if augment is not None and not callable(augment):
            raise TypeError(f"augment must be a function augment(images, seed); got {augment!r}")
        self.ema_decay = ema_decay
        self.augment = augment
        self.generator = generator
        self.discriminator = discriminator
        self.generator_optimizer = generator_optimizer
        self.discriminator_optimizer = discriminator_optimizer
        self.objective = self._objective(objective)
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
        self.players = Players(generator, discriminator, generator_optimizer,
                               discriminator_optimizer, self.objective, augment)
        self._compiled = {}
        self._seconds_per_step = None
        self._checkpoint = None

    @staticmethod
    def _objective(objective) -> losses.Objective:
        if isinstance(objective, losses.Objective):
            return objective
        if isinstance(objective, str):
            return losses.objective(objective)
        raise TypeError(
            f"objective must be a loss name (one of {sorted(losses.GAMES)}) or a "
            f"gan_lib.losses.Objective; got {objective!r}"
        )

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

    # ----- the compiled calls -----------------------------------------------------
    def _draw_and_step(self, source, inputs, row, t):
        """Step ``t``: draw its real batches and noise from (seed, t), run the update.

        Under a strategy this runs on every replica: each draws the whole batch (the
        same numbers) and trains on its own slice of it."""
        real, labels, noise = training_data.draw_step(
            source, inputs, row, self.seed, t, self.d_steps, noise_batches(self.update, self.d_steps), self.noise_dim)
        batch_size = source.batch_size
        labels = None if self.num_classes is None else labels
        replicas = 1 if self.strategy is None else self.strategy.num_replicas_in_sync
        if replicas > 1:
            size = batch_size // replicas
            start = tf.distribute.get_replica_context().replica_id_in_sync_group * size

            def shard(batches):
                return None if batches is None else [b[start:start + size] for b in batches]

            real, labels, noise = shard(real), shard(labels), shard(noise)
        return UPDATES[self.update](self.players, self.seed, t, real, labels, noise, 1.0 / replicas)

    def _one_step(self, source, inputs, row, t):
        """Step ``t`` with the EMA update after it; its record as one float32 vector."""
        if self.strategy is None:
            values = self._draw_and_step(source, inputs, row, t)
        else:
            per_replica = self.strategy.run(self._draw_and_step, args=(source, inputs, row, t))
            values = {
                key: self.strategy.reduce(tf.distribute.ReduceOp.MEAN, value, axis=None)
                for key, value in per_replica.items()
            }
        if self.ema_generator is not None:
            update_ema(self.ema_generator, self.generator, self.ema_decay,
                       self.generator_optimizer.iterations)
        return tf.stack([tf.cast(values[key], tf.float32) for key in HISTORY_KEYS])

    def _compiled_call(self, source):
        """``run(t0, n, inputs)``: steps ``t0 .. t0 + n - 1`` in one ``tf.function`` call,
        stopping after a step whose D or G loss is not finite; returns their records,
        shape (steps run, len(HISTORY_KEYS)). Cached per kind of source."""
        if source.key in self._compiled:
            return self._compiled[source.key]

        def one_step(inputs, row, t):
            return self._one_step(source, inputs, row, t)

        if self.jit_compile:
            # XLA compiles each step; the loop stays in the graph, since XLA cannot grow
            # the records array over a trip count it does not know when compiling.
            one_step = tf.function(one_step, jit_compile=True)

        def run(t0, n, inputs):
            def body(row, finite, records):
                record = one_step(inputs, row, t0 + tf.cast(row, tf.int64))
                finite = tf.reduce_all(tf.math.is_finite(record[:2]))
                return row + 1, finite, records.write(row, record)

            records = tf.TensorArray(tf.float32, size=0, dynamic_size=True,
                                     element_shape=(len(HISTORY_KEYS),))
            _, _, records = tf.while_loop(
                lambda row, finite, _: (row < n) & finite,
                body,
                (tf.constant(0), tf.constant(True), records),
            )
            return records.stack()

        signature = (tf.TensorSpec((), tf.int64), tf.TensorSpec((), tf.int32), source.signature())
        compiled = tf.function(run, input_signature=signature)
        self._compiled[source.key] = compiled
        return compiled

    # ----- the loop --------------------------------------------------------------------
    def _call_length(self, steps, steps_per_call, callback_every, checkpoint_every, deadline):
        """Steps in the next call: at most ``steps_per_call``, ending at the next callback
        or checkpoint step, and (with a time budget) about when the budget runs out, from
        the measured time per step (one step while that is unknown)."""
        n = min(steps_per_call, steps - self.step)
        for every in (callback_every, checkpoint_every):
            if every is not None:
                n = min(n, every - self.step % every)
        if deadline < math.inf:
            if self._seconds_per_step is None:
                return 1
            left = (deadline - time.perf_counter()) / self._seconds_per_step
            n = min(n, max(1, int(left)))
        return n

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
        steps_per_call: int = 100,
    ) -> History:
        """Train until ``self.step == steps``; return the history of all steps so far.

        ``data``: a NumPy array of samples (minibatches drawn with replacement), a
        sampler ``sample(batch_size, rng)`` returning an array ``(batch_size, ...)`` (run
        in the graph when it also has ``in_graph(n, seed)``, as the toy samplers do), or
        a ``tf.data.Dataset`` of batches of ``batch_size`` samples (it is repeated); in
        conditional training, ``(x, y)`` pairs of each. Calling ``fit`` again with a
        larger ``steps`` continues training.
        ``callbacks`` are called as ``callback(trainer, step)`` every ``callback_every``
        steps and after the last one. With ``checkpoint_dir``, training resumes from the
        latest checkpoint there and saves one every ``checkpoint_every`` steps and at the
        end. ``progress`` (default: only when interactive) shows a tqdm bar with the losses.
        ``max_seconds`` bounds the wall-clock time of this call (callbacks included): training
        stops after the compiled call that reaches it (calls are sized from the measured
        time per step to end near it), even if ``self.step < steps``.
        ``steps_per_call`` is the most steps one compiled call runs; the results do not
        depend on it.
        """
        steps = validation.check_integer("steps", steps, at_least=0)
        batch_size = validation.check_integer("batch_size", batch_size, at_least=1)
        callback_every = validation.check_integer("callback_every", callback_every, at_least=1)
        checkpoint_every = validation.check_integer("checkpoint_every", checkpoint_every, at_least=1)
        steps_per_call = validation.check_integer("steps_per_call", steps_per_call, at_least=1)
        if self.strategy is not None and batch_size % self.strategy.num_replicas_in_sync:
            raise ValueError(
                f"batch_size={batch_size} must be divisible by the "
                f"{self.strategy.num_replicas_in_sync} replicas of the strategy"
            )
        if max_seconds is not None:
            max_seconds = validation.check_number("max_seconds", max_seconds, greater_than=0)
        deadline = math.inf if max_seconds is None else time.perf_counter() + max_seconds
        manager = checkpoints.restore(self, checkpoint_dir) if checkpoint_dir is not None else None
        source = training_data.source(data, seed=self.seed, step=self.step, d_steps=self.d_steps,
                                      batch_size=batch_size, num_classes=self.num_classes)
        d_in = tuple(self.discriminator.inputs[0].shape[1:])
        if source.sample_shape != d_in:
            raise ValueError(
                f"data samples have shape {source.sample_shape}, but the discriminator expects {d_in}"
            )
        run = self._compiled_call(source)
        callbacks = list(callbacks)
        show = _interactive() if progress is None else progress
        bar = tqdm(total=steps, initial=self.step, disable=not show, desc="training", leave=True)
        try:
            while self.step < steps and time.perf_counter() < deadline:
                n = self._call_length(steps, steps_per_call, callback_every if callbacks else None,
                                      checkpoint_every if manager else None, deadline)
                started = time.perf_counter()
                records = run(np.int64(self.step), np.int32(n), source.inputs(self.step, n)).numpy()
                self._seconds_per_step = (time.perf_counter() - started) / len(records)
                self._record(records)
                last = self.step == steps or time.perf_counter() >= deadline
                bar.update(self.step - bar.n)
                bar.set_postfix(d_loss=f"{self.history.d_loss[-1]:.3f}",
                                g_loss=f"{self.history.g_loss[-1]:.3f}")
                if manager is not None and self.step % checkpoint_every == 0:
                    checkpoints.save(self, manager)
                if self.step % callback_every == 0 or last:
                    for callback in callbacks:
                        callback(self, self.step)
        finally:
            bar.close()
        if manager is not None:
            checkpoints.save(self, manager)
        return self.history

    def _record(self, records: np.ndarray) -> None:
        """Append a call's records to the history; raise at a non-finite loss, naming its
        step (the steps before it are recorded; the weights are those after it)."""
        bad = ~np.isfinite(records[:, :2])
        if bad.any():
            row = int(np.argmax(bad.any(axis=1)))
            self.history.extend(records[:row])
            self.step += row
            name = HISTORY_KEYS[int(np.argmax(bad[row]))]
            raise NonFiniteLossError(
                f"{name} became {records[row, HISTORY_KEYS.index(name)]} at step {self.step}; "
                "lower the learning rate or check the data for NaN"
            )
        self.history.extend(records)
        self.step += len(records)
