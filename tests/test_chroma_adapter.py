"""Each chromadb workaround in retrieval/chroma_adapter.py checked against the installed
chromadb: a release that moves what one touches fails here, saying what moved, instead of
silently costing import time or leaving a wedged store hanging."""

from __future__ import annotations

import importlib
import re
import sys
import tomllib
from pathlib import Path

import chromadb
import pytest
from chromadb.config import Settings
from overrides import override

from retrieval import chroma_adapter
from retrieval.chroma_adapter import (
    CLIENT_IDENTIFIER,
    OVERRIDES_HOOK,
    SYSTEM_CACHE,
    SYSTEM_CACHE_DICTS,
    ChromaInternalsChanged,
    client_identifier,
    evict_system,
    override_checks_off,
    overrides_hook,
    system_cache,
)
from tests.conftest import REPO

MODULE, HOOK = OVERRIDES_HOOK


@pytest.mark.fast
def test_chromadb_is_pinned_to_a_version_these_tests_cover():
    deps = tomllib.loads((REPO / "pyproject.toml").read_text())["project"]["dependencies"]
    pins = [d for d in deps if d.startswith("chromadb")]
    assert pins == [f"chromadb=={chroma_adapter.TESTED_CHROMADB[-1]}"], (
        f"chromadb must stay pinned (found {pins}): retrieval/chroma_adapter.py touches its "
        "private state; bump the pin and TESTED_CHROMADB together, with this file green")
    assert chromadb.__version__ in chroma_adapter.TESTED_CHROMADB, (
        f"chromadb {chromadb.__version__} is installed, but the adapter was checked against "
        f"{chroma_adapter.TESTED_CHROMADB}")


@pytest.mark.fast
def test_the_override_check_hook_is_where_the_adapter_patches_it():
    module, real = overrides_hook()
    assert module.__name__ == MODULE and callable(real)
    # chromadb still decorates with it (else the workaround is dead weight: drop it).
    import chromadb.api.segment as segment

    assert getattr(segment.SegmentAPI.heartbeat, "__override__", False), (
        "chromadb's SegmentAPI no longer marks methods @override: override_checks_off() "
        "may no longer be needed")
    with override_checks_off():
        assert getattr(module, HOOK) is not real
    assert getattr(module, HOOK) is real  # restored


@pytest.mark.fast
def test_override_is_only_marked_while_chromadb_loads_then_checked_again():
    class Base:
        def speak(self, words: str) -> str:
            return words

    with override_checks_off():
        class Loose(Base):
            @override
            def speak(self) -> str:  # type: ignore[override]
                return "?"

    assert Loose.speak.__override__  # type: ignore[attr-defined]
    with pytest.raises(TypeError):
        class Checked(Base):
            @override
            def speak(self) -> str:  # type: ignore[override]
                return "?"


@pytest.mark.fast
def test_a_moved_override_check_hook_fails_loudly_and_imports_go_on(monkeypatch):
    module, _ = overrides_hook()  # the module (the package re-exports a function by its name)
    monkeypatch.delattr(module, HOOK)
    with pytest.raises(ChromaInternalsChanged, match=re.escape(f"{MODULE}.{HOOK} is gone")):
        overrides_hook()
    with override_checks_off():  # degrades to the checked import, never breaks it
        pass


def test_the_system_cache_is_where_the_adapter_evicts_from(tmp_path):
    from retrieval.store import ChromaStore

    systems, refcounts = system_cache()
    ChromaStore(path=tmp_path / "s", collection="adapter")
    # The client a store opens, opened the public way.
    client = chromadb.PersistentClient(path=str((tmp_path / "s").resolve()),
                                       settings=Settings(anonymized_telemetry=False))
    identifier = client_identifier(client)
    assert identifier in systems and refcounts.get(identifier, 0) >= 2, (
        f"chromadb no longer files an embedded client's system under {CLIENT_IDENTIFIER} in "
        f"{SYSTEM_CACHE_DICTS}: evict_system() would evict nothing")
    assert evict_system(client)
    assert identifier not in systems and identifier not in refcounts
    # A fresh store on the same path builds a fresh system and sees the data.
    again = ChromaStore(path=tmp_path / "s", collection="adapter")
    assert again.count_chunks() == 0 and identifier in systems


@pytest.mark.fast
def test_a_moved_system_cache_fails_loudly_and_eviction_is_skipped(monkeypatch):
    cache_owner = getattr(importlib.import_module(SYSTEM_CACHE[0]), SYSTEM_CACHE[1])

    monkeypatch.delattr(cache_owner, SYSTEM_CACHE_DICTS[0])
    with pytest.raises(ChromaInternalsChanged, match=SYSTEM_CACHE_DICTS[0]):
        system_cache()
    monkeypatch.undo()

    class NoIdentifier:
        pass

    with pytest.raises(ChromaInternalsChanged,
                       match=re.escape(f"NoIdentifier.{CLIENT_IDENTIFIER} is gone")):
        client_identifier(NoIdentifier())
    assert evict_system(NoIdentifier()) is False


# The adapter is the only code that reaches into chromadb's (or `overrides`') private names
# (spelled here through the adapter's constants, so this file names none itself).
PRIVATE = re.compile("|".join([
    rf"\b{HOOK}\b", *(re.escape(d) for d in SYSTEM_CACHE_DICTS), SYSTEM_CACHE[1],
    rf"\b{CLIENT_IDENTIFIER}\b", r"chromadb(?:\.\w+)*\._\w+"]))


@pytest.mark.fast
def test_no_private_chromadb_names_outside_the_adapter():
    offenders = []
    for pkg in ("bot", "retrieval", "ingest", "benchmarks"):
        for path in sorted((REPO / pkg).rglob("*.py")):
            if path == Path(chroma_adapter.__file__).resolve():
                continue
            for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
                if PRIVATE.search(line):
                    offenders.append(f"{path.relative_to(REPO)}:{n}: {line.strip()}")
    assert not offenders, "chromadb internals outside retrieval/chroma_adapter.py:\n" + \
        "\n".join(offenders)
    assert "retrieval.chromaimport" not in sys.modules
