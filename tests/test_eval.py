"""The eval command on a tiny dataset made here, in the RealTime QA layout."""

import gzip
import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from bot.cli import app
from bot.evaluation.metrics import exact_match, f1_score, hits_at, mrr_at, normalize_answer

ARTICLES = [
    {"id": "rta-1", "title": "Harbour council approves tram", "source": "gazette.example",
     "published_at": "2024-03-06", "url": "https://gazette.example/tram",
     "body": "The Northbay council approved the harbour tram on Tuesday. The line will cost "
             "412 million euros and open in 2028."},
    {"id": "rta-2", "title": "Storm cuts power to 40,000 homes", "source": "courier.example",
     "published_at": "2024-03-05", "url": "https://courier.example/storm",
     "body": "Storm Hilde cut power to about 40,000 homes on Monday. The grid operator "
             "Nordgrid said repairs would take until Thursday."},
    {"id": "rta-3", "title": "Tram plans stall", "source": "gazette.example",
     "published_at": "2023-01-10", "url": "https://gazette.example/old-tram",
     "body": "An older plan for a harbour tram stalled after the council could not agree "
             "on its cost."},
]
QUERIES = [
    {"id": "q1", "question": "How much will the harbour tram cost?",
     "answer": "412 million euros", "question_date": "2024-03-08",
     "evidence": [{"article_id": "rta-1", "fact": "The line will cost 412 million euros"}],
     "evidence_article_ids": ["rta-1"],
     "choices": ["68 million euros", "412 million euros", "7 billion euros"],
     "answer_index": [1]},
    {"id": "q2", "question": "Which company said repairs would take until Thursday this week?",
     "answer": "Nordgrid", "question_date": "2024-03-08",
     "evidence": [], "evidence_article_ids": ["rta-2"], "choices": []},
    {"id": "q3", "question": "Which team won the 1998 chess olympiad?", "answer": "Russia",
     "question_date": "2024-03-08", "evidence": [], "evidence_article_ids": [], "choices": []},
]


@pytest.fixture
def dataset(tmp_path, monkeypatch):
    root = tmp_path / "tinyqa"
    (root / "dev").mkdir(parents=True)
    with gzip.open(root / "corpus.jsonl.gz", "wt") as fh:
        fh.writelines(json.dumps(a) + "\n" for a in ARTICLES)
    (root / "dev" / "queries.jsonl").write_text("".join(json.dumps(q) + "\n" for q in QUERIES))
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    return root


def test_squad_normalisation_and_scores():
    assert normalize_answer("The  Tony Awards!") == "tony awards"
    assert exact_match("the Tony awards", "Tony Awards") == 1.0
    assert f1_score("412 million", "412 million euros") == pytest.approx(0.8)
    assert f1_score("", "x") == 0.0
    assert hits_at(["a", "b", "c"], {"c"}, 2) == 0.0 and hits_at(["a", "b", "c"], {"c"}, 3) == 1
    assert mrr_at(["a", "b"], {"b"}) == 0.5


def test_eval_command_scores_and_reports(dataset, tmp_path):
    report = tmp_path / "report"
    res = CliRunner().invoke(app, ["eval", str(dataset), "--json", "--report", str(report)])
    assert res.exit_code == 0, res.output
    out = json.loads(res.stdout)
    s = out["summaries"]["newsbot"]
    assert s["questions"] == 3 and s["with_gold_article"] == 2
    assert s["hits@1"] == 1.0 and s["mrr@10"] == 1.0
    assert s["mc_accuracy"] == 1.0  # the one multiple-choice question
    assert s["em"] >= 0.33  # the tram cost is extracted exactly
    assert s["abstention_rate"] >= 0.33  # the chess question is not in the corpus
    assert (report / "report.md").read_text().count("|") > 20
    assert (report / "hits_at_k.png").stat().st_size > 1000
    # Second run reuses the cached store instead of ingesting again.
    again = CliRunner().invoke(app, ["eval", str(dataset), "--json", "--limit", "1"])
    assert json.loads(again.stdout)["summaries"]["newsbot"]["questions"] == 1


def test_a_cached_store_from_older_readers_is_ingested_again(dataset):
    from ingest import READER_VERSION

    first = CliRunner().invoke(app, ["eval", str(dataset), "--json"])
    (marker,) = (Path(json.loads(first.stdout)["meta"]["store"]) / "COMPLETE",)
    assert marker.read_text() == f"readers {READER_VERSION}"
    marker.write_text("ok")  # what stores built before reader versions were recorded hold
    again = CliRunner().invoke(app, ["eval", str(dataset), "--json"])
    assert again.exit_code == 0, again.output
    assert marker.read_text() == f"readers {READER_VERSION}"
    # Ingested again in place: the unchanged articles kept, and still found.
    assert json.loads(again.stdout)["summaries"]["newsbot"]["mrr@10"] == 1.0


