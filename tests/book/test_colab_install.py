"""A first run in Colab, simulated: a chapter installs gan_lib itself, then runs.

Colab preinstalls TensorFlow, NumPy, SciPy, Matplotlib, Jupyter and more, but not gan_lib
(nor the book's build tools). This test builds such an environment: a fresh virtual
environment whose "preinstalled" packages are those of the Colab-like environment
(``.cache/colab_like``, built by ``.ci/colab_like`` from ``.ci/colab_like.txt``; ``make unit``
builds it), added with ``site.addsitedir`` as Colab's ``dist-packages`` is, so that the
setup cell's install lands in the new environment and leaves the shared one alone. It runs
the first chapter in it, in quick mode, in a kernel of that environment. The only change to
the notebook is the URL of the setup cell's ``%pip install``: there is no network to the
repository here, so it points at a copy of what a clone of the repository would contain
(tracked and not-ignored files).

It checks what a Colab reader relies on: the setup cell installs gan_lib into the
environment and imports it from there (not from the checkout), pip installs nothing but
gan_lib (the preinstalled TensorFlow is kept, same version), and the chapter runs to the end.
"""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import nbformat

from bookbuild import layout
from bookbuild.layout import chapter_notebooks as notebooks
from bookbuild.reader_environments import copy_of_the_repository
from bookbuild.setup_cell import repository

ROOT = layout.ROOT
COLAB = ROOT / ".cache" / "colab_like"

REPORT_MARKER = "COLAB-SIMULATION "
REPORT_CELL = f"""\
import json, sys
import gan_lib, tensorflow
print({REPORT_MARKER!r} + json.dumps({{"gan_lib": gan_lib.__file__,
    "tensorflow": tensorflow.__version__, "prefix": sys.prefix}}))"""


def is_gan_lib(name: str) -> bool:
    return name.startswith(("gan_lib", "gan-lib", "__editable__.gan_lib", "__editable___gan_lib"))


def python_value(python: Path, expression: str) -> str:
    code = f"import sys, sysconfig; print({expression})"
    done = subprocess.run([str(python), "-c", code], check=True, capture_output=True, text=True)
    return done.stdout.strip()


def make_colab_like_environment(where: Path) -> tuple[Path, Path]:
    """A fresh venv whose preinstalled packages are the Colab-like ones. Returns (python, site)."""
    colab_python = COLAB / "bin" / "python"
    assert colab_python.exists(), "no Colab-like environment: run `bash .ci/colab_like`"
    preinstalled = Path(python_value(colab_python, "sysconfig.get_paths()['purelib']"))
    base = where / "preinstalled"
    base.mkdir()
    for entry in preinstalled.iterdir():
        if not is_gan_lib(entry.name):
            (base / entry.name).symlink_to(entry)
    venv = where / "venv"
    # The Colab-like environment's base interpreter, so the new one shares nothing else.
    base_python = python_value(colab_python, "sys._base_executable")
    subprocess.run([base_python, "-m", "venv", "--without-pip", str(venv)], check=True)
    python = venv / "bin" / "python"
    site_packages = Path(python_value(python, "sysconfig.get_paths()['purelib']"))
    (site_packages / "preinstalled.pth").write_text(
        f"import site; site.addsitedir({str(base)!r})\n"
    )
    kernel = venv / "share" / "jupyter" / "kernels" / "python3"
    kernel.mkdir(parents=True)
    argv = [str(python), "-m", "ipykernel_launcher", "-f", "{connection_file}"]
    spec = {"argv": argv, "display_name": "Colab (simulated)", "language": "python"}
    (kernel / "kernel.json").write_text(json.dumps(spec))
    return python, site_packages


def test_first_chapter_installs_gan_lib_and_runs_in_a_colab_like_environment(tmp_path):
    python, site_packages = make_colab_like_environment(tmp_path)
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}
    env |= {
        "GAN_BOOK_MODE": "quick",
        "JUPYTER_PATH": str(python.parent.parent / "share" / "jupyter"),
        "MPLBACKEND": "agg",
    }

    def run_in_environment(code: str) -> str:
        done = subprocess.run(
            [str(python), "-c", code], env=env, cwd=tmp_path, capture_output=True, text=True
        )
        assert done.returncode == 0, done.stderr[-3000:]
        return done.stdout.strip()

    assert run_in_environment("import importlib.util as u; print(u.find_spec('gan_lib'))") == "None"
    preinstalled_tf = run_in_environment(
        "import importlib.metadata as m; print(m.version('tensorflow'))"
    )

    chapter = notebooks()[0]
    nb = nbformat.read(chapter, as_version=4)
    setup = next(cell for cell in nb.cells if cell.cell_type == "code")
    url, branch = repository()
    remote = f"git+{url}@{branch}"
    assert setup.source.count(remote) == 1, f"{chapter.name}: no `{remote}` in the setup cell"
    setup.source = setup.source.replace(remote, copy_of_the_repository(tmp_path).as_uri())
    nb.cells.append(nbformat.v4.new_code_cell(REPORT_CELL))
    notebook = tmp_path / chapter.name
    nbformat.write(nb, notebook)

    done = subprocess.run(
        [
            str(python),
            "-m",
            "nbconvert",
            "--to",
            "notebook",
            "--execute",
            "--inplace",
            "--ExecutePreprocessor.kernel_name=python3",
            "--ExecutePreprocessor.timeout=600",
            str(notebook),
        ],
        env=env,
        cwd=tmp_path,
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, (
        f"{chapter.name} failed in the Colab-like environment:\n" + (done.stderr[-4000:])
    )

    executed = [c for c in nbformat.read(notebook, as_version=4).cells if c.cell_type == "code"]
    printed = [
        "".join(o.get("text", "") for o in cell.outputs if o.get("name") == "stdout")
        for cell in executed
    ]
    assert "mode: quick" in printed[0] and "gan_lib" in printed[0], printed[0]
    report = json.loads(printed[-1].strip()[len(REPORT_MARKER) :])
    assert Path(report["gan_lib"]).resolve().is_relative_to(site_packages.resolve()), (
        f"gan_lib was imported from {report['gan_lib']}, not from the new environment"
    )
    assert Path(report["prefix"]).resolve() == python.parent.parent.resolve(), report
    assert report["tensorflow"] == preinstalled_tf, "installing gan_lib changed TensorFlow"
    installed = sorted(p.name for p in site_packages.iterdir() if p.name != "preinstalled.pth")
    assert all(is_gan_lib(name) for name in installed), (
        f"pip installed more than gan_lib into the environment: {installed}"
    )
