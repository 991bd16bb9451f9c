"""benchmarks/natural: the scoring rules on hand-made answers, and the dataset's shape."""

from collections import Counter
from datetime import date

import pytest

from benchmarks.natural.scoring import (
    FACTOID_KINDS,
    KINDS,
    ROOT,
    SPLITS,
    Question,
    best_em_f1,
    by_kind,
    has_key_facts,
    is_right,
    load_split,
    normalise_fact_text,
    numbers,
    score,
    totals,
)
from bot.answer import Answer, Citation


def _q(**kw):
    d = {"id": "x1", "question": "How many workers joined the walkout?", "now": "2025-03-13",
         "kind": "how_many", "answerable": True, "answer": "2,300",
         "aliases": ["2,300 workers"], "key_facts": [["2,300"]], "articles": ["a.md"],
         "story": "s"}
    d.update(kw)
    return Question.from_dict(d, "dev")


def _a(text="", short=None, abstained=False, quote=""):
    cites = [Citation(1, "id", "t", "src", "https://example.org/a", None, quote, 0,
                      len(quote))] if quote else []
    return Answer(question="q", answer=text, abstained=abstained, short_answer=short,
                  citations=cites)


def test_fact_text_normalisation():
    assert normalise_fact_text("The union’s “40,000” members") == 'the union\'s "40000" members'
    assert normalise_fact_text("4–0 at 1,200,000") == "4-0 at 1200000"
    # a list of years is not a thousands separator
    assert normalise_fact_text("2019, 2020") == "2019, 2020"


def test_key_facts_need_every_group_and_ignore_quotes():
    facts = [["2,300"], ["1,400", "fourteen hundred"]]
    assert has_key_facts("The union said 2300; the authority said 1,400.", facts)
    assert not has_key_facts("The union said 2,300 joined.", facts)
    assert has_key_facts("anything", [])
    q = _q(key_facts=[["2,300"], ["1,400"]], answer=None)
    # the figures only in a citation's quote do not count
    s = score(q, _a("About 2,300 joined.", quote="about 1,400 workers were absent"))
    assert s.key_fact is False
    assert score(q, _a("2,300 per the union, 1,400 per the authority")).key_fact is True


def test_refused_answer_holds_no_key_fact():
    s = score(_q(), _a("I could not find it; 2,300 is mentioned.", abstained=True))
    assert s.key_fact is False and not s.shown and s.em == 0.0 and not s.misleading


def test_short_answer_em_f1_over_aliases():
    assert best_em_f1("2300", ["2,300", "2,300 workers"]) == (1.0, 1.0)
    em, f1 = best_em_f1("Ruth Castellan, mediator", ["Ruth Castellan", "Castellan"])
    assert em == 0.0 and f1 == pytest.approx(0.8)
    assert best_em_f1("", ["x"]) == (0.0, 0.0)
    assert best_em_f1("x", []) == (0.0, 0.0)


def test_right_needs_the_gold_numbers_not_only_f1():
    assert numbers("2,300 on 04 May, 3.50 and 2.0") == {"2300", "4", "3.5", "2"}
    dates = ["10 March 2025", "March 10", "10 March"]
    assert is_right("Monday 10 March 2025", dates)
    assert not is_right("Wednesday 12 March 2025", dates)  # F1 0.57 against the first
    assert is_right("Wednesday 12 March 2025", dates, numbers_too=False)
    assert not is_right("3,200 hectares", ["4,100 hectares"])
    assert is_right("4100 hectares", ["4,100 hectares"])
    assert is_right("2 hours 4 minutes 51 seconds", ["2:04:51", "2 hours 4 minutes 51 seconds"])
    assert is_right("Ruth Castellan", ["Castellan"]) and not is_right("", ["x"])


def test_a_wrong_date_misleads_though_its_f1_passes():
    q = _q(kind="when", answer="10 March 2025", aliases=["March 10"], key_facts=[["10 March"]])
    s = score(q, _a("Wednesday 12 March 2025.", short="Wednesday 12 March 2025"))
    assert s.f1 is not None and s.f1 >= 0.5
    assert s.misleading and s.factoid_right is False
    assert not s.misleading_f1only and s.factoid_right_f1only is True
    t = totals([s])
    assert t.misleading == 1.0 and t.misleading_f1only == 0.0
    assert t.factoid_shown_right == 0.0 and t.factoid_shown_right_f1only == 1.0


