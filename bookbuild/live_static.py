"""Ship TensorFlow.js with the book's live toy GANs (_static/live/gan-live.js).

A Sphinx extension (listed in _config.yml): when the HTML build finishes, it copies the
pinned TensorFlow.js files that ``make tfjs`` installs with npm into ``.cache/tfjs`` to
``_static/live/vendor/`` of the built book, next to gan-live.js, which loads them only on
pages that hold a widget. The page then loads nothing from the network. They are copied
after the build, not kept in ``_static/``: Jupyter Book adds every ``.js`` file under
``_static/`` to every page, and TensorFlow.js (1.5 MB) is wanted on three.
"""

from __future__ import annotations

import json
import shutil

from sphinx.errors import ExtensionError

from bookbuild import layout

# The pinned version; the Makefile's TFJS_VERSION installs it (tests check they agree).
TFJS_VERSION = "4.22.0"
PACKAGES = layout.ROOT / ".cache" / "tfjs" / "node_modules" / "@tensorflow"
FILES = (
    PACKAGES / "tfjs" / "dist" / "tf.min.js",
    PACKAGES / "tfjs-backend-wasm" / "dist" / "tf-backend-wasm.min.js",
    PACKAGES / "tfjs-backend-wasm" / "dist" / "tfjs-backend-wasm.wasm",
    PACKAGES / "tfjs-backend-wasm" / "dist" / "tfjs-backend-wasm-simd.wasm",
    PACKAGES / "tfjs-backend-wasm" / "dist" / "tfjs-backend-wasm-threaded-simd.wasm",
)
VENDOR = "_static/live/vendor"


def check_cache() -> None:
    """Raise ExtensionError unless the cache holds the pinned version's files."""
    missing = [str(path) for path in FILES if not path.is_file()]
    if missing:
        raise ExtensionError(f"TensorFlow.js {TFJS_VERSION} is missing ({missing[0]}); run `make tfjs`")
    for package in ("tfjs", "tfjs-backend-wasm"):
        version = json.loads((PACKAGES / package / "package.json").read_text())["version"]
        if version != TFJS_VERSION:
            raise ExtensionError(
                f"@tensorflow/{package} in .cache/tfjs is {version}, not the pinned {TFJS_VERSION}; "
                "run `rm -rf .cache/tfjs && make tfjs`"
            )


def _on_builder_inited(app) -> None:
    if app.builder.format == "html":
        check_cache()


def _on_build_finished(app, exception) -> None:
    if exception is not None or app.builder.format != "html":
        return
    vendor = app.outdir / VENDOR
    vendor.mkdir(parents=True, exist_ok=True)
    for path in FILES:
        shutil.copy(path, vendor / path.name)


def setup(app):
    app.connect("builder-inited", _on_builder_inited)
    app.connect("build-finished", _on_build_finished)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
