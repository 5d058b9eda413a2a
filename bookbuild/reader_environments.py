"""The readers' environments, built from nothing, and every notebook run in them (quick mode).

    python -m bookbuild.reader_environments run              # make readers: both, everything
    python -m bookbuild.reader_environments run --env colab --only 01_probability

Two fresh virtual environments, sharing nothing with ``.venv``:

* **colab** (``.ci/colab_like``): Colab's Python (3.13; the newest Python the machine has
  if not) and the pins of ``.ci/colab_like.txt``: what Colab preinstalls that a chapter or gan_lib could touch, at
  Colab's versions, and none of the book's build and test tools (no MyST-NB, Jupyter Book,
  nbval, pytest, nbgrader). gan_lib is not installed: each notebook's setup cell installs it
  with its own ``%pip install``, pointed at a copy of the repository (what ``git+<url>``
  would fetch; this machine has no network to GitHub), and the run checks that pip added
  gan-lib and nothing else. Notebooks run in an empty folder, as in Colab's ``/content``, so
  a chapter's stored results (``gan_lib.stored_results``) are fetched over HTTP, as in Colab,
  from that copy served on ``127.0.0.1`` in raw.githubusercontent.com's layout
  (``GAN_BOOK_RAW_FILES``).
* **laptop**: ``python3 -m venv``, then ``pip install "<repository>[mnist-offline]" jupyter``
  (the extra brings the offline digits: this machine cannot download MNIST). Notebooks run in
  the repository's ``chapters/`` folder, as from a clone.

In each, every chapter and every nbgrader release notebook (``bookbuild.course``) runs in
quick mode in a kernel of that environment (kernel specs ``gan-book-colab`` and
``gan-book-laptop`` under the environment's ``share/jupyter``), with no ``PYTHONPATH``: gan_lib
comes from the environment. A release notebook is the student's hand-out with the answers
filled in from the instructor's source (a blank one stops at its first ``raise
NotImplementedError()``, by design). One line per notebook reports the result, the seconds
and the kernel's peak resident memory; the exit status is 1 if any failed.

``make unit`` runs nbval in the kernel of the Colab-like environment ``.cache/colab_like``
(with the working tree's gan_lib on ``PYTHONPATH``), so CI runs every chapter in it without a
second execution.
"""

from __future__ import annotations

import argparse
import functools
import http.server
import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import nbformat

from bookbuild import course, layout
from bookbuild.setup_cell import repository

COLAB_SCRIPT = layout.ROOT / ".ci" / "colab_like"
KERNELS = {"colab": "gan-book-colab", "laptop": "gan-book-laptop"}
REPORT_MARKER = "READER-ENVIRONMENT "
REPORT_CELL = f"""\
import json, resource, sys
import gan_lib
print({REPORT_MARKER!r} + json.dumps({{"gan_lib": gan_lib.__file__, "prefix": sys.prefix,
    "peak_kib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss}}))"""


def run(command: list[str], **kwargs) -> subprocess.CompletedProcess:
    return subprocess.run([str(part) for part in command], check=True, **kwargs)


def install_colab(venv: Path) -> None:
    """The Colab-like environment at ``venv`` (``.ci/colab_like``: one implementation for CI too)."""
    run(["bash", COLAB_SCRIPT, venv])


def install_laptop(venv: Path, repository_copy: Path) -> None:
    run([sys._base_executable, "-m", "venv", venv])
    pip = [venv / "bin" / "python", "-m", "pip", "install", "--quiet"]
    run([*pip, f"{repository_copy}[mnist-offline]", "jupyter"])
    kernel = ["--prefix", venv, "--name", KERNELS["laptop"]]
    run([venv / "bin" / "python", "-m", "ipykernel", "install", *kernel], stdout=subprocess.DEVNULL)


def copy_of_the_repository(where: Path) -> Path:
    """What ``pip install git+<repository>`` would fetch: the tracked and not-ignored files."""
    listed = subprocess.run(
        ["git", "ls-files", "--cached", "--others", "--exclude-standard", "-z"],
        cwd=layout.ROOT,
        check=True,
        capture_output=True,
        text=True,
    ).stdout.split("\0")
    target = where / "repository"
    for name in filter(None, listed):
        source = layout.ROOT / name
        if source.is_file() and not source.is_symlink():
            (target / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target / name)
    return target


def serve_raw_files(work: Path, repository_copy: Path) -> http.server.ThreadingHTTPServer:
    """Serve ``repository_copy`` as raw.githubusercontent.com serves the repository
    (``/<owner>/<name>/<branch>/<path>``) on a free local port, in a daemon thread."""
    url, branch = repository()
    folder = work / "raw" / url.removeprefix("https://github.com/").strip("/") / branch
    folder.parent.mkdir(parents=True, exist_ok=True)
    if not folder.exists():
        folder.symlink_to(repository_copy, target_is_directory=True)
    quiet = type("Quiet", (http.server.SimpleHTTPRequestHandler,), {"log_message": lambda *a: None})
    server = http.server.ThreadingHTTPServer(
        ("127.0.0.1", 0), functools.partial(quiet, directory=work / "raw"))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def notebooks_to_run(work: Path, only: list[str]) -> list[tuple[str, object]]:
    """(label, notebook) for every chapter and every solved release notebook."""
    chapters = [p for p in layout.chapter_notebooks() if not only or p.stem in only]
    course_dir = work / "course"
    run(
        [sys.executable, "-m", "bookbuild.course", "--out", course_dir, *[p.stem for p in chapters]],
        cwd=layout.ROOT,
        stdout=subprocess.DEVNULL,
    )
    found = []
    for path in chapters:
        found.append((f"chapter {path.stem}", nbformat.read(path, as_version=4)))
    for path in chapters:
        release = nbformat.read(course_dir / "release" / path.stem / path.name, as_version=4)
        source = nbformat.read(course_dir / "source" / path.stem / path.name, as_version=4)
        found.append((f"release {path.stem}", course.solved(release, source)))
    return found


