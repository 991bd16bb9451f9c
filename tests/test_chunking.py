import itertools

from hypothesis import given, settings
from hypothesis import strategies as st

from ingest.article import Article
from ingest.chunking import chunk_article, chunk_spans
from retrieval.sentences import sentence_spans, sentences


def test_sentences_respect_abbreviations():
    assert sentences("Fighting broke out on Sept. 27 in the region. Mr. Aliyev spoke.") == [
        "Fighting broke out on Sept. 27 in the region.",
        "Mr. Aliyev spoke.",
    ]


def test_chunks_quote_the_body_exactly_and_overlap():
    body = " ".join(f"Sentence number {i} says something about topic {i}." for i in range(60))
    a = Article(title="T", body=body)
    chunks = chunk_article(a, max_chars=300, overlap_chars=100)
    assert len(chunks) > 5
    for c in chunks:
        assert c.text == body[c.start : c.end]
        assert len(c.text) <= 300
    for prev, nxt in itertools.pairwise(chunks):
        assert nxt.start < prev.end  # overlap
        assert nxt.start > prev.start  # progress
    assert chunks[-1].end == len(body)


def test_embedding_text_has_title_and_date_but_quote_does_not():
    from datetime import UTC, datetime

    a = Article(title="Headline", body="Body text here.",
                published_at=datetime(2020, 10, 14, tzinfo=UTC))
    (c,) = chunk_article(a)
    assert c.text == "Body text here."
    assert "Headline" in c.embedding_text() and "14 October 2020" in c.embedding_text()


def test_a_derived_title_is_shown_but_not_embedded_again():
    from datetime import UTC, datetime

    from retrieval.types import Chunk

    a = Article(title="Ford is pulling the plug", title_derived=True,
                body="CNN — Ford is pulling the plug. It had spent years on it.",
                published_at=datetime(2022, 10, 26, tzinfo=UTC))
    (c,) = chunk_article(a)
    assert c.title == "Ford is pulling the plug" and c.title_derived
    assert c.embedding_text() == "26 October 2022\n" + a.body
    back = Chunk.from_record(c.text, c.to_metadata())
    assert back == c
    assert "title_derived" not in chunk_article(Article(title="T", body="B."))[0].to_metadata()


def test_one_huge_unpunctuated_sentence_is_split():
    body = "word " * 5000
    spans = chunk_spans(body.strip(), max_chars=1000, overlap_chars=200)
    assert len(spans) >= 5
    assert all(e - s <= 1000 for s, e in spans)


@settings(max_examples=150, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("ab .!?\n\"”")), min_size=1, max_size=800),
       st.integers(min_value=20, max_value=300))
def test_spans_are_ordered_in_bounds_and_cover_all_words(body, size):
    spans = chunk_spans(body, max_chars=size, overlap_chars=size // 3)
    covered = set()
    last_start = -1
    for s, e in spans:
        assert 0 <= s < e <= len(body)
        assert s > last_start
        last_start = s
        covered.update(range(s, e))
    for s, e in sentence_spans(body, max_chars=size):
        assert all(i in covered for i in range(s, e))


# Arbitrary Unicode: combining marks, emoji sequences, CRLF, and sentence ends among them.
_PIECES = st.one_of(
    st.text(min_size=1, max_size=12),
    st.sampled_from(["e\u0301", "a\u0308\u0323", "👍🏽", "👨\u200d👩\u200d👧", "🇳🇴", "\r\n",
                     "\r", "\n\n", ". ", "! ", "? ", "Mr. ", "“Quoted.” ", " ", "\t", "\u3000",
                     "\u00a0", "word ", "longerword "]),
)


@settings(max_examples=120, deadline=None)
@given(st.lists(_PIECES, min_size=1, max_size=250).map("".join),
       st.integers(min_value=20, max_value=700))
def test_chunks_quote_arbitrary_unicode_exactly_within_the_cap_and_cover_it(body, size):
    chunks = chunk_article(Article(title="T", body=body), max_chars=size,
                           overlap_chars=size // 5)
    covered = [False] * len(body)
    for n, c in enumerate(chunks):
        assert (c.index, c.count) == (n, len(chunks))
        assert c.text == body[c.start : c.end]
        assert 0 < len(c.text) <= size
        covered[c.start : c.end] = [True] * (c.end - c.start)
    assert [c.start for c in chunks] == sorted({c.start for c in chunks})
    # Only whitespace may fall between chunks (or before the first, after the last).
    assert all(ok or body[i].isspace() for i, ok in enumerate(covered))
