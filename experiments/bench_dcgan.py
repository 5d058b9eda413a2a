"""`make bench`: the TensorFlow DCGAN tutorial's model in three training loops, its FLOP rate
against the CPU's peak, and time to quality for the tutorial's recipe and the book's.

    python -m experiments.bench_dcgan                    # make bench: 30-60 minutes
    python -m experiments.bench_dcgan --rounds 1 --steps 10 --quality-seconds 60 --no-readme

All three measurements run in one process on chapter 6's training digits
(``gan_lib.images.mnist``, 80% of what ``load_mnist`` finds), and print three tables:

(a) **Same model, three loops.** The tutorial's networks (``experiments.dcgan_loops``),
    trained by the tutorial's own loop, by a keras.io-style ``keras.Model`` with
    ``train_step`` and ``fit(...)`` (``steps_per_execution`` = ``--steps-per-execution``;
    once with Keras's default ``jit_compile="auto"``, which means XLA here, and once
    without XLA) and by ``gan_lib``'s ``GANTrainer`` (``steps_per_call`` the same), once
    with each of its updates: Algorithm 1's alternating one (the default, and the
    keras.io-style step's) and the tutorial's simultaneous one. After
    a warm-up that compiles, ``--rounds`` rounds each train every loop for ``--steps``
    steps, the order rotating from round to round, so that a change of load on a shared
    machine hits every loop alike. Images per second = real images consumed / seconds,
    in the median round of each loop.
(b) **GFLOP/s against the peak.** FLOPs per image of each loop's step, counted by hand
    from the layer shapes and by TensorFlow's op statistics (``experiments.flops``, which
    explains both), times the images per second of (a), against the FP32 peak of the CPU
    detected from /proc/cpuinfo, and against the rate a chain of large float32 matrix
    products reaches on it (``flops.matmul_gflops``, measured before (a)). Where the
    precision policy (``gan_lib.config.precision``) is ``mixed_bfloat16``, gan_lib's loop
    also runs under it, compared with the AMX bfloat16 peak when the CPU has AMX.
(c) **Time to quality.** The tutorial's recipe (its networks, its loop, Adam 1e-4, batch
    256) and the book's (``gan_lib.images.dcgan.BOOK_RECIPE`` trained by ``GANTrainer``
    from ``dcgan.make_trainer``, as ``gan-book train dcgan`` does, but from the image
    array: see ``GanLibLoop``) train in alternating slices of ``--slice`` seconds. After
    every slice the classifier score (``gan_lib.images.digit_metrics``) of
    ``--eval-samples`` samples on fixed noise is computed, off the clock; a recipe stops
    when it first reaches ``--target-score`` or after ``--quality-seconds`` of training;
    once one recipe reaches it at ``t``, the other trains on (alone) until it reaches it
    too or until ``5 t`` (the target ratio, ``TARGET_SPEEDUP``), if that is longer, so
    that a recipe that has not reached the score by then shows the target ratio met.
    Training seconds include the compilation of each recipe's step (a reader waits for
    it too); the resolution of a time to quality is one slice.

The text is printed and, unless ``--no-readme``, written into README.md between the
lines ``<!-- bench:start -->`` and ``<!-- bench:end -->``.
"""

from __future__ import annotations

import argparse
import datetime
import os
import statistics
import time
from dataclasses import dataclass, field
from pathlib import Path

from gan_lib import config, tables
from gan_lib.images import dcgan, digit_metrics, mnist

README = Path(__file__).resolve().parents[1] / "README.md"
START, END = "<!-- bench:start -->", "<!-- bench:end -->"
TARGET_PEAK_FRACTION = 0.6
TARGET_SPEEDUP = 5.0


# ----- (a) and (b): one model, several loops -----------------------------------------------
@dataclass
class LoopRun:
    """One loop of (a): its timed rounds and its step's FLOPs per image."""

    loop: object
    hand_flops: int
    tf_flops: dict
    round_rates: list = field(default_factory=list)  # images per second in each round

    @property
    def images_per_second(self) -> float:
        """The median round's rate: one round that another job on a shared machine slows
        does not move it (``experiments.bench_loop`` takes the median round too)."""
        return statistics.median(self.round_rates)

    @property
    def gflops(self) -> float:
        return self.images_per_second * self.hand_flops / 1e9


