"""News-native answers on purpose-written articles (tests/data/news_native): who said it,
sources that disagree, wire copies folded, and story timelines, through the SDK and CLI."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest
from typer.testing import CliRunner

from bot.attribution import attribute, with_attribution
from bot.cli import app
from bot.conflicts import asked_kinds, values
from ingest.stories import Doc, about_its_title, cluster_docs

DATA = Path(__file__).parent / "data" / "news_native" / "articles.jsonl"
ROWS = [json.loads(line) for line in DATA.read_text(encoding="utf-8").splitlines()]
runner = CliRunner()


@pytest.mark.parametrize("sentence,who", [
    ("The strike will continue until Friday, the union said.", "the union"),
    ("According to the port authority, 40 ships were waiting.", "the port authority"),
    ("Police told reporters that three people were arrested.", "Police"),
    ("Officials in Baku put the toll of that attack at nine dead and more than thirty "
     "injured.", "Officials in Baku"),
    ("\"We will not back down,\" said Maria Lopez, the union leader.", "Maria Lopez"),
    ("At least 42 people died, according to the health ministry.", "the health ministry"),
    ("Turnout was 61 percent, the electoral commission said on Sunday.",
     "the electoral commission"),
    ("In a statement, the company said it would appeal.", "the company"),
    ("The fire killed 12 people, Reuters reported.", "Reuters"),
    ("The war began on 27 September.", None),
    ("He said the talks would resume.", None),
    ("Fourteen people were hurt, the ministry said in a statement on Monday.", "the ministry"),
    ("At least 42 people died, according to figures from the health ministry.",
     "the health ministry"),
    ("The toll rose to 12, officials said late on Sunday.", "officials"),
    ("Nine people died, a spokesman for the fire service said.", "the fire service"),
    ("The company announced a new plan.", "the company"),
    ("The strike will go on, the union's spokeswoman, Anna de Vries, said.",
     "the union's spokeswoman"),
    ("The figure was confirmed by the coast guard.", "the coast guard"),
    ("The death toll was put at 40 by local officials.", "local officials"),
    ("Twelve people died in the blast, citing the interior ministry.", "the interior ministry"),
    ("A police spokesman told the BBC that two men were held.", "a police spokesman"),
    ("Ships were stuck at sea for days, he added.", None),
    ("Her husband woke her up to say her car had floated away.", None),
    ("\"Texas should act,\" DeSantis said in June.", "DeSantis"),
    ("\"We can only do so much,\" said Biden in remarks at the palace on Thursday.", "Biden"),
    ("Aaron Danielson, chief of the airport police, said there was confusion.",
     "Aaron Danielson"),
    ("Weibo also said in a separate statement on Sunday that it banned 21 accounts.", "Weibo"),
    ("It collapsed on Monday, when Azerbaijan accused Armenian forces of shelling Ganja.",
     None),
    # "said" reporting a clause: the words after it are the clause, not an inverted speaker.
    ("Martin Hale, the port authority's chief executive, said the backlog of ships would "
     "take about two weeks to clear.", "Martin Hale"),
    ("Grace Whitlow, the interim chief executive, said the faulty filling line at the "
     "Brennick factory had been shut down.", "Grace Whitlow"),
    ("Councillor Petra Threadgold, the council's member for culture, said the reopening "
     "mattered beyond film-goers.", "Councillor Petra Threadgold"),
    # A past participle describing an inverted speaker is no clause.
    ("\"We will fight on,\" said the retired judge.", "the retired judge"),
    # A relative clause with a number's or a list's commas between speaker and verb, and
    # the present tense of putting a figure.
    ("The Harnford Supporters' Trust, which surveyed 1,300 season-ticket holders, says the "
     "average rise is 41%.", "the Harnford Supporters' Trust"),
    ("The Allied Health Staff Union, which represents porters, cleaners and healthcare "
     "assistants, puts the figure at 4,600.", "the Allied Health Staff Union"),
    ("Kielsund Harbour Ferries puts the repair bill for the Elin at 1.6 million euros.",
     "Kielsund Harbour Ferries"),
    # A time opening the sentence is no one.
    ("At the same time the authority confirmed £4.2 million of emergency funding.",
     "the authority"),
    # A party's records or figures are its claim.
    ("The council's own records show 31 complaints over the same period.", "the council"),
    # "estimated" after a lone determiner is an adjective: nobody is quoted.
    ("An estimated 4,000 tonnes of earth and rock came down onto the coast road.", None),
    ("The estimated cost has risen to £19 million.", None),
])
def test_attribution(sentence, who):
    assert attribute(sentence) == who


def test_according_to_wording():
    assert (with_attribution("The strike will continue until Friday, the union said.")
            == "According to the union, the strike will continue until Friday.")
    assert (with_attribution("At least 42 people died, according to the health ministry.")
            == "According to the health ministry, at least 42 people died.")
    assert with_attribution("Police told reporters that three people were arrested.") == (
        "According to police, three people were arrested.")
    assert with_attribution("Rescue groups said 57 people were killed.") == (
        "According to rescue groups, 57 people were killed.")
    assert with_attribution("The toll rose to 12, officials said late on Sunday.") == (
        "According to officials, the toll rose to 12.")
    assert with_attribution("A police spokesman told the BBC that two men were held.") == (
        "According to a police spokesman, two men were held.")
    assert with_attribution("Weibo also said in a statement on Sunday that it banned 21 "
                            "accounts.") == "According to Weibo, it banned 21 accounts."
    # The end of a quote begun a sentence before is no claim to say for its speaker.
    ends = "I came back from my shift to a £70 ticket,\" said Bernadette Petts, a nurse."
    assert with_attribution(ends) == ends
    # A passive cannot lose its agent: kept as written.
    assert with_attribution("The figure was confirmed by the coast guard.") == (
        "The figure was confirmed by the coast guard.")
    # A sentence that names its source first, then a pronoun, is already said plainly.
    assert with_attribution("Iran said it would support any initiative.") == (
        "Iran said it would support any initiative.")
    # A role with the name beside it keeps the name: it may be the answer.
    assert with_attribution("Their chief economist, Viktor Nyland, said the bank was too "
                            "cautious.") == (
        "According to their chief economist, Viktor Nyland, the bank was too cautious.")
    # So does a role said after the quote, with the name after it.
    assert with_attribution("\"We have held on as long as we could,\" said the practice's "
                            "principal dentist, Dr Owain Treharne.") == (
        "According to the practice's principal dentist, Dr Owain Treharne, \"We have held on "
        "as long as we could.\"")
    assert with_attribution("The strike goes on, the union's spokeswoman, Anna de Vries, "
                            "said.") == (
        "According to the union's spokeswoman, Anna de Vries, the strike goes on.")
    # A relative clause about the speaker is news of its own: kept as written.
    clause = ("Mayor Ines Hartley, who took over from Paul Brack in May, said the pool would "
              "reopen in June.")
    assert with_attribution(clause) == clause


def test_quantities_have_kinds():
    got = values("Officials put the toll of that attack at nine dead and 30 injured.")
    assert [(v.kind, v.value) for v in got] == [("deaths", 9.0), ("injured", 30.0)]
    assert [(v.kind, v.text) for v in values("Turnout in the vote was 61 percent.")] == [
        ("turnout", "61 percent")]
    assert values("The war began on 27 September 2020.") == []
    assert asked_kinds("How many people died in the quake?") == ["deaths"]


def test_copies_cluster_and_other_stories_do_not():
    docs = [Doc(r["doc_key"], r["body"], datetime.fromisoformat(r["published_at"]), r["title"])
            for r in ROWS]
    keys = cluster_docs(docs)
    # The wire copy under a new headline, and a rewrite by another outlet ("Dockers at
    # Rotterdam's port walked out …", few 5-word runs in common but the same sentences).
    copies = ("hg-strike-1", "dd-strike-copy", "cc-strike-rewrite")
    assert len({keys[k] for k in copies}) == 1
    others = {keys[r["doc_key"]] for r in ROWS if r["doc_key"] not in copies}
    assert len(others) == len(ROWS) - 3  # every other article is its own story
    assert keys["hg-strike-1"] not in others


def test_copies_months_apart_and_textless_pages_are_not_one_story():
    body = " ".join(f"word{i} common text" for i in range(60))
    form = "We will use the details you have shared to manage your registration " * 5
    keys = cluster_docs([
        Doc("a", body, datetime(2024, 1, 1, tzinfo=UTC), "Word story"),
        Doc("b", body, datetime(2024, 6, 1, tzinfo=UTC), "Word story"),
        Doc("c", form, datetime(2024, 1, 1, tzinfo=UTC), "Floods close the motorway"),
        Doc("d", form, datetime(2024, 1, 1, tzinfo=UTC), "Election results in full"),
    ])
    assert len(set(keys.values())) == 4
    assert not about_its_title("Floods close the motorway", form)


@pytest.fixture(scope="module")
def news_bot(tmp_path_factory, embedder):
    from bot import NewsBot

    path = tmp_path_factory.mktemp("news") / "store"
    bot = NewsBot(store=path, embedder=embedder)
    report = bot.ingest([DATA])
    assert report.added == len(ROWS)
    return bot


def body_of(bot, article_id):
    chunks = sorted((c for c in bot.components.store.iter_chunks()
                     if c.article_id == article_id), key=lambda c: c.start)
    body = ""
    for c in chunks:
        body = body[: c.start] + c.text if len(body) >= c.start else body + c.text
    return body


def check_quotes(bot, citations):
    for c in citations:
        assert body_of(bot, c.article_id)[c.start : c.end] == c.quote


def test_death_tolls_disagree(news_bot):
    a = news_bot.ask("How many people died in the Karvia earthquake?", now="2024-04-13")
    assert a.conflict
    shown = {v.value: v for v in a.conflict_values}
    assert set(shown) == {"42", "57"}
    assert shown["42"].attributed_to == "the health ministry"
    assert shown["57"].attributed_to == "Rescue groups"
    for v in a.conflict_values:
        cited = next(c for c in a.citations if c.n == v.citation)
        assert v.value in cited.quote
        assert f"[{v.citation}]" in a.answer and v.value in a.answer
    check_quotes(news_bot, a.citations)
    assert a.to_dict()["conflict"] is True


def test_disagreement_found_in_other_words(news_bot):
    # "quake" for "earthquake", "death toll" for "died"/"killed".
    a = news_bot.ask("What was the death toll of the Karvia quake?", now="2024-04-13")
    assert a.conflict and {v.value for v in a.conflict_values} == {"42", "57"}
    # The answer's citations are exactly the sentences holding the values.
    assert sorted(v.citation for v in a.conflict_values) == [c.n for c in a.citations]


def test_crowd_sizes_disagree(news_bot):
    a = news_bot.ask("How many people marched in Valmora?", now="2024-04-15")
    assert a.conflict
    shown = {v.value: v.attributed_to for v in a.conflict_values}
    assert shown == {"10,000": "the organisers", "3,000": "Police"}
    assert a.answer.startswith("Sources disagree on the size of the crowd: ")
    check_quotes(news_bot, a.citations)


def test_topic_words():
    from bot.topicwords import about, holds, tokens, topic_words

    assert topic_words("The Rotterdam port strike") == ["port", "rotterdam", "strike"]
    assert holds("quake", tokens("A strong earthquake struck"))
    assert holds("strike", tokens("Dockers went on strikes"))
    assert not holds("port", tokens("The report said"))
    words = topic_words("Rotterdam port strike")
    assert about(words, tokens("Strike at Rotterdam's port"))
    assert not about(words, tokens("A lightning strike set fire to a barn"))


def test_turnouts_disagree(news_bot):
    a = news_bot.ask("What was the turnout in the Norland election?", now="2024-04-13")
    assert a.conflict
    assert {v.value for v in a.conflict_values} == {"61 percent", "58 percent"}
    assert {v.attributed_to for v in a.conflict_values} == {
        "the electoral commission", "independent observers"}


def test_one_source_no_conflict(news_bot):
    a = news_bot.ask("How many people were evacuated when the Halvar dam burst?",
                     now="2024-04-16")
    assert not a.conflict and not a.abstained
    assert "300" in a.answer
    assert a.citations[0].attributed_to == "the fire service"
    assert a.answer.startswith("According to the fire service, ")


def test_copy_folded_into_one_citation(news_bot):
    a = news_bot.ask("Why did the Rotterdam dock workers walk out?", now="2024-04-13")
    assert not a.abstained
    first = a.citations[0]
    assert first.attributed_to == "the union"
    assert a.answer.startswith("According to the union, ")
    sources = [c.source for c in a.citations]
    # One story, one citation: the copy is named beside it, not cited again.
    story = {"Harbour Gazette", "Delta Daily", "Coastal Courant"}
    assert len(story & set(sources)) == 1
    cited = next(c for c in a.citations if c.source in story)
    assert {r.source for r in cited.also_reported_by} == story - {cited.source}
    d = a.to_dict()["citations"][0]
    assert {"source", "title", "url", "published_at"} <= set(d["also_reported_by"][0])
    check_quotes(news_bot, a.citations)


def test_two_days_for_one_event(news_bot):
    a = news_bot.ask("When did the Halvar dam burst?", now="2024-04-16")
    assert a.conflict
    assert {v.value for v in a.conflict_values} == {"Saturday 13 April 2024",
                                                     "Sunday 14 April 2024"}
    assert {v.attributed_to for v in a.conflict_values} == {"the regional governor",
                                                            "Residents"}
    check_quotes(news_bot, a.citations)


def test_told_reporters_is_attributed(news_bot):
    a = news_bot.ask("How long will clearing the backlog of ships at Rotterdam take?",
                     now="2024-04-13")
    assert not a.abstained and not a.conflict
    assert a.citations[0].attributed_to == "Terminal operators"
    assert "According to terminal operators" in a.answer


def test_search_is_diversified_by_story(news_bot):
    hits = news_bot.search("Rotterdam dock workers walked out over pay", k=3)
    articles = {h.chunk.article_id for h in hits}
    stories = {news_bot.components.stories.cluster_of(a) for a in articles}
    assert len(articles) == len(stories) == 3


def test_timeline_orders_by_the_day_it_happened(news_bot):
    t = news_bot.timeline("Rotterdam port strike", now="2024-04-13")
    days = [e.day.isoformat() for e in t.events]
    assert days == sorted(days)
    by_day = {e.day.isoformat(): e for e in t.events}
    # "on Monday" in Tuesday 9 April's paper; "on Wednesday"/"on Thursday" in Friday 12's.
    assert "threatened" in by_day["2024-04-02"].text  # an absolute date, "on 2 April"
    assert "walked out" in by_day["2024-04-08"].text
    assert "resumed" in by_day["2024-04-10"].text
    assert "ended" in by_day["2024-04-11"].text
    # The wire copy, and another outlet in its own words ("the strike, which began on
    # Monday"), report the same event: one line, every citation.
    assert {c.source for c in by_day["2024-04-08"].citations} == {
        "Harbour Gazette", "Delta Daily", "Coastal Courant", "Port News"}
    # "will divert vessels on Friday" in Wednesday's paper is a plan, not an event.
    assert "2024-04-12" not in by_day and "2024-04-05" not in by_day
    for e in t.events:
        check_quotes(news_bot, e.citations)
        assert all("lightning" not in c.quote.casefold() for c in e.citations)
    assert len({e.text for e in t.events}) == len(t.events)


def test_timeline_stops_at_now(news_bot):
    t = news_bot.timeline("Rotterdam port strike", now="2024-04-09")
    assert t.events and all(e.day.isoformat() <= "2024-04-09" for e in t.events)
    assert news_bot.timeline("Rotterdam port strike", now="2024-04-13",
                             since="2024-04-10").events[0].day.isoformat() == "2024-04-10"


def test_cli_json_shapes(news_bot):
    store = news_bot.settings.store
    res = runner.invoke(app, ["ask", "How many people died in the Karvia earthquake?",
                              "--store", str(store), "--now", "2024-04-13", "--json"])
    assert res.exit_code == 0, res.output
    a = json.loads(res.output)
    assert a["conflict"] is True and len(a["conflict_values"]) == 2
    assert all("attributed_to" in c and "also_reported_by" in c for c in a["citations"])
    res = runner.invoke(app, ["timeline", "Rotterdam port strike", "--store", str(store),
                              "--now", "2024-04-13", "--json"])
    assert res.exit_code == 0, res.output
    t = json.loads(res.output)
    assert t["topic"] == "Rotterdam port strike"
    assert [e["date"] for e in t["events"]][:2] == ["2024-04-02", "2024-04-08"]
    assert {"n", "quote", "start", "end", "source", "attributed_to"} <= set(
        t["events"][0]["citations"][0])
    res = runner.invoke(app, ["timeline", "Rotterdam port strike", "--store", str(store),
                              "--now", "2024-04-13"])
    assert res.exit_code == 0 and "Delta Daily" in res.output and "Mon 08 Apr 2024" in res.output


async def test_discord_timeline_and_sources(make_discord, news_bot):
    from tests.discord_harness import interaction_payload, invoke, option

    client, rec = await make_discord(news_bot)
    await invoke(client, interaction_payload("timeline",
                                             [option("topic", "Rotterdam port strike")]))
    embeds = [e for body in rec.sent_bodies() for e in body.get("embeds") or []]
    assert embeds[0]["title"] == "Timeline: Rotterdam port strike"
    fields = [f for e in embeds for f in e.get("fields") or []]
    assert fields[0]["name"].startswith("Tue 02 Apr 2024")
    assert fields[1]["name"].startswith("Mon 08 Apr 2024")
    assert "Harbour Gazette" in fields[1]["name"] and "Delta Daily" in fields[1]["name"]
    assert "walked out" in fields[1]["value"]
    assert all("lightning" not in f["value"].casefold() for f in fields)
    for body in rec.sent_bodies():
        assert body["allowed_mentions"]["parse"] == []

    await invoke(client, interaction_payload(
        "ask", [option("question", "How many people died in the Karvia earthquake?")]))
    embed = rec.calls[-1].json["embeds"][0]
    assert embed["description"].startswith("Sources disagree on the death toll")
    values = " ".join(f["value"] for f in embed["fields"])
    assert "said by the health ministry" in values and "said by Rescue groups" in values


def test_story_sidecar_is_reused_and_follows_the_store(tmp_path, embedder, monkeypatch):
    import ingest.stories
    from bot import NewsBot

    bot = NewsBot(store=tmp_path / "store", embedder=embedder)
    bot.ingest([DATA])
    saved = list((tmp_path / "store" / "stories").rglob("stories.json"))
    assert len(saved) == 1
    first = bot.components.stories
    assert first is not None and len(first.clusters()) == 1
    # A new process reads the saved clusters (no rebuild from the chunk texts).
    def no_rebuild(chunks):
        raise AssertionError("rebuilt instead of reading stories.json")

    with monkeypatch.context() as m:
        m.setattr(ingest.stories, "article_texts", no_rebuild)
        again = NewsBot(store=tmp_path / "store", embedder=embedder).components.stories
        assert again is not None
        (story,) = again.clusters()
    assert story == first.clusters()[0] and len(story) == 3
    # Deleting a copy changes the store: the clusters follow it.
    bot.delete(story[0])
    assert [len(s) for s in first.clusters()] == [2]


def test_llm_answers_get_the_same_step(news_bot, fake_llm):
    """The post-answer step is the same for a generated answer: the cited source's speaker
    leads it, and a copy the model also cited folds into one citation."""
    import re

    from bot.answering.llm import LLMAnswerer
    from tests.fake_openai import Reply, user_prompt
    from tests.test_llm_answerer import source_numbers

    def model(body) -> Reply:
        cited = [n for n, src in source_numbers(user_prompt(body)).items()
                 if "walked out on Monday" in src]
        marks = "".join(f"[{n}]" for n in cited)
        return Reply(f"Dock workers walked out on Monday 8 April 2024 over pay {marks}.")

    fake_llm.script(model)
    llm = LLMAnswerer(news_bot.components.extractive, "test-model",
                      base_url=fake_llm.base_url, timeout=3.0, max_retries=0)
    a = news_bot.ask("Why did the Rotterdam dock workers walk out?", "2024-04-13", answerer=llm)
    assert a.answerer == "llm" and not a.abstained
    assert a.answer.startswith("According to the union, dock workers walked out")
    cited = [int(n) for n in re.findall(r"\[(\d+)\]", a.answer)]
    assert cited and all(any(c.n == n for c in a.citations) for n in cited)
    union = [c for c in a.citations if c.attributed_to == "the union"]
    assert union
    # Harbour Gazette, Delta Daily and Coastal Courant carry one story: one citation.
    sources = [c.source for c in a.citations]
    assert len({"Harbour Gazette", "Delta Daily", "Coastal Courant"} & set(sources)) <= 1
    check_quotes(news_bot, a.citations)


def test_templated_reports_with_other_figures_are_not_copies():
    from ingest.stories import Doc, cluster_docs, same_figures

    def report(i: int) -> str:
        return (f"The council of district {i} voted on the new budget on Tuesday. "
                f"Item {i} passed with {i + 20} votes after a long debate about road "
                "repairs, the mayor's office said in a statement after the meeting. ") * 3

    assert not same_figures(report(3), report(7))
    assert same_figures(report(3), report(3) + " Turnout was high.")
    keys = cluster_docs([Doc(f"a{i}", report(i), None, f"Council vote {i}") for i in range(4)])
    assert len(set(keys.values())) == 4


def test_a_that_inside_the_reported_clause_is_not_the_verbs_that():
    from bot.attribution import with_attribution

    # "…would support any initiative that brings…": cutting at that "that" left
    # "According to Iran, brings a lasting halt to the fighting."
    sentence = ("Iran said it would support any initiative that brings a lasting halt to the "
                "fighting.")
    assert with_attribution(sentence) == sentence
    assert with_attribution("Police told reporters on Monday that three men were held.") == \
        "According to police, three men were held."


@pytest.mark.parametrize("short,speaker,prefixed", [
    # The answer is a figure the speaker gave: say who gave it.
    ("3 million euros", "port authority chief executive Martin Hale", True),
    # The answer is the speaker: "According to Teresa Vaughan, Teresa Vaughan" says nothing.
    ("Teresa Vaughan", "Labour minister Teresa Vaughan", False),
])
def test_a_short_answer_names_its_source_unless_it_is_the_source(short, speaker, prefixed):
    from bot.answer import Answer, Citation
    from bot.newsnative import attribute_answer

    quote = f"{speaker} said the stoppage was costing an estimated 3 million euros a day."
    cite = Citation(n=1, article_id="a", title="t", source="s", url="", published_at=None,
                    quote=quote, start=0, end=len(quote), attributed_to=speaker)
    answer = Answer("q?", f"{short} — “{quote}” [1]", abstained=False, citations=[cite],
                    short_answer=short)
    attribute_answer(answer)
    assert answer.answer.startswith("According to") is prefixed
    assert answer.answer.endswith(f"{short} — “{quote}” [1]")


def test_one_articles_figures_of_several_things_are_no_disagreement():
    from bot.answer import Answer
    from bot.newsnative import find_conflict
    from retrieval.types import Chunk, Hit

    def hit(aid: str, text: str) -> Hit:
        return Hit(Chunk(article_id=aid, index=0, text=text, start=0, end=len(text),
                         title="Rovers", source="Sport"), 1.0)

    question = "How many games did Kingsport Rovers win this season?"
    one = hit("a", "Kingsport Rovers won 9 games this season. Kingsport Rovers lost 14 games "
                   "this season.")
    answer = Answer(question, "9", abstained=False)
    find_conflict(question, answer, [one], lambda aid: aid)
    assert not answer.conflict and answer.answer == "9"
    # Two articles giving two figures for it do disagree.
    other = hit("b", "Kingsport Rovers won 11 games this season, the club said.")
    find_conflict(question, answer, [one, other], lambda aid: aid)
    assert answer.conflict and {v.value for v in answer.conflict_values} >= {"9", "11"}


def test_an_answer_that_names_its_source_is_not_prefixed_again():
    from bot.answer import Answer, Citation
    from bot.newsnative import attribute_answer

    quote = ("Grace Whitlow, the interim chief executive, said the faulty filling line had "
             "been shut down.")
    cite = Citation(n=1, article_id="a", title="t", source="s", url="", published_at=None,
                    quote=quote, start=0, end=len(quote), attributed_to="Grace Whitlow")
    text = "Grace Whitlow said the faulty filling line had been shut down [1]."
    answer = Answer("What did Grace Whitlow say?", text, abstained=False, citations=[cite])
    attribute_answer(answer)
    assert answer.answer == text
    other = Answer("What was shut down?", "The faulty filling line was shut down [1].",
                   abstained=False, citations=[cite])
    attribute_answer(other, {"the"})
    assert other.answer == "According to Grace Whitlow, the faulty filling line was shut down [1]."


def test_a_quote_of_several_sentences_is_not_given_its_last_ones_speaker():
    """The trailing "said Lorraine Ruddock" is the last sentence's; put before the whole
    quote it would give her the company's statement in the first."""
    from bot.answer import Answer, Citation
    from bot.newsnative import attribute_answer

    quote = ("Westmarch Travel said he had left by mutual agreement and declined to comment "
             "further. \"It isn't everything we asked for,\" said Lorraine Ruddock, the union's "
             "branch secretary.")
    cite = Citation(n=1, article_id="a", title="t", source="s", url="", published_at=None,
                    quote=quote, start=0, end=len(quote), attributed_to="Lorraine Ruddock")
    answer = Answer("What did the union say?", f"{quote} [1]", abstained=False,
                    citations=[cite])
    attribute_answer(answer)
    assert answer.answer == f"{quote} [1]"


