import json
from datetime import UTC, datetime

import pytest

from ingest.readers import read_path
from ingest.readers.base import ReadFailure
from tests.conftest import EXAMPLES, SEED_FILE


def read_one(path):
    items = list(read_path(path))
    assert len(items) == 1, items
    return items[0]


@pytest.mark.skipif(not SEED_FILE.exists(), reason="seed article not present")
def test_seed_metadata_uses_publish_date_not_page_date():
    a = read_one(SEED_FILE)
    assert a.published_at == datetime(2020, 10, 14, 22, 5, tzinfo=UTC)
    assert a.source == "Dispatches"
    assert not a.title.startswith("BAKU")
    assert "News ID" not in a.body and "Publish Date" not in a.body
    assert "Comment" not in a.body
    assert a.body.startswith("BAKU (Dispatches)")
    assert a.body.rstrip().endswith("Libya.")


@pytest.mark.parametrize(("body", "title"), [
    ("CNN —\n\nTwitter locked rapper Kanye West’s account over a tweet. More follows.",
     "Twitter locked rapper Kanye West’s account over a tweet"),
    ("New York CNN Business —\n\nFord is pulling the plug. More.", "Ford is pulling the plug"),
    ("Colombo, Sri Lanka CNN — Sri Lanka is bankrupt, he said. More.",
     "Sri Lanka is bankrupt, he said"),
    ("LONDON (Reuters) - Prices rose again. More.", "Prices rose again"),
    # An em dash in the lead's own sentence is not a dateline.
    ("The President — who spoke on Monday — said nothing. More.",
     "The President — who spoke on Monday — said nothing"),
])
def test_a_missing_title_is_the_leads_first_sentence_after_any_dateline(tmp_path, body, title):
    p = tmp_path / "a.json"
    p.write_text(json.dumps({"text": body}))
    a = read_one(p)
    assert a.title == title and a.title_derived
    assert a.body == body.strip()  # the dateline is still the article's text


def test_a_given_title_is_not_derived(tmp_path):
    p = tmp_path / "a.json"
    p.write_text(json.dumps({"title": "CNN —", "text": "CNN — Ford is pulling the plug."}))
    a = read_one(p)
    assert a.title == "CNN —" and not a.title_derived


def test_text_header_lines_and_trailer(tmp_path):
    a = read_one(EXAMPLES / "karabakh-truce.txt")
    assert a.title == "Karabakh truce breaks down as both sides trade accusations"
    assert a.source == "Caspian Wire"
    assert a.url.startswith("https://")
    assert a.published_at == datetime(2020, 10, 14, 21, 40, tzinfo=UTC)
    assert "Comment" not in a.body


def test_markdown_front_matter_and_heading():
    a = read_one(EXAMPLES / "harbour-tram.md")
    assert a.title == "Council approves harbour tram line after five-hour debate"
    assert not a.body.startswith("#")
    assert a.published_at == datetime(2024, 3, 6, 19, 15, tzinfo=UTC)


def test_html_uses_published_time_not_modified_and_drops_script():
    a = read_one(EXAMPLES / "storm-warning.html")
    assert a.title == "Storm Hilde brings record gusts to the west coast"
    assert a.published_at is not None and a.published_at.date().isoformat() == "2023-11-17"
    assert "tracking" not in a.body and "Subscribe" not in a.body
    assert "187 kilometres per hour" in a.body


def test_jsonl_and_json_objects():
    items = list(read_path(EXAMPLES / "wire-digest.jsonl"))
    assert [i.source for i in items] == ["Ledger Daily", "Sportsline"]
    assert items[1].published_at == datetime(2024, 5, 26, tzinfo=UTC)
    museum = read_one(EXAMPLES / "museum-reopening.json")
    assert museum.published_at == datetime(2025, 2, 8, tzinfo=UTC)
    assert "9,000 visitors" in museum.body


def test_article_id_is_stable_under_whitespace_changes(tmp_path):
    a = tmp_path / "a.txt"
    b = tmp_path / "b.txt"
    a.write_text("Title: T\n\nOne sentence here.  Another   one.\n")
    b.write_text("Title: T\n\nOne sentence here.\nAnother one.\n")
    assert read_one(a).id == read_one(b).id


@pytest.mark.parametrize(
    "name,content,reason",
    [
        ("empty.txt", b"", "empty file"),
        ("blank.txt", b"  \n\t\n", "empty file"),
        ("binary.txt", bytes(range(256)) * 4, "binary"),
        ("image.md", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "binary"),
        ("notes.pdf", b"%PDF-1.4", "unsupported file type '.pdf'"),
        ("broken.json", b"{\"title\": ", "invalid JSON"),
        ("nobody.json", b"{\"title\": \"x\"}", "no text field"),
        ("punct.txt", b"Title: x\n\n... !!! ???", "no words"),
    ],
)
def test_bad_files_give_one_line_reason(tmp_path, name, content, reason):
    p = tmp_path / name
    p.write_bytes(content)
    item = read_one(p)
    assert isinstance(item, ReadFailure)
    assert reason in item.reason
    assert "\n" not in str(item)


def test_latin1_and_cp1252_are_decoded(tmp_path):
    p = tmp_path / "old.txt"
    p.write_bytes("Title: Café crème\n\nLe café a ouvert – “enfin” à Zürich.".encode("cp1252"))
    a = read_one(p)
    assert a.title == "Café crème"
    assert "“enfin” à Zürich" in a.body


def test_utf16_with_bom(tmp_path):
    p = tmp_path / "wide.txt"
    p.write_bytes("Title: Wide\n\nA UTF-16 article body.".encode("utf-16"))
    assert read_one(p).body == "A UTF-16 article body."


def test_malformed_jsonl_line_reports_line_number_and_keeps_the_rest(tmp_path):
    p = tmp_path / "feed.jsonl"
    good = {"title": "Good", "body": "A good article.", "date": "2024-01-02"}
    p.write_text(json.dumps(good) + "\n{not json\n" + json.dumps({**good, "title": "Also"}) + "\n")
    items = list(read_path(p))
    failures = [i for i in items if isinstance(i, ReadFailure)]
    assert [f.line for f in failures] == [2]
    assert str(failures[0]).endswith(f"{p}:2: invalid JSON: Expecting property name enclosed "
                                     "in double quotes (column 2)")
    assert [i.title for i in items if not isinstance(i, ReadFailure)] == ["Good", "Also"]


def test_too_large_file_is_refused(tmp_path):
    p = tmp_path / "huge.txt"
    p.write_text("word " * 1000)
    item = next(read_path(p, max_bytes=1000))
    assert isinstance(item, ReadFailure) and "too large" in item.reason