def make_loops(images, seed: int, batch_size: int, steps_per_execution: int, policy: str) -> list:
    """The loops of (a), all on the tutorial's networks, in float32 (gan_lib's with each of
    its two updates); with a bfloat16 policy, gan_lib's alternating loop once more under it."""
    from experiments import dcgan_loops

    loops = [
        dcgan_loops.TutorialLoop(images, seed, batch_size),
        dcgan_loops.KerasFitLoop(images, seed, batch_size, steps_per_execution, jit_compile="auto"),
        dcgan_loops.KerasFitLoop(images, seed, batch_size, steps_per_execution, jit_compile=False),
        dcgan_loops.GanLibLoop(images, seed, batch_size, steps_per_execution),
        dcgan_loops.GanLibLoop(images, seed, batch_size, steps_per_execution, update="simultaneous"),
    ]
    if policy == "mixed_bfloat16":
        with config.precision_policy(policy):
            loops.append(dcgan_loops.GanLibLoop(images, seed, batch_size, steps_per_execution))
    return loops


def measure_loops(loops: list, rounds: int, steps: int, warm_up_steps: int) -> list[LoopRun]:
    """Count each loop's FLOPs, warm it up, then time ``rounds`` rounds of ``steps`` steps."""
    from experiments import flops

    runs = []
    for loop in loops:
        count = (flops.simultaneous_step_flops if loop.update == "simultaneous"
                 else flops.alternating_step_flops)(loop.generator, loop.discriminator)
        counted = flops.graph_flops(loop.step_function())
        runs.append(LoopRun(loop, count, {k: v / loop.batch_size for k, v in counted.items()}))
    for run in runs:
        run.loop.warm_up(warm_up_steps)  # traces and compiles; not timed
    for index in range(rounds):
        order = runs[index % len(runs):] + runs[:index % len(runs)]
        for run in order:
            before, start = run.loop.images_seen, time.perf_counter()
            run.loop.train(steps)
            run.round_rates.append((run.loop.images_seen - before) / (time.perf_counter() - start))
        print(f"  round {index + 1}/{rounds}: "
              + ", ".join(f"{r.loop.name} {r.round_rates[-1]:.0f}" for r in runs) + " images/s", flush=True)
    return runs


def gan_lib_runs(runs: list[LoopRun], precision: str = "float32") -> list[LoopRun]:
    """The runs of gan_lib's loop under the precision policy ``precision``."""
    from experiments.dcgan_loops import GanLibLoop

    return [r for r in runs if isinstance(r.loop, GanLibLoop) and r.loop.precision == precision]


def loops_table(runs: list[LoopRun], rounds: int, steps: int, steps_per_execution: int,
                matmul: float) -> str:
    """Table (a) and its verdicts: gan_lib's faster float32 loop against the fastest peer
    (the target), and each of gan_lib's updates against the fastest peer that runs the same
    update. ``matmul`` (GFLOP/s) is the rate of large float32 matrix products in this run:
    the verdict also says what share of it gan_lib's alternating step would need to reach
    the fastest peer's images per second, since its FLOPs per image are fixed by the
    algorithm."""
    from experiments.dcgan_loops import GanLibLoop

    gan_lib = gan_lib_runs(runs)
    peers = [r for r in runs if not isinstance(r.loop, GanLibLoop)]
    ours = next(r for r in gan_lib if r.loop.update == "alternating")
    rows = [
        [r.loop.name, r.loop.update, f"{r.images_per_second:.0f}",
         f"{min(r.round_rates):.0f}-{max(r.round_rates):.0f}",
         f"{r.images_per_second / ours.images_per_second:.2f}", f"{r.gflops / ours.gflops:.2f}"]
        for r in runs
    ]
    table = tables.markdown(["loop", "update", "images/s (median round)", "per round", "images/s vs gan_lib",
                             "GFLOP/s vs gan_lib"], rows, align="llrrrr")
    fastest = max(peers, key=lambda r: r.images_per_second)
    best = max(gan_lib, key=lambda r: r.images_per_second)
    ratio = best.images_per_second / fastest.images_per_second
    same = []
    for r in gan_lib:
        matching = [p for p in peers if p.loop.update == r.loop.update]
        if matching:
            peer = max(matching, key=lambda p: p.images_per_second)
            same.append(f"{r.loop.update}, {r.loop.name} vs {peer.loop.name}: "
                        f"{r.images_per_second / peer.images_per_second:.2f}x")
    needed = fastest.images_per_second * ours.hand_flops / 1e9
    return (f"{table}\n\nBatch {ours.loop.batch_size}, {rounds} round(s) of {steps} steps per loop after a "
            f"warm-up; {steps_per_execution} steps per compiled call in fit and GANTrainer. Target "
            f"gan_lib >= the fastest peer ({fastest.loop.name}, {fastest.images_per_second:.0f} images/s): "
            f"{best.loop.name}, {best.images_per_second:.0f} images/s, {ratio:.2f}x, "
            f"{'met' if ratio >= 1 else 'MISSED'}. Same update against the same update: {'; '.join(same)}. "
            f"The alternating step (Algorithm 1, GANTrainer's default) does "
            f"{ours.hand_flops / runs[0].hand_flops:.2f}x the FLOPs of the tutorial's "
            f"simultaneous one per image (table b): at {fastest.images_per_second:.0f} images/s "
            f"it would run at {needed:.0f} GFLOP/s, {needed / matmul:.0%} of the "
            f"float32 matmul rate measured in this run ({matmul:.0f} GFLOP/s).")


