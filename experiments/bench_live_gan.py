"""Speed of the live toy GAN of chapter 4 (_static/live/gan-live.js) in headless Chromium.

    python -m experiments.bench_live_gan                 # about 2 minutes
    python -m experiments.bench_live_gan --rounds 5 --seconds 10

It opens the component on the standalone test page (tests/browser/livepage.py) at
1280 px in Debian's Chromium (``$CHROMIUM``, default /usr/bin/chromium), once per
TensorFlow.js backend, 'cpu' (the baseline: plain JavaScript) and 'wasm' (what the book
ships), and prints for each:

* **training steps/s**: chapter 4's networks and batch (256, k = 1), ``--steps`` steps
  of Algorithm 1 with nothing drawn, the median of ``--rounds`` rounds;
* **evaluation ms**: one evaluation of what a frame shows (G on 5,000 noise vectors, the
  KDE and JS estimate, D on the plot and quadrature grids, V(D, G));
* **frames/s and steps/s while playing**: the widget playing (``requestAnimationFrame``,
  its steps per frame, an evaluation and a drawing each frame) for ``--seconds``;
* **bit-identical**: whether two runs of 200 steps from a reset give the same weights.

and the ratio of each speed of 'wasm' to 'cpu', measured in the same run. Beside the
training rate it prints the CPU time that Chromium's processes used (psutil) per wall
second of the rounds: on a shared machine that share of a core is what the page got, and
steps per CPU second is the rate a page would reach with a core of its own. The rounds of
the two backends alternate, so that a change of load on a shared machine hits both alike.
The CPU (``lscpu``) and the load average before and after are printed with the numbers:
on a machine shared with other jobs they are lower bounds of what a reader's browser does.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests" / "browser"))

import livepage  # noqa: E402
import psutil  # noqa: E402

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking"]
BACKENDS = ("cpu", "wasm")
READY = "() => { const w = document.querySelector('div.gan-live').ganLive; return w && w.gan && w.state; }"

TRAIN = """(steps) => { const g = document.querySelector('div.gan-live').ganLive.gan;
  const t0 = performance.now(); g.train(steps); return steps / ((performance.now() - t0) / 1000); }"""
EVALUATE = """() => { const g = document.querySelector('div.gan-live').ganLive.gan;
  const t0 = performance.now(); for (let i = 0; i < 5; i++) g.evaluate();
  return (performance.now() - t0) / 5; }"""
PLAY = """async (seconds) => { const w = document.querySelector('div.gan-live').ganLive;
  w.reset(); const frames0 = w.frames, steps0 = w.gan.step, t0 = performance.now();
  w.play(); await new Promise(r => setTimeout(r, seconds * 1000)); w.pause();
  const dt = (performance.now() - t0) / 1000;
  return {fps: (w.frames - frames0) / dt, steps: (w.gan.step - steps0) / dt}; }"""
IDENTICAL = """() => { const g = document.querySelector('div.gan-live').ganLive.gan;
  g.reset(); g.train(200); const a = JSON.stringify(g.weights());
  g.reset(); g.train(200); const b = JSON.stringify(g.weights()); g.reset(); return a === b; }"""


def cpu_name() -> str:
    for line in subprocess.run(["lscpu"], capture_output=True, text=True).stdout.splitlines():
        if line.startswith("Model name:"):
            return line.split(":", 1)[1].strip()
    return "unknown CPU"


def chromium_cpu_seconds() -> float:
    """User + system CPU seconds of every Chromium process started by this one."""
    total = 0.0
    for process in psutil.Process().children(recursive=True):
        try:
            if "chrom" in process.name():
                times = process.cpu_times()
                total += times.user + times.system
        except psutil.NoSuchProcess:
            pass
    return total


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=3, help="rounds of training steps per backend")
    parser.add_argument("--steps", type=int, default=200, help="training steps per round")
    parser.add_argument("--seconds", type=float, default=8.0, help="seconds of playing per backend")
    options = parser.parse_args()

    from playwright.sync_api import sync_playwright

    print(f"CPU: {cpu_name()}, {os.cpu_count()} cores; load average {os.getloadavg()[0]:.2f} before")
    folder = Path(tempfile.mkdtemp(prefix="bench_live_gan_"))
    pages = {
        f"{backend}.html": f'<script>GanLive.backend = "{backend}";</script>'
        + livepage.widget_html(autoplay=False)
        for backend in BACKENDS
    }
    livepage.build_site(folder, pages, column=1280 - 2 * 8)
    results = {backend: {"train": [], "cpu_share": []} for backend in BACKENDS}
    with livepage.serve(folder) as url, sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        tabs = {}
        for backend in BACKENDS:
            page = browser.new_page(viewport={"width": 1280, "height": 900})
            page.goto(f"{url}/{backend}.html")
            page.wait_for_function(READY, timeout=60_000)
            assert page.evaluate("() => tf.getBackend()") == backend
            page.evaluate(TRAIN, 20)  # warm-up
            tabs[backend] = page
        for _ in range(options.rounds):
            for backend in BACKENDS:
                tabs[backend].bring_to_front()
                cpu, wall = chromium_cpu_seconds(), time.perf_counter()
                results[backend]["train"].append(tabs[backend].evaluate(TRAIN, options.steps))
                share = (chromium_cpu_seconds() - cpu) / (time.perf_counter() - wall)
                results[backend]["cpu_share"].append(share)
        for backend in BACKENDS:
            page = tabs[backend]
            page.bring_to_front()
            results[backend]["evaluate_ms"] = page.evaluate(EVALUATE)
            results[backend].update(page.evaluate(PLAY, options.seconds))
            results[backend]["identical"] = page.evaluate(IDENTICAL)
        browser.close()
    print(f"load average {os.getloadavg()[0]:.2f} after (2 cores; other jobs share them)")
    print(f"Chromium at 1280 px, chapter 4's GAN (batch 256, k = 1), {options.rounds} rounds of "
          f"{options.steps} steps, {options.seconds:g} s of playing per backend")
    header = (f"{'backend':>8s} {'train steps/s':>14s} {'CPU share':>10s} {'steps/CPU s':>12s} "
              f"{'evaluation ms':>14s} {'frames/s':>9s} {'steps/s playing':>16s} {'bit-identical':>14s}")
    print(header)
    for backend in BACKENDS:
        r = results[backend]
        r["train_median"] = statistics.median(r["train"])
        share = statistics.median(r["cpu_share"])
        print(f"{backend:>8s} {r['train_median']:14.1f} {share:10.2f} {r['train_median'] / share:12.1f} "
              f"{r['evaluate_ms']:14.1f} {r['fps']:9.1f} {r['steps']:16.1f} {'yes' if r['identical'] else 'NO':>14s}")
    wasm, cpu = results["wasm"], results["cpu"]
    print(f"wasm / cpu: training {wasm['train_median'] / cpu['train_median']:.2f}x, "
          f"evaluation {cpu['evaluate_ms'] / wasm['evaluate_ms']:.2f}x, frames/s {wasm['fps'] / cpu['fps']:.2f}x")


if __name__ == "__main__":
    main()
