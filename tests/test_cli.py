"""The CLI through typer's runner, and once as a real subprocess as a user runs it."""

import json
import os
import subprocess
import sys

import pytest
from typer.testing import CliRunner

from bot.cli import app
from tests.conftest import EXAMPLES, SEED_FILE

runner = CliRunner()


@pytest.fixture(scope="module")
def store(tmp_path_factory):
    path = tmp_path_factory.mktemp("cli") / "store"
    res = runner.invoke(app, ["ingest", str(EXAMPLES), "--store", str(path)])
    assert res.exit_code == 0, res.output
    assert "added 6" in res.output
    return path


def test_ingest_again_is_unchanged(store):
    res = runner.invoke(app, ["ingest", str(EXAMPLES), "--store", str(store), "--json"])
    assert res.exit_code == 0
    assert json.loads(res.stdout)["unchanged"] == 6


def test_ask_json_shape(store):
    res = runner.invoke(app, ["ask", "When did the ceasefire collapse?", "--store", str(store),
                              "--json"])
    assert res.exit_code == 0, res.output
    d = json.loads(res.stdout)
    assert set(d) >= {"answer", "abstained", "citations", "timings_ms"}
    assert d["abstained"] is False
    c = d["citations"][0]
    assert set(c) >= {"n", "article_id", "title", "source", "url", "published_at", "quote",
                      "start", "end"}
    assert c["n"] == 1 and c["published_at"].startswith("2020-10-14")
    assert "12 October 2020" in d["answer"]


def test_ask_text_lists_sources(store):
    res = runner.invoke(app, ["ask", "Who mediated the talks?", "--store", str(store)])
    assert res.exit_code == 0
    assert "[1]" in res.stdout and "Caspian Wire" in res.stdout and "2020" in res.stdout


def test_stats_json(store):
    res = runner.invoke(app, ["stats", "--store", str(store), "--json"])
    d = json.loads(res.stdout)
    assert d["articles"] == 6 and d["chunks"] >= 6
    assert d["store"] == str(store.resolve())


def test_bad_now_is_a_clear_error(store):
    res = runner.invoke(app, ["ask", "q?", "--store", str(store), "--now", "yesterday"])
    assert res.exit_code == 2
    assert "YYYY-MM-DD" in res.output


def test_delete_unknown_id(store):
    res = runner.invoke(app, ["delete", "a-nope", "--store", str(store)])
    assert res.exit_code == 1 and "no article" in res.output


@pytest.mark.skipif(not SEED_FILE.exists(), reason="seed article not present")
def test_real_subprocess_on_the_seed_with_env_store(tmp_path):
    env = {**os.environ, "NEWSBOT_STORE": str(tmp_path / "s")}
    cmd = [sys.executable, "-m", "bot.cli"]
    ing = subprocess.run([*cmd, "ingest", str(SEED_FILE)], env=env, capture_output=True,
                         text=True, timeout=120)
    assert ing.returncode == 0, ing.stderr
    assert "added 1" in ing.stdout
    ask = subprocess.run([*cmd, "ask", "When did the ceasefire collapse?", "--json"], env=env,
                         capture_output=True, text=True, timeout=120)
    d = json.loads(ask.stdout)
    assert "Monday 12 October 2020" in d["answer"]
    assert d["citations"][0]["source"] == "Dispatches"
    assert "fell apart on Monday" in d["citations"][0]["quote"]


def test_a_streamed_answer_is_not_printed_twice_for_its_attribution():
    from bot.cli import attribution_added

    shown = "The truce collapsed on Monday [1]."
    assert attribution_added(shown, "According to officials, the truce collapsed on Monday "
                                    "[1].") == "According to officials"
    assert attribution_added(shown, "According to officials, talks resumed [1].") is None
    assert attribution_added(shown, shown) is None


def test_asking_an_empty_archive_says_how_to_fill_it(tmp_path):
    from typer.testing import CliRunner

    from bot.cli import app

    store = str(tmp_path / "empty")
    res = CliRunner().invoke(app, ["ask", "When did the ceasefire collapse?", "--store", store])
    assert res.exit_code == 0, res.output
    assert "is empty" in res.output and "newsbot ingest" in res.output