def flops_table(runs: list[LoopRun], cpu, matmul: float, policy: str, policy_reason: str) -> str:
    from experiments import flops

    rows = []
    for r in runs:
        matrix = sum(r.tf_flops[op] for op in flops.MATRIX_OPS)
        rows.append([r.loop.name, f"{r.hand_flops / 1e6:.1f}", f"{matrix / 1e6:.1f}",
                     f"{r.tf_flops['all'] / 1e6:.1f}", f"{r.gflops:.1f}",
                     f"{r.gflops / cpu.fp32_peak_gflops:.0%}", f"{r.gflops / matmul:.0%}"])
    table = tables.markdown(["loop", "MFLOP/image by hand", "TF: matrix ops", "TF: all ops",
                             "GFLOP/s", "of FP32 peak", "of matmul rate"], rows)
    ours = next(r for r in gan_lib_runs(runs) if r.loop.update == "alternating")
    fraction = ours.gflops / cpu.fp32_peak_gflops
    lines = [
        f"Detected: {cpu.description()}; vector unit {cpu.vector_unit} -> "
        f"{cpu.fp32_flop_per_cycle} FP32 FLOP/cycle/core; FP32 peak {cpu.cores} x "
        f"{cpu.ghz:.2f} GHz x {cpu.fp32_flop_per_cycle} = {cpu.fp32_peak_gflops:.0f} GFLOP/s "
        "(the clock is what /proc/cpuinfo reports; turbo makes the peak approximate). "
        f"A float32 product of two 2048 x 2048 matrices ran at {matmul:.0f} GFLOP/s "
        f"({matmul / cpu.fp32_peak_gflops:.0%} of that peak), the matmul rate below.",
        "",
        table,
        "",
        "By hand: 2 x multiply-adds of the Dense and convolution layers; TF: TensorFlow's "
        "registered op FLOP statistics over the traced step's needed ops (matrix ops: Conv2D, "
        "its two backprop ops, MatMul).",
        f"Target >= {TARGET_PEAK_FRACTION:.0%} of the FP32 peak for gan_lib's loop: {fraction:.0%}, "
        + ("met." if fraction >= TARGET_PEAK_FRACTION else "MISSED."),
    ]
    mixed = gan_lib_runs(runs, "mixed_bfloat16")
    if mixed:
        r = mixed[0]
        against = (f"{r.gflops / cpu.amx_peak_gflops:.0%} of the AMX bfloat16 peak "
                   f"({cpu.amx_peak_gflops:.0f} GFLOP/s)") if cpu.amx else "no AMX on this CPU"
        lines.append(f"Precision policy {policy} ({policy_reason}): gan_lib under it does "
                     f"{r.gflops:.1f} GFLOP/s, {against}.")
    else:
        lines.append(f"Precision policy {policy} ({policy_reason}): no bfloat16 run.")
    return "\n".join(lines)


# ----- (c): time to quality -------------------------------------------------------------------
@dataclass
class QualityRun:
    """One recipe of (c): its loop, training budget and score after each slice."""

    name: str
    settings: str
    loop: object
    budget: float
    seconds: float = 0.0
    curve: list = field(default_factory=list)  # (training seconds, steps, score)
    reached: float | None = None


