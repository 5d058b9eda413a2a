"""gan_lib.claims: a false claim fails full mode and is a printed note in quick mode."""

import numpy as np
import pytest

from gan_lib import claims


@pytest.mark.parametrize("mode", ["quick", "full"])
def test_a_true_claim_is_silent(monkeypatch, capsys, mode):
    monkeypatch.setenv("GAN_BOOK_MODE", mode)
    assert claims.claim(np.float64(0.1) < 0.2, "the run ends below 0.2") is None
    assert claims.claim(np.array(True), "a 0-d array") is None
    assert capsys.readouterr().out == ""


def test_a_false_claim_fails_full_mode(monkeypatch):
    monkeypatch.delenv("GAN_BOOK_MODE", raising=False)  # unset means full
    with pytest.raises(claims.ClaimError, match="ends below 0.2"):
        claims.claim(0.3 < 0.2, "the run ends below 0.2")


def test_a_false_claim_is_a_note_in_quick_mode(monkeypatch, capsys):
    monkeypatch.setenv("GAN_BOOK_MODE", "quick")
    assert claims.claim(np.bool_(False), "the run ends below 0.2") is None
    out = capsys.readouterr().out
    assert "quick mode" in out and "the run ends below 0.2" in out


@pytest.mark.parametrize(
    "condition, sentence, match",
    [
        (1, "s", "condition"),
        (0.5, "s", "condition"),
        (np.array([True, False]), "s", "condition"),
        (None, "s", "condition"),
        (True, "", "sentence"),
        (True, 3, "sentence"),
    ],
)
def test_bad_inputs(condition, sentence, match):
    with pytest.raises(TypeError, match=match):
        claims.claim(condition, sentence)
