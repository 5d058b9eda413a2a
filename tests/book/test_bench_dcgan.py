"""`make bench`'s machinery (experiments.bench_dcgan, dcgan_loops, flops) at a tiny size."""

from __future__ import annotations

import argparse
import time

import numpy as np
import pytest
from tensorflow import keras

from experiments import bench_dcgan, dcgan_loops, flops
from gan_lib.images import mnist

BATCH = 4


@pytest.fixture(scope="module")
def images():
    return mnist.load_mnist(seed=0, verbose=False).images[:66]  # 66 % BATCH: a partial batch


def test_layer_flops_match_a_hand_count():
    # ConvT(128 -> 64, 5x5, stride 2) on 7x7: each of the 49 input pixels scatters a
    # 5x5x64 patch from its 128 channels.
    x = keras.Input((7, 7, 128))
    up = keras.layers.Conv2DTranspose(64, 5, strides=2, padding="same", use_bias=False)
    up(x)
    assert flops.layer_macs(up) == 7 * 7 * 5 * 5 * 128 * 64
    # D of the tutorial: Conv(1 -> 64) at 14x14 output, Conv(64 -> 128) at 7x7, Dense(6272 -> 1).
    first, second = 14 * 14 * 25 * 1 * 64, 7 * 7 * 25 * 64 * 128
    total, first_layer = flops.forward_flops(dcgan_loops.tutorial_discriminator())
    assert (total, first_layer) == (2 * (first + second + 7 * 7 * 128), 2 * first)


def test_tensorflow_op_statistics_agree_with_the_hand_count(images):
    for loop in (dcgan_loops.TutorialLoop(images, 0, BATCH), dcgan_loops.GanLibLoop(images, 0, BATCH),
                 dcgan_loops.GanLibLoop(images, 0, BATCH, update="simultaneous")):
        counted = flops.graph_flops(loop.step_function())
        by_hand = (flops.simultaneous_step_flops if loop.update == "simultaneous"
                   else flops.alternating_step_flops)(loop.generator, loop.discriminator)
        assert sum(counted[op] for op in flops.MATRIX_OPS) == BATCH * by_hand
        assert counted["all"] > sum(counted[op] for op in flops.MATRIX_OPS)
    # The alternating step runs G forward twice and D three times, the simultaneous one once and twice.
    assert flops.alternating_step_flops(loop.generator, loop.discriminator) > flops.simultaneous_step_flops(
        loop.generator, loop.discriminator)


def test_cpu_peak_from_cpuinfo():
    text = "model name\t: Some CPU\ncpu MHz\t\t: 2000.000\nflags\t\t: fpu avx2 {}\n"
    avx512 = flops.cpu_peak(text.format("avx512f avx512_bf16"), cores=2)
    assert (avx512.model, avx512.vector_unit, avx512.fp32_flop_per_cycle) == ("Some CPU", "avx512f", 64)
    assert avx512.fp32_peak_gflops == pytest.approx(2 * 2.0 * 64)
    assert avx512.amx_peak_gflops is None and "no AMX" in avx512.description()
    avx2 = flops.cpu_peak(text.format(""), cores=4)
    assert avx2.fp32_peak_gflops == pytest.approx(4 * 2.0 * 32)
    amx = flops.cpu_peak(text.format("avx512f amx_bf16 amx_tile"), cores=1)
    assert amx.amx_peak_gflops == pytest.approx(2.0 * 1024)
    # AMD Zen 4 runs AVX-512 on 256-bit FMA pipes: AVX2's 32 FLOP/cycle; Zen 5 gets 64
    amd = "vendor_id\t: AuthenticAMD\ncpu family\t: {}\n" + text.format("avx512f avx512_bf16")
    zen4, zen5 = (flops.cpu_peak(amd.format(family), cores=2) for family in (25, 26))
    assert (zen4.fp32_flop_per_cycle, zen5.fp32_flop_per_cycle) == (32, 64)
    assert "Zen 4" in zen4.vector_unit and zen5.vector_unit == "avx512f"
    intel = "vendor_id\t: GenuineIntel\ncpu family\t: 6\n" + text.format("avx512f")
    assert flops.cpu_peak(intel, cores=2).fp32_flop_per_cycle == 64


def tables_in(text: str) -> list[list[list[str]]]:
    """The Markdown tables of ``text``: lists of rows of cells (header and rule included)."""
    found, current = [], []
    for line in text.splitlines() + [""]:
        if line.startswith("|"):
            current.append([cell.strip() for cell in line.strip().strip("|").split("|")])
        elif current:
            found.append(current)
            current = []
    return found


