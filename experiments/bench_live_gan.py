"""Speed of the live widgets (_static/live/gan-live.js) in headless Chromium at 1280 px.

    python -m experiments.bench_live_gan                 # about 5 minutes on a quiet machine
    python -m experiments.bench_live_gan --rounds 5 --seconds 10

It opens each widget on the standalone test page (tests/browser/livepage.py) at 1280 px in
Debian's Chromium (``$CHROMIUM``, default /usr/bin/chromium): chapter 4's 1-D GAN once per
TensorFlow.js backend, 'cpu' (the baseline: plain JavaScript) and 'wasm' (what the book
ships), and chapter 5's ring (plain GAN) and chapter 9's critic (gradient penalty) on
'wasm'. For each it prints:

* **training steps/s**: the widget's networks and batch, ``--steps`` steps (a tenth of
  them for the ring, whose networks are 30 times larger) with nothing drawn, the median of
  ``--rounds`` rounds;
* **evaluation ms**: one evaluation of what a frame shows (for chapter 4: G on 5,000 noise
  vectors, the KDE and JS estimate, D on the plot and quadrature grids, V(D, G));
* **frames/s and steps/s while playing**: the widget playing (``requestAnimationFrame``,
  as many steps as fit in its frame budget, an evaluation and a drawing each frame) for
  ``--seconds``;
* **bit-identical**: whether two runs from a reset give the same weights.

and the ratio of each speed of 'wasm' to 'cpu' for chapter 4, measured in the same run.
Beside the training rate it prints the CPU time that Chromium's processes used (psutil)
per wall second of the rounds: on a shared machine that share of a core is what the page
got, and steps per CPU second is the rate a page would reach with a core of its own. The
rounds of the pages alternate, so that a change of load on a shared machine hits all
alike. The CPU (``lscpu``) and the load average before and after are printed with the
numbers: on a machine shared with other jobs they are lower bounds of what a reader's
browser does.
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
# page name: (widget, backend, fraction of --steps per round)
PAGES = {
    "ch4 cpu": ("ch4-gaussian-1d", "cpu", 1.0),
    "ch4 wasm": ("ch4-gaussian-1d", "wasm", 1.0),
    "ch5 ring wasm": ("ch5-ring", "wasm", 0.1),
    "ch9 critic wasm": ("ch9-critic", "wasm", 0.5),
}
READY = livepage.READY

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
IDENTICAL = """(steps) => { const g = document.querySelector('div.gan-live').ganLive.gan;
  g.reset(); g.train(steps); const a = JSON.stringify(g.weights());
  g.reset(); g.train(steps); const b = JSON.stringify(g.weights()); g.reset(); return a === b; }"""


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
    parser.add_argument("--rounds", type=int, default=3, help="rounds of training steps per page")
    parser.add_argument("--steps", type=int, default=200, help="training steps per round (chapter 4)")
    parser.add_argument("--seconds", type=float, default=8.0, help="seconds of playing per page")
    options = parser.parse_args()

    from playwright.sync_api import sync_playwright

    print(f"CPU: {cpu_name()}, {os.cpu_count()} cores; load average {os.getloadavg()[0]:.2f} before")
    folder = Path(tempfile.mkdtemp(prefix="bench_live_gan_"))
    files = {
        name: f"{name.replace(' ', '-')}.html"
        for name in PAGES
    }
    livepage.build_site(folder, {
        files[name]: f'<script>GanLive.backend = "{backend}";</script>' + livepage.widget_html(widget, autoplay=False)
        for name, (widget, backend, _) in PAGES.items()
    }, column=1280 - 2 * 8)
    steps = {name: max(2, round(options.steps * fraction)) for name, (_, _, fraction) in PAGES.items()}
    results = {name: {"train": [], "cpu_share": []} for name in PAGES}
    with livepage.serve(folder) as url, sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        tabs = {}
        for name, (_, backend, _) in PAGES.items():
            page = browser.new_page(viewport={"width": 1280, "height": 900})
            page.goto(f"{url}/{files[name]}")
            page.wait_for_function(READY, timeout=120_000)
            assert page.evaluate("() => tf.getBackend()") == backend
            page.evaluate(TRAIN, max(2, steps[name] // 10))  # warm-up
            tabs[name] = page
        for _ in range(options.rounds):
            for name in PAGES:
                tabs[name].bring_to_front()
                cpu, wall = chromium_cpu_seconds(), time.perf_counter()
                results[name]["train"].append(tabs[name].evaluate(TRAIN, steps[name]))
                share = (chromium_cpu_seconds() - cpu) / (time.perf_counter() - wall)
                results[name]["cpu_share"].append(share)
        for name in PAGES:
            page = tabs[name]
            page.bring_to_front()
            results[name]["evaluate_ms"] = page.evaluate(EVALUATE)
            cpu, wall = chromium_cpu_seconds(), time.perf_counter()
            results[name].update(page.evaluate(PLAY, options.seconds))
            results[name]["play_share"] = (chromium_cpu_seconds() - cpu) / (time.perf_counter() - wall)
            results[name]["identical"] = page.evaluate(IDENTICAL, steps[name])
        browser.close()
    print(f"load average {os.getloadavg()[0]:.2f} after ({os.cpu_count()} cores; other jobs share them)")
    print(f"Chromium at 1280 px, {options.rounds} rounds of training per page "
          f"({', '.join(f'{name} {n}' for name, n in steps.items())} steps), "
          f"{options.seconds:g} s of playing per page")
    header = (f"{'page':>16s} {'train steps/s':>14s} {'CPU share':>10s} {'steps/CPU s':>12s} "
              f"{'evaluation ms':>14s} {'frames/s':>9s} {'steps/s playing':>16s} {'CPU share':>10s} "
              f"{'bit-identical':>14s}")
    print(header)
    for name in PAGES:
        r = results[name]
        r["train_median"] = statistics.median(r["train"])
        share = statistics.median(r["cpu_share"])
        print(f"{name:>16s} {r['train_median']:14.1f} {share:10.2f} {r['train_median'] / share:12.1f} "
              f"{r['evaluate_ms']:14.1f} {r['fps']:9.1f} {r['steps']:16.1f} {r['play_share']:10.2f} "
              f"{'yes' if r['identical'] else 'NO':>14s}")
    wasm, cpu = results["ch4 wasm"], results["ch4 cpu"]
    print(f"chapter 4, wasm / cpu: training {wasm['train_median'] / cpu['train_median']:.2f}x, "
          f"evaluation {cpu['evaluate_ms'] / wasm['evaluate_ms']:.2f}x, frames/s {wasm['fps'] / cpu['fps']:.2f}x")


if __name__ == "__main__":
    main()