def score(sampler, n: int, seed: int) -> float:
    """Classifier score of ``n`` samples of ``sampler`` on fixed noise."""
    from experiments.dcgan_loops import sample_images

    return digit_metrics.classifier_score(digit_metrics.classify(sample_images(sampler, n, seed))[0])


def make_recipes(images, seed: int, tutorial_batch: int, budget: float,
                 policy: str = "float32") -> list[QualityRun]:
    """The two recipes of (c); the book's in the precision ``policy``, as chapter 6's setup
    cell sets it (the tutorial's in float32, as it is published)."""
    from experiments import dcgan_loops

    recipe = dcgan.BOOK_RECIPE
    trainer = dcgan.make_trainer(recipe, seed=seed, precision=policy)
    book = dcgan_loops.GanLibLoop(images, seed, recipe.batch_size, steps_per_call=100, trainer=trainer)
    tutorial = dcgan_loops.TutorialLoop(images, seed, tutorial_batch)
    return [
        QualityRun("tutorial's recipe", f"its model and loop, Adam 1e-4, batch {tutorial_batch}",
                   tutorial, budget),
        QualityRun("book's recipe", f"chapter 6 (BOOK_RECIPE), GANTrainer, batch {recipe.batch_size}",
                   book, budget),
    ]


def time_to_quality(runs: list[QualityRun], slice_seconds: float, target: float, samples: int,
                    seed: int) -> None:
    """Train the recipes in alternating slices until each reaches ``target`` or its budget;
    a recipe reaching ``target`` at ``t`` extends the others' budgets to ``TARGET_SPEEDUP * t``
    (a recipe whose budget had already run out trains on)."""
    def training(run):
        return run.reached is None and run.seconds < run.budget

    while any(training(run) for run in runs):
        for run in filter(training, runs):
            start = time.perf_counter()
            run.loop.train_for(min(slice_seconds, run.budget - run.seconds))
            run.seconds += time.perf_counter() - start
            steps = run.loop.steps
            run.curve.append((run.seconds, steps, score(run.loop.sampler, samples, seed)))
            print(f"  {run.name}: {run.seconds:.0f} s, {steps:,} steps, score {run.curve[-1][2]:.2f}",
                  flush=True)
            if run.curve[-1][2] >= target:
                run.reached = run.seconds
                for other in runs:
                    if other.reached is None:
                        other.budget = max(other.budget, TARGET_SPEEDUP * run.reached)


def quality_table(runs: list[QualityRun], target: float, samples: int, slice_seconds: float) -> str:
    rows = []
    for run in runs:
        best = max(run.curve, key=lambda point: point[2])
        reached = f"{run.reached:.0f}" if run.reached is not None else f"not reached in {run.seconds:.0f} s"
        rows.append([run.name, run.settings, reached, f"{best[2]:.2f} at {best[0]:.0f} s",
                     f"{run.curve[-1][1]:,}", f"{run.seconds:.0f}"])
    table = tables.markdown(["recipe", "setting", f"s to score {target}", "best score",
                             "steps", "training s"], rows, align="llrrrr")
    tutorial, book = runs
    if book.reached is None:
        ratio = "the book's recipe did not reach it: no ratio"
    elif tutorial.reached is None:
        ratio = f"more than {tutorial.seconds / book.reached:.1f}x sooner"
    else:
        ratio = f"{tutorial.reached / book.reached:.1f}x sooner"
    met = book.reached is not None and (tutorial.reached or tutorial.seconds) >= TARGET_SPEEDUP * book.reached
    return (f"{table}\n\nClassifier score of {samples:,} samples (max 10), evaluated after every "
            f"{slice_seconds:.0f}-second slice, off the clock. Book's recipe vs the tutorial's: {ratio} "
            f"(target >= {TARGET_SPEEDUP:.0f}x: {'met' if met else 'MISSED'}).")