def test_bench_prints_three_well_formed_tables_and_rewrites_the_readme(images, tmp_path):
    loops = [
        dcgan_loops.TutorialLoop(images, 0, BATCH),
        dcgan_loops.KerasFitLoop(images, 0, BATCH, steps_per_execution=2, jit_compile=False),
        dcgan_loops.GanLibLoop(images, 0, BATCH, steps_per_call=2),
        dcgan_loops.GanLibLoop(images, 0, BATCH, steps_per_call=2, update="simultaneous"),
    ]
    loop_runs = bench_dcgan.measure_loops(loops, rounds=2, steps=2, warm_up_steps=2)
    assert all(len(run.round_rates) == 2 and min(run.round_rates) > 0 for run in loop_runs)
    assert all(run.images_per_second == sum(run.round_rates) / 2 for run in loop_runs)  # the median of two
    recipes = bench_dcgan.make_recipes(images, 0, BATCH, budget=0.5)
    bench_dcgan.time_to_quality(recipes, slice_seconds=0.5, target=7.0, samples=20, seed=0)
    assert all(run.curve and run.seconds >= 0.5 for run in recipes)
    args = argparse.Namespace(rounds=2, steps=2, steps_per_execution=2, target_score=7.0,
                              eval_samples=20, slice=0.5)
    matmul = flops.matmul_gflops(size=128, repeats=2)
    assert matmul > 0
    text = bench_dcgan.report(args, loop_runs, recipes, flops.cpu_peak(), matmul, "float32", "test",
                              ((1.0, 2.0, 3.0), (1.5, 2.5, 3.5)))
    found = tables_in(text)
    assert len(found) == 3
    for table, rows in zip(found, (len(loops), len(loops), 2)):
        assert len(table) == 2 + rows
        assert all(len(row) == len(table[0]) for row in table)
        assert set("".join(table[1])) <= set(":-")
    assert [row[0] for row in found[0][2:]] == [loop.name for loop in loops]
    assert found[0][4][4] == "1.00"  # gan_lib (alternating) against itself
    assert [row[1] for row in found[0][2:]] == ["simultaneous", "alternating", "alternating", "simultaneous"]
    tutorial, fit, alternating, simultaneous = loop_runs
    fastest = max((tutorial, fit), key=lambda run: run.images_per_second)
    best = max((alternating, simultaneous), key=lambda run: run.images_per_second)
    ratio = best.images_per_second / fastest.images_per_second
    assert (f"{best.loop.name}, {best.images_per_second:.0f} images/s, {ratio:.2f}x, "
            f"{'met' if ratio >= 1 else 'MISSED'}") in text
    same = simultaneous.images_per_second / tutorial.images_per_second
    assert f"simultaneous, {simultaneous.loop.name} vs {tutorial.loop.name}: {same:.2f}x" in text
    assert f"alternating, {alternating.loop.name} vs {fit.loop.name}: " in text
    needed = fastest.images_per_second * alternating.hand_flops / 1e9
    assert f"would run at {needed:.0f} GFLOP/s, {needed / matmul:.0%} of the float32 matmul rate" in text
    assert "of FP32 peak" in found[1][0] and "of matmul rate" in found[1][0] and "Detected:" in text
    readme = tmp_path / "README.md"
    readme.write_text(f"before\n{bench_dcgan.START}\nold table\n{bench_dcgan.END}\nafter\n")
    assert bench_dcgan.write_readme(text, readme)
    assert readme.read_text() == f"before\n{bench_dcgan.START}\n{text}\n{bench_dcgan.END}\nafter\n"
    unmarked = tmp_path / "unmarked.md"
    unmarked.write_text("no markers\n")
    assert not bench_dcgan.write_readme(text, unmarked) and unmarked.read_text() == "no markers\n"


@pytest.mark.parametrize("slow_budget", [0.05, 0.005])
def test_a_recipe_that_reaches_the_target_gives_the_other_the_target_ratio_of_time(monkeypatch, slow_budget):
    """Stub loops (a score that grows with the steps): the fast one reaches 7.0 after 3
    slices; the slow one, which never does, then trains on until 5x that time, past its
    own budget (5 slices, or half of one: it has run out before the fast one gets there),
    and the table says the target ratio is met."""
    class Loop:
        def __init__(self, gain):
            self.steps, self.gain, self.sampler = 0, gain, self

        def train_for(self, seconds):
            time.sleep(seconds)
            self.steps += 1

    monkeypatch.setattr(bench_dcgan, "score", lambda sampler, n, seed: sampler.gain * sampler.steps)
    slow = bench_dcgan.QualityRun("tutorial's recipe", "stub", Loop(gain=0.1), budget=slow_budget)
    fast = bench_dcgan.QualityRun("book's recipe", "stub", Loop(gain=2.5), budget=1.0)
    bench_dcgan.time_to_quality([slow, fast], slice_seconds=0.01, target=7.0, samples=1, seed=0)
    assert fast.reached is not None and slow.reached is None
    assert slow.budget == bench_dcgan.TARGET_SPEEDUP * fast.reached
    assert slow.seconds >= bench_dcgan.TARGET_SPEEDUP * fast.reached
    table = bench_dcgan.quality_table([slow, fast], target=7.0, samples=1, slice_seconds=0.01)
    assert "target >= 5x: met" in table and "not reached in" in table


def test_bench_options_are_checked():
    with pytest.raises(ValueError, match="--steps"):
        bench_dcgan.main(["--steps", "5", "--steps-per-execution", "2", "--no-readme"])
    with pytest.raises(ValueError, match="--rounds"):
        bench_dcgan.main(["--rounds", "0", "--no-readme"])


def test_sample_images_are_reproducible():
    generator = dcgan_loops.tutorial_generator()
    a, b = (dcgan_loops.sample_images(generator, 3, seed=1) for _ in range(2))
    assert a.shape == (3, 28, 28, 1) and np.array_equal(a, b)


def test_the_bfloat16_loop_is_named_by_its_policy_and_kept_out_of_the_float32_verdict(images):
    loops = bench_dcgan.make_loops(images, 0, BATCH, steps_per_execution=2, policy="mixed_bfloat16")
    mixed = loops[-1]
    assert (mixed.precision, mixed.name) == ("mixed_bfloat16", "gan_lib GANTrainer, mixed_bfloat16")
    assert mixed.trainer.generator.layers[-1].compute_dtype == "bfloat16"
    runs = [bench_dcgan.LoopRun(loop, 1, {}, [1.0]) for loop in loops]
    assert [r.loop.name for r in bench_dcgan.gan_lib_runs(runs)] == [
        "gan_lib GANTrainer", "gan_lib GANTrainer, simultaneous"]
    assert bench_dcgan.gan_lib_runs(runs, "mixed_bfloat16") == runs[-1:]
