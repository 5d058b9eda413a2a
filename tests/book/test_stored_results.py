"""gan_lib.stored_results: the chapters' stored results in a checkout and in Colab."""

import io
import json
from urllib.error import URLError

import pytest

from bookbuild import setup_cell
from gan_lib import stored_results

PATH = "experiments/results/dcgan_experiments.json"


def test_repository_is_the_one_in_config():
    assert (stored_results.REPOSITORY, stored_results.BRANCH) == setup_cell.repository()


def test_raw_url(monkeypatch):
    monkeypatch.delenv("GAN_BOOK_RAW_FILES", raising=False)
    assert stored_results.raw_url(PATH, "https://github.com/o/n/", "b") == (
        "https://raw.githubusercontent.com/o/n/b/" + PATH)
    monkeypatch.setenv("GAN_BOOK_RAW_FILES", "http://127.0.0.1:8000/")
    assert stored_results.raw_url(PATH, "https://github.com/o/n/", "b") == (
        "http://127.0.0.1:8000/o/n/b/" + PATH)
    with pytest.raises(ValueError, match="repository"):
        stored_results.raw_url(PATH, "gitlab.com/o/n")


def test_reads_the_checkout_without_the_network(tmp_path, monkeypatch):
    (tmp_path / "experiments/results").mkdir(parents=True)
    (tmp_path / PATH).write_text('{"runs": 1}')
    monkeypatch.setattr(stored_results, "urlopen", lambda *a, **k: pytest.fail("fetched"))
    assert stored_results.read_json(PATH, root=tmp_path) == {"runs": 1}


def test_fetches_when_the_folder_is_missing(tmp_path, monkeypatch):
    # Colab: no experiments/ folder next to the notebook
    asked = []

    def opener(url, timeout):
        asked.append(url)
        return io.BytesIO(json.dumps({"runs": 2}).encode())

    monkeypatch.setattr(stored_results, "urlopen", opener)
    assert stored_results.read_json(PATH, root=tmp_path) == {"runs": 2}
    assert asked == [stored_results.raw_url(PATH)]


def test_offline_is_one_line(tmp_path, monkeypatch):
    def offline(url, timeout):
        raise URLError("no network")

    monkeypatch.setattr(stored_results, "urlopen", offline)
    with pytest.raises(stored_results.ResultsUnavailable) as error:
        stored_results.read_json(PATH, root=tmp_path)
    (line,) = error.value._render_traceback_()
    assert PATH in line and "connect to the internet" in line and "\n" not in line


def test_bad_path():
    with pytest.raises(ValueError, match="path"):
        stored_results.read_json("experiments/results/x.md")


def test_fetches_over_http_from_a_served_copy(tmp_path, monkeypatch):
    # the real fetch (urlopen, no stub) from a local server laid out as raw.githubusercontent.com
    import functools
    import http.server
    import threading

    served = tmp_path / "served"
    owner_name = stored_results.REPOSITORY.removeprefix("https://github.com/")
    target = served / owner_name / stored_results.BRANCH / PATH
    target.parent.mkdir(parents=True)
    target.write_text('{"runs": 3}')
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=served)
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        monkeypatch.setenv("GAN_BOOK_RAW_FILES", f"http://127.0.0.1:{server.server_port}")
        assert stored_results.read_json(PATH, root=tmp_path / "no_checkout") == {"runs": 3}
        with pytest.raises(stored_results.ResultsUnavailable, match="404"):
            stored_results.read_json("experiments/results/missing.json", root=tmp_path)
    finally:
        server.shutdown()