# ----- the report ------------------------------------------------------------------------------
def report(args, loop_runs, quality_runs, cpu, matmul, policy, reason, loads) -> str:
    import tensorflow as tf

    day = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d")
    return "\n".join([
        f"`make bench` of {day}: {cpu.description()}; TensorFlow {tf.__version__}; load average "
        f"(uptime's 1, 5, 15 min) {' '.join(f'{v:.2f}' for v in loads[0])} before, "
        f"{' '.join(f'{v:.2f}' for v in loads[1])} after.",
        "",
        "**(a) The TF DCGAN tutorial's model, three loops**",
        "",
        loops_table(loop_runs, args.rounds, args.steps, args.steps_per_execution, matmul),
        "",
        "**(b) FLOPs and the CPU's peak**",
        "",
        flops_table(loop_runs, cpu, matmul, policy, reason),
        "",
        f"**(c) Time to a classifier score of {args.target_score}**",
        "",
        quality_table(quality_runs, args.target_score, args.eval_samples, args.slice),
    ])


def write_readme(text: str, path: Path = README) -> bool:
    """Replace what lies between the marker lines in ``path``; False when they are missing."""
    readme = path.read_text()
    if START not in readme or END not in readme:
        return False
    before, rest = readme.split(START, 1)
    _, after = rest.split(END, 1)
    path.write_text(f"{before}{START}\n{text}\n{END}{after}")
    return True


def parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=6, help="(a) rounds of timing (default 6)")
    parser.add_argument("--steps", type=int, default=10, help="(a) steps per loop and round (default 10)")
    parser.add_argument("--steps-per-execution", type=int, default=10,
                        help="(a) steps per compiled call of fit and GANTrainer (default 10)")
    parser.add_argument("--batch-size", type=int, default=256,
                        help="batch of the tutorial's model in (a) and (c) (default 256, the tutorial's)")
    parser.add_argument("--quality-seconds", type=float, default=600.0,
                        help="(c) training budget of each recipe, seconds (default 600)")
    parser.add_argument("--slice", type=float, default=20.0, help="(c) seconds per slice (default 20)")
    parser.add_argument("--target-score", type=float, default=7.0, help="(c) classifier score (default 7.0)")
    parser.add_argument("--eval-samples", type=int, default=2000, help="(c) samples per evaluation (default 2000)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--readme", type=Path, default=README, help="file whose bench block is rewritten")
    parser.add_argument("--no-readme", action="store_true", help="print only")
    return parser


def main(argv: list[str] | None = None) -> str:
    args = parser().parse_args(argv)
    for name in ("rounds", "steps", "steps_per_execution", "batch_size", "eval_samples"):
        if getattr(args, name) < 1:
            raise ValueError(f"--{name.replace('_', '-')} must be at least 1; got {getattr(args, name)}")
    if args.steps % args.steps_per_execution:
        raise ValueError(f"--steps ({args.steps}) must be a multiple of --steps-per-execution "
                         f"({args.steps_per_execution})")
    if not (args.quality_seconds > 0 and args.slice > 0):
        raise ValueError("--quality-seconds and --slice must be positive")
    config.quiet_tensorflow()
    from experiments import flops

    load_before = os.getloadavg()
    cpu = flops.cpu_peak()
    policy, reason = config.precision(), config.detected_precision()[1]
    if os.environ.get(config.PRECISION_VARIABLE, "").strip():
        reason = f"set by {config.PRECISION_VARIABLE}"
    print(f"load average before: {load_before}; {cpu.description()}; policy {policy}", flush=True)
    matmul = flops.matmul_gflops()
    print(f"float32 matmul: {matmul:.0f} GFLOP/s", flush=True)
    train, _ = mnist.load_mnist(seed=args.seed).split(0.2)  # chapter 6's training digits
    print("(a) the tutorial's model in each loop, images/s:", flush=True)
    loops = make_loops(train.images, args.seed, args.batch_size, args.steps_per_execution, policy)
    loop_runs = measure_loops(loops, args.rounds, args.steps, warm_up_steps=args.steps_per_execution)
    print("(c) time to quality:", flush=True)
    quality_runs = make_recipes(train.images, args.seed, args.batch_size, args.quality_seconds, policy)
    time_to_quality(quality_runs, args.slice, args.target_score, args.eval_samples, args.seed)
    text = report(args, loop_runs, quality_runs, cpu, matmul, policy, reason,
                  (load_before, os.getloadavg()))
    print(text)
    if not args.no_readme:
        written = write_readme(text, args.readme)
        print(f"{args.readme} updated" if written else f"{args.readme} has no {START} ... {END} block")
    return text


if __name__ == "__main__":
    main()