def test_factoid_right_and_misleading():
    right = score(_q(), _a("About 2,300 workers joined.", short="2,300 workers"))
    assert right.shown and right.em == 1.0 and right.factoid_right and not right.misleading
    wrong = score(_q(), _a("Carrowmore.", short="Carrowmore"))
    assert wrong.factoid_right is False and wrong.misleading
    hidden = score(_q(), _a("About 2,300 workers joined."))
    assert hidden.factoid_right is False and not hidden.misleading and hidden.key_fact
    # no gold short answer (two parties' figures; a why question): any short answer misleads
    two = _q(answer=None, key_facts=[["2,300"], ["1,400"]])
    assert score(two, _a("2,300 or 1,400", short="2,300")).misleading
    assert score(two, _a("2,300 or 1,400", short="2,300")).factoid_right is None
    why = _q(kind="why", answer=None, key_facts=[["night"]])
    assert score(why, _a("Over night pay.", short="  ")).misleading is False
    # an unanswerable question answered with a short answer misleads
    off = _q(answerable=False, answer=None, key_facts=[], articles=[])
    s = score(off, _a("Deelwick in 2024.", short="2024"))
    assert s.misleading and s.key_fact is None and s.em is None and not s.ok


def test_totals_abstention_and_per_kind():
    off = _q(id="u1", answerable=False, answer=None, key_facts=[], articles=[], kind="when")
    scores = [
        score(_q(id="a1"), _a("2,300 joined", short="2,300"), 10.0),
        score(_q(id="a2"), _a("no idea", abstained=True), 20.0),
        score(off, _a("no idea", abstained=True), 30.0),
        score(off, _a("Monday", short="Monday"), 40.0),
    ]
    t = totals(scores)
    assert (t.n, t.answerable, t.unanswerable) == (4, 2, 2)
    assert t.key_fact == 0.5 and t.short_em == 0.5 and t.factoid_shown_right == 0.5
    assert t.misleading == 0.25
    assert t.abstain_precision == 0.5 and t.abstain_recall == 0.5
    assert t.answerable_refused == 0.5
    assert t.p50_ms in (20.0, 30.0) and t.p95_ms == 40.0
    kinds = by_kind(scores)
    assert set(kinds) == {"how_many", "when"} and kinds["when"].n == 2


def test_dataset_files_are_valid_and_meet_the_mix():
    articles = {p.name for p in (ROOT / "articles").glob("*.md")}
    assert len(articles) >= 25
    for name in articles:
        head = (ROOT / "articles" / name).read_text(encoding="utf-8").split("\n\n", 1)[0]
        for key in ("Title:", "Source:", "URL: https://example.org/", "Publish Date:"):
            assert key in head, (name, key)
    splits = {s: load_split(s) for s in SPLITS}
    every = [q for qs in splits.values() for q in qs]
    assert len(every) >= 120
    assert len({q.id for q in every}) == len(every)
    used: set[str] = set()
    for split, qs in splits.items():
        assert sum(not q.answerable for q in qs) / len(qs) >= 0.15, split
        kinds = Counter(q.kind for q in qs)
        assert set(KINDS) - {"other"} <= set(kinds), (split, kinds)
        for q in qs:
            assert q.kind in KINDS and q.story and q.question.strip().endswith("?"), q.id
            assert isinstance(q.now, date)
            if q.answerable:
                assert q.key_facts and all(g for g in q.key_facts) and q.articles, q.id
                assert set(q.articles) <= articles, q.id
                if q.kind in FACTOID_KINDS and q.answer is None:
                    # two parties' figures: the key facts hold both
                    assert len(q.key_facts) >= 2, q.id
            else:
                assert q.answer is None and not q.key_facts and not q.articles, q.id
            if q.answer is not None:
                assert q.answer.strip() and len(q.answer) <= 60, q.id
            used |= set(q.articles)
    # split once, by story: no story (and so no article) on both sides
    stories = {s: {q.story for q in qs} for s, qs in splits.items()}
    assert not stories["dev"] & stories["test"]
    arts = {s: {a for q in qs for a in q.articles} for s, qs in splits.items()}
    assert not arts["dev"] & arts["test"]
    assert used == articles  # every article answers something
