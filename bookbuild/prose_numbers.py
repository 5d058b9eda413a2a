"""Find result numbers typed by hand in the book's prose.

Every number that a page's prose quotes from a result must come from the execution,
through MyST-NB glue: ``glue("final_js", f"{final_js:.4f}", display=False)`` in a code
cell, ``{glue:text}`final_js``` in the markdown. Typed by hand, a number goes stale the
next time the chapter runs (or runs in the other mode), and the page then disagrees with
its own output. ``tests/book/test_prose_numbers.py`` runs this scanner over every chapter and
every page of the back matter, and fails on what it finds.

What counts as a result-looking number, in the markdown (math included):

* a decimal fraction, ``0.164`` or ``2.6``;
* a percentage, ``46%`` or ``46\\%``;
* an integer written with thousands separators, ``20,000``, or one of 3 digits or more,
  ``500`` (years, 1900-2099, are not counted).

What is not scanned: code blocks and inline code, MyST roles (``{glue:text}``,
``{cite}``, ``{ref}`` ...), directive options (``:label:``), link targets, and the
``**Run time:**`` line and the chapter map's run-time column, which ``bookbuild.timings``
writes from its record.

What the prose may type:

* a number that the page's code types as a literal: a definition or a hyperparameter
  (``p_data = Gaussian(3.0, 1.0)``, ``BATCH = 256``, ``lr=2e-3``), stated once in the
  code and repeated by the prose. Literals inside ``config.budget(...)`` do not count:
  they differ between quick and full mode, so the prose must glue the value in use;
* the mathematical constants in ``CONSTANTS`` (``log 4 = 1.386``);
* the numbers in ``ALLOWED`` under the page's name, each with its reason: arithmetic
  the prose does on definitions (``7 * 7 * 64 = 3136``), premises of an exercise, and
  facts from the literature. Keep each list short: a number that a run produces is
  never allowed; glue it.

To add a chapter (chapters 8-10 too), run ``python -m bookbuild.prose_numbers``; glue
every number it lists that a run produces, and put the rest in ``ALLOWED`` with the
reason.
"""

from __future__ import annotations

import re
from pathlib import Path

import nbformat

from bookbuild import layout

# Mathematical constants, as the prose rounds them.
CONSTANTS = {
    "0.693": "log 2",
    "1.386": "log 4",
    "1.44": "1 / log 2, nats to bits",
    "1.96": "the standard normal's 97.5% quantile",
    "1.73": "sqrt 3",
    "95": "95% (the central interval of +-1.96 standard deviations)",
    "99.7": "P(|Z| <= 3) for a standard normal",
    "98.9": "P(chi2_2 <= 9) = 1 - exp(-9/2)",
}