def execute(nb, kernel: str, folder: Path, install_url: str) -> dict:
    """Run ``nb`` in ``kernel`` from ``folder``; return its report (or the first error)."""
    from nbclient import NotebookClient
    from nbclient.exceptions import CellExecutionError, CellTimeoutError, DeadKernelError

    url, branch = repository()
    for cell in nb.cells:
        if cell.cell_type == "code":
            cell.source = cell.source.replace(f"git+{url}@{branch}", install_url)
    nb.cells.append(nbformat.v4.new_code_cell(REPORT_CELL))
    client = NotebookClient(
        nb, timeout=900, kernel_name=kernel, resources={"metadata": {"path": str(folder)}}
    )
    started = time.monotonic()
    try:
        client.execute()
    except (CellExecutionError, CellTimeoutError, DeadKernelError) as error:
        lines = str(error).strip().splitlines()
        return {"ok": False, "seconds": time.monotonic() - started, "error": lines[-1][:300]}
    seconds = time.monotonic() - started
    printed = "".join(out.get("text", "") for out in nb.cells[-1].outputs)
    report = json.loads(printed.split(REPORT_MARKER, 1)[1])
    return {"ok": True, "seconds": seconds, **report}


def pip_freeze(venv: Path) -> set[str]:
    done = run([venv / "bin" / "python", "-m", "pip", "freeze"], capture_output=True, text=True)
    return set(done.stdout.splitlines())


def run_environment(name: str, work: Path, repository_copy: Path, notebooks) -> list[dict]:
    venv = work / name
    print(f"== {name}: building a fresh environment in {venv}", flush=True)
    if name == "colab":
        install_colab(venv)
        folder = work / "content"  # an empty folder, as Colab's /content
        folder.mkdir()
    else:
        install_laptop(venv, repository_copy)
        folder = repository_copy / "chapters"
    before = pip_freeze(venv)
    os.environ["JUPYTER_PATH"] = str(venv / "share" / "jupyter")
    results = []
    for label, nb in notebooks:
        result = execute(nbformat.from_dict(nb), KERNELS[name], folder, repository_copy.as_uri())
        if result["ok"] and not Path(result["gan_lib"]).resolve().is_relative_to(venv.resolve()):
            result = {**result, "ok": False, "error": f"gan_lib came from {result['gan_lib']}"}
        results.append({"environment": name, "notebook": label, **result})
        print(report_line(results[-1]), flush=True)
    added = pip_freeze(venv) - before
    if name == "colab" and not all(line.startswith(("gan-lib", "gan_lib")) for line in added):
        results.append({"environment": name, "notebook": "setup cell's %pip install",
                        "ok": False, "seconds": 0,
                        "error": f"pip changed more than gan-lib: {sorted(added)}"})
        print(report_line(results[-1]), flush=True)
    return results


def report_line(result: dict) -> str:
    head = f"{result['environment']:7} {result['notebook']:34} {result['seconds']:6.0f} s"
    if not result["ok"]:
        return f"{head}  FAILED: {result['error']}"
    return f"{head}  ok, peak {result['peak_kib'] / 2**20:.2f} GiB resident"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    commands = parser.add_subparsers(dest="command", required=True)
    runner = commands.add_parser("run", help="build both environments and run every notebook")
    runner.add_argument("--env", action="append", choices=sorted(KERNELS))
    runner.add_argument("--only", action="append", default=[], help="a chapter's file stem")
    runner.add_argument("--keep", type=Path, help="work here (kept) instead of a temporary folder")
    args = parser.parse_args()
    for variable in ("PYTHONPATH", "VIRTUAL_ENV"):
        os.environ.pop(variable, None)
    os.environ["GAN_BOOK_MODE"] = "quick"
    with tempfile.TemporaryDirectory(prefix="gan-book-readers-") as temporary:
        work = (args.keep or Path(temporary)).resolve()
        work.mkdir(parents=True, exist_ok=True)
        repository_copy = copy_of_the_repository(work)
        server = serve_raw_files(work, repository_copy)
        os.environ["GAN_BOOK_RAW_FILES"] = f"http://127.0.0.1:{server.server_port}"
        notebooks = notebooks_to_run(work, args.only)
        results = []
        for name in args.env or sorted(KERNELS):
            results += run_environment(name, work, repository_copy, notebooks)
    failed = [r for r in results if not r["ok"]]
    print(f"\n{len(results) - len(failed)} of {len(results)} ran to the end")
    for result in failed:
        print(report_line(result))
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
