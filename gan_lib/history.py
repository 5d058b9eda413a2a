"""The record of a training run: one entry per step (losses and D's mean outputs), kept by
``gan_lib.training.GANTrainer`` and saved beside each checkpoint as JSON."""

from __future__ import annotations

import json
from dataclasses import dataclass, field

import numpy as np

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

    def extend(self, records: np.ndarray) -> None:
        """Append steps: ``records[s]`` holds step s's values in ``HISTORY_KEYS`` order."""
        for column, key in enumerate(HISTORY_KEYS):
            getattr(self, key).extend(float(v) for v in records[:, column])

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