def test_a_told_audience_longer_than_the_clause_finder_reads_is_kept_as_written():
    from bot.attribution import with_attribution

    # "told fellow trustees at an emergency meeting on Monday that …": the audience and its
    # time run past the words the "that" finder reads; cutting after "told fellow" left
    # "According to Oliver Strand, trustees at an emergency meeting on Monday that he had…".
    sentence = ("Oliver Strand told fellow trustees at an emergency meeting on Monday that he "
                "had lost their confidence and would leave the board.")
    assert with_attribution(sentence) == sentence
    # A clause with no "that" after the audience is still said the news way.
    assert with_attribution("Police told reporters three men were held.") == (
        "According to police, three men were held.")


def test_a_counted_noun_counts_only_the_number_it_follows():
    from bot.conflicts import asked_count, values

    counted = asked_count("How many radiographers walked out at Ridgemoor General?")
    assert counted is not None
    table = dict([counted])
    both = ("The union said 118 radiographers had joined the strike, while the trust said only "
            "71 of its radiographers were absent.")
    assert [v.text for v in values(both, table, adjacent=True)] == ["118", "71"]
    # Shown with the noun it counts, where the noun follows it.
    assert [v.shown for v in values(both, table, adjacent=True)] == ["118 radiographers", "71"]
    # A quote mark after the noun leaves it a noun: 999 calls are no hours.
    hours = dict([asked_count("How many hours did crews lose outside hospitals?") or ("", ())])
    assert values("\"Every hour a crew spends waiting is an hour they can't spend answering 999 "
                  "calls,\" she said.", hours, adjacent=True) == []
    # Scans counted before the noun, and years after it, are not radiographers.
    assert values("The hospital cancelled 240 outpatient scans after radiographers began a "
                  "strike.", table, adjacent=True) == []
    assert values("Eirlys Bellerby, a radiographer for 22 years, said staff were exhausted.",
                  table, adjacent=True) == []
    # A number that leaves what it counts to the words near it is read by them, as before.
    homes = dict([("number of homes", ("home", "homes"))])
    assert [v.text for v in values("The action group says its own survey found 297, because "
                                   "the agency counted only homes.", homes,
                                   adjacent=True)] == ["297"]
