from ingest.readers.base import ReadFailure
from tests.conftest import EXAMPLES


def write(path, body, title="Harbour news"):
    path.write_text(f"Title: {title}\nSource: Test Gazette\nDate: 2024-03-06\n\n{body}\n")


def test_reingest_changes_nothing_and_edit_replaces(make_bot, tmp_path):
    bot = make_bot()
    f = tmp_path / "a.txt"
    write(f, "The ferry to Skarvik was cancelled on Tuesday because of fog.")
    first = bot.ingest([f])
    assert (first.added, first.updated, first.unchanged) == (1, 0, 0)
    again = bot.ingest([f])
    assert (again.added, again.updated, again.unchanged, again.chunks_written) == (0, 0, 1, 0)

    old_id = first.article_ids[0]
    write(f, "The ferry to Skarvik was cancelled on Wednesday because of storms.")
    edited = bot.ingest([f])
    assert (edited.added, edited.updated) == (0, 1)
    new_id = edited.article_ids[0]
    assert new_id != old_id
    ids = {r.article_id for r in bot.components.store.articles()}
    assert ids == {new_id}
    hits = bot.search("ferry Skarvik cancelled")
    assert hits and all(h.chunk.article_id == new_id for h in hits)
    assert "Wednesday" in hits[0].chunk.text


def test_same_content_from_two_files_is_stored_once(make_bot, tmp_path):
    bot = make_bot()
    for name in ("a.txt", "b.txt"):
        write(tmp_path / name, "Identical wire copy about the harbour tram.")
    r = bot.ingest([tmp_path])
    assert (r.added, r.unchanged) == (1, 1)
    assert bot.stats().articles == 1


def test_delete_removes_article_and_its_chunks(make_bot):
    bot = make_bot()
    report = bot.ingest([EXAMPLES])
    before = bot.stats()
    victim = report.article_ids[0]
    assert bot.delete(victim) > 0
    after = bot.stats()
    assert after.articles == before.articles - 1
    assert all(h.chunk.article_id != victim for h in bot.search("ceasefire collapsed Monday"))
    assert bot.delete(victim) == 0


def test_bad_inputs_fail_alone_and_lose_nothing(make_bot, tmp_path):
    bot = make_bot()
    good = tmp_path / "good.txt"
    write(good, "The museum reopened on Friday after four years.")
    bot.ingest([good])
    before = bot.stats()

    bad = tmp_path / "bad"
    bad.mkdir()
    (bad / "empty.txt").write_bytes(b"")
    (bad / "binary.md").write_bytes(bytes(range(256)) * 8)
    (bad / "old.txt").write_bytes("Title: Caf\xe9\n\nThe caf\xe9 opened.".encode("latin-1")
                                  if False else b"Title: Caf\xe9\n\nThe caf\xe9 opened today.")
    (bad / "lines.jsonl").write_text('{"title": "ok", "body": "Fine line."}\n{oops\n')
    (bad / "sheet.xlsx").write_bytes(b"PK\x03\x04")
    r = bot.ingest([bad, tmp_path / "missing.txt"])
    reasons = sorted(str(f) for f in r.failures)
    assert r.failed == 5, reasons
    assert all(isinstance(f, ReadFailure) for f in r.failures)
    assert any("empty file" in x for x in reasons)
    assert any("binary" in x for x in reasons)
    assert any("lines.jsonl:2" in x for x in reasons)
    assert any("unsupported file type '.xlsx'" in x for x in reasons)
    assert any("no such file" in x for x in reasons)
    assert r.added == 2  # the latin-1 file and the good JSONL line
    after = bot.stats()
    assert after.articles == before.articles + 2
    assert bot.ask("When did the museum reopen?").citations