def test_eval_baseline_is_scored_beside(dataset):
    res = CliRunner().invoke(app, ["eval", str(dataset), "--json", "--baseline"])
    assert res.exit_code == 0, res.output
    sums = json.loads(res.stdout)["summaries"]
    assert set(sums) == {"newsbot", "naive-langchain"}
    assert sums["naive-langchain"]["abstention_rate"] == 0.0


NATURAL_QUERIES = [
    {"id": "n1", "question": "How much will the harbour tram cost?", "now": "2024-03-08",
     "kind": "how_much", "answerable": True, "answer": "412 million euros", "aliases": [],
     "key_facts": [["412 million"]], "articles": ["tram.md"], "story": "tram"},
    {"id": "n2", "question": "Why did the lights go out?", "now": "2024-03-08", "kind": "why",
     "answerable": True, "answer": None, "aliases": [], "key_facts": [["Hilde"]],
     "articles": ["storm.md"], "story": "storm"},
    {"id": "n3", "question": "Who won the 1998 chess olympiad?", "now": "2024-03-08",
     "kind": "who", "answerable": False, "answer": None, "aliases": [], "key_facts": [],
     "articles": [], "story": "storm"},
]


def test_eval_reads_a_dataset_with_an_articles_folder(tmp_path, monkeypatch):
    """benchmarks/natural's layout: articles/*.md instead of corpus.jsonl.gz; `now`, a
    nullable `answer` and `articles` (file names) instead of the RealTime QA fields."""
    root = tmp_path / "natural"
    (root / "articles").mkdir(parents=True)
    (root / "dev").mkdir()
    for name, a in (("tram.md", ARTICLES[0]), ("storm.md", ARTICLES[1])):
        (root / "articles" / name).write_text(
            f"Title: {a['title']}\nSource: {a['source']}\nURL: {a['url']}\n"
            f"Publish Date: {a['published_at']}\n\n{a['body']}\n")
    (root / "dev" / "queries.jsonl").write_text(
        "".join(json.dumps(q) + "\n" for q in NATURAL_QUERIES))
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    from bot.evaluation.dataset import load

    ds = load(root, "dev")
    assert ds.corpus == root / "articles"
    assert [q.answer for q in ds.queries] == ["412 million euros", "", ""]
    assert [q.skipped_for_answers for q in ds.queries] == [False, True, True]
    assert ds.queries[0].evidence_article_ids == ("tram.md",)
    res = CliRunner().invoke(app, ["eval", str(root), "--json"])
    assert res.exit_code == 0, res.output
    s = json.loads(res.stdout)["summaries"]["newsbot"]
    assert s["questions"] == 3 and s["with_gold_article"] == 2
    assert s["hits@5"] == 1.0


def test_eval_missing_dataset_is_a_clear_error(tmp_path):
    res = CliRunner().invoke(app, ["eval", str(tmp_path / "nope")])
    assert res.exit_code == 2
    assert "queries.jsonl" in res.output


def test_the_choice_the_short_answer_names_is_picked():
    from bot.evaluation.runner import pick_choice
    from retrieval.types import Chunk, Hit

    text = "The council approved the tram; critics compared it to the 7 billion euro metro."
    hits = [Hit(Chunk(article_id="a", index=0, text=text, start=0, end=len(text)), 1.0)]
    choices = ("68 million euros", "412 million euros", "7 billion euros")
    # Without an answer the passages decide; with one, the choice it names.
    assert pick_choice(choices, hits) == 2
    assert pick_choice(choices, hits, answer="412 million euros") == 1
    # An answer naming no choice (or two alike) leaves it to the passages.
    assert pick_choice(choices, hits, answer="Northbay") == 2


def test_a_folded_wire_copy_counts_where_its_story_was_found():
    from bot.evaluation.runner import ranked_articles
    from retrieval.types import Chunk, Hit

    def hit(article: str) -> Hit:
        return Hit(Chunk(article_id=article, index=0, text="t", start=0, end=1, title="",
                         source="s"), 1.0)

    idmap = {"a": {"rta-1"}, "copy-of-a": {"rta-2"}, "b": {"rta-3"}}
    copies = {"a": ["copy-of-a"]}
    assert ranked_articles([hit("a"), hit("b")], idmap, lambda x: copies.get(x, [])) == [
        "rta-1", "rta-2", "rta-3"]
    assert ranked_articles([hit("a"), hit("b")], idmap) == ["rta-1", "rta-3"]
