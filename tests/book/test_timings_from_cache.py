"""bookbuild.timings --from-cache: make book's execution times and the load at each start."""

import datetime

import nbformat
from jupyter_cache import get_cache
from jupyter_cache.base import CacheBundleIn

from bookbuild import timings


def _cache_with_one_chapter(tmp_path, seconds):
    cache = get_cache(str(tmp_path / "cache"))
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("1 + 1")])
    nb.metadata.kernelspec = {"name": "python3", "display_name": "Python 3", "language": "python"}
    bundle = CacheBundleIn(nb, uri=str(tmp_path / "04_toy_gan_1d.ipynb"),
                           data={"execution_seconds": seconds})
    record = cache.cache_notebook_bundle(bundle, check_validity=False)
    created = record.created.replace(tzinfo=datetime.timezone.utc).timestamp()
    return tmp_path / "cache", created


def _entry_with_load(tmp_path, samples):
    """The record of a 100 s execution, with load samples at (seconds after its start, load)."""
    cache_dir, created = _cache_with_one_chapter(tmp_path, seconds=100.0)
    start = created - 100.0
    log = tmp_path / "load.log"
    log.write_text("".join(f"{start + offset} {load}\n" for offset, load in samples))
    return timings.from_cache(cache_dir, log)["04_toy_gan_1d"]


def test_the_load_is_the_last_sample_before_the_execution_started(tmp_path):
    entry = _entry_with_load(tmp_path, [(-30, 0.5), (-5, 1.7), (20, 2.0), (80, 2.2)])
    assert entry["seconds"] == 100.0
    assert entry["load_before"] == 1.7 and entry["load_during"] == 2.1
    cores = entry["cores"]
    assert timings.describe(entry) == f"about 2 min on {cores} CPU cores"


def test_a_run_that_shared_the_machine_reads_at_most(tmp_path):
    """Quiet before the start, other jobs during the run: the time is an upper bound."""
    entry = _entry_with_load(tmp_path, [(-5, 0.9), (20, 3.9), (80, 4.1)])
    assert entry["load_before"] == 0.9 and entry["load_during"] == 4.0
    assert timings.describe({**entry, "cores": 2}) == "at most 2 min on 2 CPU cores"


def test_no_sample_before_the_start_is_an_error(tmp_path):
    cache_dir, created = _cache_with_one_chapter(tmp_path, seconds=100.0)
    log = tmp_path / "load.log"
    log.write_text(f"{created} 1.0\n")
    try:
        timings.from_cache(cache_dir, log)
    except SystemExit as exit_:
        assert "no load sample" in str(exit_)
    else:
        raise AssertionError("a start with no load sample before it must not be timed")


def test_a_chapter_executed_twice_is_timed_by_its_newest_execution(tmp_path):
    cache_dir, _ = _cache_with_one_chapter(tmp_path, seconds=100.0)
    cache = get_cache(str(cache_dir))
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("2 + 2")])
    nb.metadata.kernelspec = {"name": "python3", "display_name": "Python 3", "language": "python"}
    bundle = CacheBundleIn(nb, uri=str(tmp_path / "04_toy_gan_1d.ipynb"),
                           data={"execution_seconds": 7.0})
    cache.cache_notebook_bundle(bundle, check_validity=False)
    log = tmp_path / "load.log"
    log.write_text("0 1.0\n")
    assert timings.from_cache(cache_dir, log)["04_toy_gan_1d"]["seconds"] == 7.0