# page stem -> {number as typed: why the prose may state it}
ALLOWED: dict[str, dict[str, str]] = {
    "01_probability": {
        "0.90": "exercise solution: the root of a closed form (delta/sigma where the quadratic "
                "approximation is 10% off), arithmetic, not a run",
        "1.1": "exercise premise: the 10% error the reader solves for",
    },
    "03_optimal_discriminator": {
        "0.4": "exercise solution: the order of magnitude the reader is asked to measure",
        "2.1": "a theorem number of Arjovsky and Bottou 2017 (literature)",
        "2.2": "a theorem number of Arjovsky and Bottou 2017 (literature)",
        "2.3": "a theorem number of Arjovsky and Bottou 2017 (literature)",
    },
    "04_toy_gan_1d": {
        "1.25": "premise of an exercise (a loss value the reader is given)",
        "0.068": "exercise solution: (log 4 - 1.25) / 2, arithmetic on the premise",
        "6.5": "exercise solution: where the optimal logit crosses 0 (x = -3.5), in standard "
               "deviations of p_g, arithmetic on the definitions",
    },
    "05_mode_collapse": {
        "8,000": "the live widget's learning-rate schedule, a definition in _static/live/gan-live.js",
    },
    "07_debugging_lab": {
        "50176": "arithmetic on the code's shapes: 28 * 28 * 64",
        "3.5": "arithmetic on the code's shapes: 28 / 2**3",
        "2.10": "a TensorFlow version",
        "60,000": "MNIST's training digits (the data set's definition)",
        "60000": "MNIST's training digits (the data set's definition)",
        "128": "DCGAN's minibatch size (Radford et al. 2015)",
        "23400": "arithmetic: 50 * floor(60000 / 128)",
        "14.2": "premise of an exercise (a loss value the reader is given)",
    },
    "06_mnist_dcgan": {
        "0.9": "hyperparameter: the real label of one-sided label smoothing / a confidence threshold defined in the text",
        "5,000": "the offline data set's size (the data set's definition)",
        "10,000": "evaluation sample count, and the EMA window 1 / (1 - 0.9999) (definitions)",
        "0.99": "EMA decay values discussed (definitions)",
        "0.999": "EMA decay values discussed (definitions)",
        "0.9999": "EMA decay values discussed (definitions)",
        "70,000": "MNIST's size (the data set's definition)",
    },
    "11_judging_image_gans": {
        "0.9": "hyperparameter: the real label of one-sided label smoothing / a confidence threshold defined in the text",
        "0.1": "a setting of the experiment: the R1 penalty's weight gamma",
        "128": "the classifier's feature count (digit_metrics.FEATURES, a definition)",
        "4,000": "the offline data set's training digits (the data split's definition)",
        "10,000": "evaluation sample count of the stored experiments (a setting)",
        "1,500": "the study's step count (a setting of the experiment)",
        "96,000": "arithmetic on the settings: 1,500 steps x batch 64",
        "0.999": "the EMA decay of the recipe (a definition)",
        "0.99": "a setting of the stored remedies run: Adam's beta_2 of book_beta2",
    },
    "08_f_divergences": {
        "4.36": "arithmetic on P's definition: the variance of the mixture the chapter defines",
    },
    "09_wasserstein": {
        "8,000": "chapter 5's full-mode step count (a setting of that chapter)",
        "2,000": "the live critic widget's fixed number of updates (full mode's setting)",
        "2.2": "a lemma's number in Mescheder et al. (2018)",
        "4.1": "a theorem's number in Mescheder et al. (2018)",
    },
    "10_conditional_gan": {
        "5,000": "the offline data set's size (the data set's definition)",
        "20": "the held-out share, a setting of the data split",
        "0.14": "arithmetic: two standard errors of a mean of 200 pairs, 2 / sqrt(200)",
    },
    "faq": {
        "100": "a command-line example's argument (--n 100)",
        "1,000": "diffusion steps of Ho et al. 2020 (literature)",
        "0.5": "Adam's beta_1 in DCGAN (Radford et al. 2015)",
        "1024": "StyleGAN's image size (literature)",
    },
    "glossary": {"0.5": "Adam's beta_1 in DCGAN (Radford et al. 2015)"},
}

# Pages not scanned yet, with the reason (remove the entry once the page complies).
PENDING = {
    "teachers": "its tables are written by bookbuild.course from the grading test's record "
    "(course_grading.json) and the timing record, not typed by hand",
}

_FENCE = re.compile(r"^(`{3,}|~{3,})(?!\{)[^\n]*\n.*?^\1[ \t]*$", flags=re.M | re.S)
_INLINE_CODE = re.compile(r"``.+?``|`[^`\n]+`")
_ROLE = re.compile(r"\{[\w:-]+\}`[^`]*`")
_OPTION = re.compile(r"^\s*:[\w-]+:.*$", flags=re.M)
_LINK_TARGET = re.compile(r"\]\([^)]*\)")
_RUN_TIME = re.compile(r"^\*\*Run time:\*\*.*$", flags=re.M)
_HTML_ENTITY = re.compile(r"&#?\w+;")
_NUMBER = re.compile(
    r"(?<![\w.])("
    r"\d+\.\d+"  # decimal fraction
    r"|\d{1,3}(?:,\d{3})+"  # thousands separators
    r"|\d+(?=\s*\\?%)"  # percentage
    r"|\d{3,}"  # three digits or more
    r")(?![\w.]*\d)"
)
_YEAR = re.compile(r"(19|20)\d\d")


