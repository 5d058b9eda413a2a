"""Checkpoints of a ``GANTrainer``: the networks, their optimizers, the EMA generator, the
step and the history, so that a resumed run continues bit for bit (all randomness of step
``t`` comes from ``(seed, t)``; see ``gan_lib.train_step.step_seed``).

A folder keeps the two latest checkpoints (``tf.train.CheckpointManager``), each with its
history beside it as ``<checkpoint>.history.json``.
"""

from __future__ import annotations

from pathlib import Path

import tensorflow as tf

from gan_lib.history import History


def _checkpoint(trainer) -> tf.train.Checkpoint:
    """The trainer's ``tf.train.Checkpoint`` (made once per trainer, then reused)."""
    if getattr(trainer, "_checkpoint", None) is None:
        trainer._step_variable = tf.Variable(0, dtype=tf.int64, trainable=False)
        trainer._checkpoint = tf.train.Checkpoint(
            generator=trainer.generator,
            discriminator=trainer.discriminator,
            generator_optimizer=trainer.generator_optimizer,
            discriminator_optimizer=trainer.discriminator_optimizer,
            step=trainer._step_variable,
            **({"ema_generator": trainer.ema_generator} if trainer.ema_generator is not None else {}),
        )
    return trainer._checkpoint


def restore(trainer, directory) -> tf.train.CheckpointManager:
    """Restore ``trainer`` (weights, optimizers, step, history) from the latest checkpoint in
    ``directory``, if there is one; return the manager that :func:`save` writes with."""
    manager = tf.train.CheckpointManager(_checkpoint(trainer), str(Path(directory)), max_to_keep=2)
    if manager.latest_checkpoint:
        _checkpoint(trainer).restore(manager.latest_checkpoint).assert_existing_objects_matched()
        trainer.step = int(trainer._step_variable.numpy())
        history_file = Path(manager.latest_checkpoint + ".history.json")
        trainer.history = History.from_json(history_file.read_text())
        trainer.history.truncate(trainer.step)
    return manager


def save(trainer, manager: tf.train.CheckpointManager) -> None:
    """Save ``trainer`` at its current step, with its history beside the checkpoint."""
    trainer._step_variable.assign(trainer.step)
    path = manager.save(checkpoint_number=trainer.step)
    Path(path + ".history.json").write_text(trainer.history.to_json())
