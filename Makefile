# gan-book: the two commands are `make book` and `make test` (see README.md).
SHELL := /bin/bash
VENV := .venv
BIN := $(VENV)/bin
PY := $(BIN)/python
STAMP := $(VENV)/.installed
CHROMIUM ?= /usr/bin/chromium
MATHJAX := .cache/mathjax/node_modules/mathjax/es5/tex-mml-chtml.js
# The Colab-like environment (.ci/colab_like): nbval runs every chapter in its kernel.
COLAB := .cache/colab_like
COLAB_STAMP := $(COLAB)/colab_like.txt
# TensorFlow.js for the live toy GANs (_static/live/), pinned; bookbuild/live_static.py ships it.
TFJS_VERSION := 4.22.0
TFJS := .cache/tfjs/node_modules/@tensorflow/tfjs/dist/tf.min.js
# The working tree's gan_lib wins over any installed copy (also inside notebook kernels).
export PYTHONPATH := $(CURDIR)
export TF_CPP_MIN_LOG_LEVEL := 2

.PHONY: book test lint unit quick-book student-site browser screenshots student course sync-setup bench readers mnist-memory tfjs clean

# Install everything the build and the tests use into .venv, once (again when pins change).
$(STAMP): requirements.txt pyproject.toml
	test -x $(PY) || python3 -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements.txt
	$(PY) -m pip install --quiet --no-deps -e .
	$(PY) -m ipykernel install --sys-prefix --name python3 >/dev/null
	touch $(STAMP)

## make book: the HTML book in full mode, warnings as errors, with the execution cache.
book: $(STAMP) $(TFJS)
	GAN_BOOK_MODE=full $(BIN)/jupyter-book build . -W --keep-going
	@echo "The book: $(CURDIR)/_build/html/index.html"

## make test: ruff, unit tests + nbval (quick mode, 2 workers), quick book build, student site, browser test.
# The quick book and the student site are two single-threaded Sphinx builds from the same
# saved executions, so they run side by side, one per core.
test: lint unit
	@echo "== make test: lint, unit tests and nbval passed at $$(date +%T)"
	@$(MAKE) --no-print-directory -j 2 --output-sync=target quick-book student-site
	@echo "== make test: quick book and student site built at $$(date +%T)"
	@$(MAKE) --no-print-directory browser
	@echo "make test: all checks passed"

lint: $(STAMP)
	$(BIN)/ruff check .

# The Colab-like environment, kept while .ci/colab_like.txt is unchanged.
$(COLAB_STAMP): .ci/colab_like.txt .ci/colab_like
	bash .ci/colab_like $(COLAB)

# One pytest run: unit tests and every notebook under nbval. Each notebook runs once, in
# one worker (--dist loadfile), in the kernel of the Colab-like environment (what Colab
# preinstalls, no build or test tools; gan_lib from the working tree through PYTHONPATH).
# The plugin bookbuild/nbval_export.py saves the executed notebooks to _build/quick/executed
# so that the quick book build reuses them instead of re-running them. The plugin
# bookbuild/edition_check.py runs each autograded exercise's student blank in nbval's kernel
# (its check must fail) before nbval runs the instructor's solution (its check must pass).
unit: $(STAMP) $(COLAB_STAMP)
	rm -rf _build/quick/executed
	JUPYTER_PATH=$(CURDIR)/$(COLAB)/share/jupyter GAN_BOOK_MODE=quick $(BIN)/pytest -n 2 --dist loadfile --durations=15 \
		--nbval-lax --nbval-kernel-name gan-book-colab --nbval-cell-timeout=600 \
		-p bookbuild.nbval_export -p bookbuild.edition_check tests chapters --ignore=tests/browser --ignore=tests/student_site

# The quick book, then one rich output per figure cell on the executions make unit saved
# (there none may be missing: in make unit's own run they may not exist yet).
quick-book: $(STAMP) $(TFJS)
	$(PY) -m bookbuild.quick_book
	GAN_BOOK_REQUIRE_EXECUTIONS=1 $(BIN)/pytest -q tests/book/test_figures_captioned.py -k executed

# The student site from the quick-mode executions, built with -W, then searched for solutions.
student-site: $(STAMP) $(TFJS)
	$(PY) -m bookbuild.student_edition --site quick --out _build/student
	$(BIN)/pytest tests/student_site

## make student: the student site (full mode, reusing make book's execution cache) under student/.
student: book
	$(PY) -m bookbuild.student_edition --site book
	@echo "Student site: $(CURDIR)/student/_build/html/index.html"

## make course: the nbgrader course directory course/ (config, source, release = the hand-outs).
course: $(STAMP)
	$(PY) -m bookbuild.course --out course

$(CHROMIUM):
	@if command -v apt-get >/dev/null && [ "$$(id -u)" = 0 ]; then \
		apt-get install -y chromium >/dev/null || (apt-get update >/dev/null && apt-get install -y chromium >/dev/null); \
	else echo "Chromium is missing: install it (Debian: sudo apt-get install -y chromium) or set CHROMIUM=/path/to/chromium"; exit 1; fi

$(MATHJAX):
	npm install --silent --no-audit --no-fund --prefix .cache/mathjax mathjax@3

$(TFJS):
	npm install --silent --no-audit --no-fund --prefix .cache/tfjs \
		@tensorflow/tfjs@$(TFJS_VERSION) @tensorflow/tfjs-backend-wasm@$(TFJS_VERSION)

tfjs: $(TFJS)

browser: $(STAMP) $(CHROMIUM) $(MATHJAX) $(TFJS)
	CHROMIUM=$(CHROMIUM) $(BIN)/pytest -n 2 --dist loadgroup --durations=10 tests/browser

## make screenshots: the browser test of the built quick book, saving a full-page screenshot
## of every page at 1280 px (solutions closed and open) and 390 px in _build/screenshots/.
screenshots: $(STAMP) $(CHROMIUM) $(MATHJAX) $(TFJS)
	rm -rf _build/screenshots
	GAN_BOOK_SCREENSHOTS=$(CURDIR)/_build/screenshots CHROMIUM=$(CHROMIUM) $(BIN)/pytest -q -n 2 --dist loadgroup tests/browser/test_book.py tests/browser/test_layout.py
	@echo "Screenshots: $(CURDIR)/_build/screenshots"

## make sync-setup: rewrite every chapter's setup cell from _config.yml's repository (forks).
sync-setup: $(STAMP)
	$(PY) -m bookbuild.sync_setup_cell

## make bench: the TF DCGAN tutorial's model in three loops, GFLOP/s vs the CPU's peak, time to
## a classifier score of 7.0 (25-60 minutes on 2 cores; options: python -m experiments.bench_dcgan -h);
## rewrites README.md's bench block.
bench: $(STAMP)
	uptime
	$(PY) -m experiments.bench_dcgan
	uptime

## make readers: fresh Colab-like and laptop environments; every chapter and nbgrader release
## notebook run in each, quick mode, one line per notebook (bookbuild/reader_environments.py).
readers: $(STAMP)
	$(PY) -m bookbuild.reader_environments run

## make mnist-memory: each chapter that loads MNIST, quick mode, on the full-size stand-in
## (GAN_BOOK_MNIST=standin), with the kernel's peak resident memory; fails above 4 GiB.
mnist-memory: $(STAMP)
	$(PY) -m bookbuild.mnist_memory

clean:
	rm -rf _build .cache student course