def prose(markdown: str) -> str:
    """The markdown without what is not prose (code, roles, options, link targets)."""
    text = _FENCE.sub("", markdown)
    text = _ROLE.sub("", text)
    text = _INLINE_CODE.sub("", text)
    text = _OPTION.sub("", text)
    text = _LINK_TARGET.sub("]", text)
    text = _RUN_TIME.sub("", text)
    text = _HTML_ENTITY.sub(" ", text)
    return "\n".join(line for line in text.splitlines() if not _is_run_time_row(line))


def _is_run_time_row(line: str) -> bool:
    """A row of intro.md's chapter map: its run-time cell comes from bookbuild.timings."""
    return line.startswith("|") and "(chapters/" in line


def _without_budgets(code: str) -> str:
    """The code with every ``config.budget(...)`` call cut out (parentheses matched)."""
    out, start = [], 0
    for match in re.finditer(r"config\.budget\(", code):
        if match.start() < start:
            continue
        depth, end = 1, match.end()
        while end < len(code) and depth:
            depth += {"(": 1, ")": -1}.get(code[end], 0)
            end += 1
        out.append(code[start : match.start()])
        start = end
    return "".join(out) + code[start:]


def code_literals(code: str) -> set[str]:
    """The numbers that ``code`` types, in the forms prose writes them.

    ``2_500`` gives "2500" and "2,500"; ``3.0`` gives "3.0" and "3"; ``2e-3`` gives
    "2e-3" and "0.002"."""
    found = set()
    for literal in re.findall(r"(?<![\w.])\d[\d_]*(?:\.\d+)?(?:e-?\d+)?", _without_budgets(code)):
        plain = literal.replace("_", "")
        found.add(plain)
        value = float(plain)
        if value.is_integer() and "e" not in plain:
            found.update({str(int(value)), f"{int(value):,}"})
        else:
            found.add(f"{value:g}" if "e" not in f"{value:g}" else plain)
            found.add(repr(value))
    return found


def typed_numbers(markdown: str, allowed=()) -> list[str]:
    """Result-looking numbers typed in ``markdown``, each with the line it is on.

    ``allowed``: numbers the prose may type (see the module's docstring)."""
    allowed = set(allowed) | set(CONSTANTS)
    found = []
    for line in prose(markdown).splitlines():
        for match in _NUMBER.finditer(line):
            number = match.group(1)
            if number in allowed or (len(number) == 4 and _YEAR.fullmatch(number)):
                continue
            found.append(f"{number!r} in: {line.strip()[:120]}")
    return found


def page_code(path: Path) -> str:
    """The code cells of a notebook ("" for a .md page)."""
    if path.suffix != ".ipynb":
        return ""
    nb = nbformat.read(path, as_version=4)
    return "\n\n".join(c.source for c in nb.cells if c.cell_type == "code")


def page_markdown(path: Path) -> str:
    """The markdown of a page: a notebook's markdown cells, or a .md file."""
    if path.suffix == ".ipynb":
        nb = nbformat.read(path, as_version=4)
        return "\n\n".join(c.source for c in nb.cells if c.cell_type == "markdown")
    return path.read_text()


def pages() -> list[Path]:
    """Every chapter and every page of the book's root and back matter."""
    back_matter = sorted(
        p for p in layout.ROOT.glob("*.md") if p.name != "README.md" and p.stem not in PENDING
    )
    chapters = [p for p in layout.chapter_notebooks() if p.stem not in PENDING]
    return chapters + back_matter


def findings(path: Path) -> list[str]:
    """The hand-typed result numbers of one page (empty when it complies)."""
    allowed = code_literals(page_code(path)) | set(ALLOWED.get(path.stem, {}))
    return typed_numbers(page_markdown(path), allowed)


if __name__ == "__main__":
    for page in pages():
        for finding in findings(page):
            print(f"{page.name}: {finding}")
