from datetime import UTC, date, datetime, timedelta, timezone

from hypothesis import example, given, settings
from hypothesis import strategies as st

from bot.temporal import WEEKDAYS, annotate, resolve_dates
from ingest.dates import parse_date

PUB = datetime(2020, 10, 14, 22, 5, tzinfo=UTC)  # a Wednesday


def days(text, pub=PUB):
    return [(r.phrase, r.day) for r in resolve_dates(text, pub)]


def test_weekday_resolves_to_most_recent_including_publish_day():
    assert days("The truce fell apart on Monday.") == [("on Monday", date(2020, 10, 12))]
    assert days("said in a statement on Wednesday") == [("on Wednesday", date(2020, 10, 14))]
    assert days("agreed on Saturday") == [("on Saturday", date(2020, 10, 10))]


def test_a_recurring_weekday_is_no_day():
    # "a weekly market every Thursday" dates nothing; a Thursday of the story's week does.
    assert days("It still hosts a weekly market every Thursday.") == []
    assert days("Bins are emptied each Monday.") == []
    assert days("It reopened on Monday.") == [("on Monday", date(2020, 10, 12))]


def test_last_and_next_weekday():
    assert days("last Wednesday")[0][1] == date(2020, 10, 7)
    assert days("next Monday")[0][1] == date(2020, 10, 19)


def test_relative_words_and_absolute_dates():
    assert days("yesterday")[0][1] == date(2020, 10, 13)
    assert days("broke out on Sept. 27")[0][1] == date(2020, 9, 27)
    # A month-day after the publish date means last year's.
    assert days("since 3 December")[0][1] == date(2019, 12, 3)
    assert days("on 5 March 2019")[0][1] == date(2019, 3, 5)


def test_without_publish_date_only_full_dates_resolve():
    assert days("on Monday, and on 5 March 2019", None) == [("5 March 2019", date(2019, 3, 5))]


def test_annotate_marks_relative_dates_only():
    assert annotate("fell apart on Monday after 5 March 2019", PUB) == (
        "fell apart on Monday [= 2020-10-12] after 5 March 2019"
    )


@given(st.dates(min_value=date(1990, 1, 1), max_value=date(2040, 12, 31)),
       st.sampled_from(WEEKDAYS))
def test_weekday_is_within_the_week_before_publication(pub, day):
    (r,) = resolve_dates(f"It happened on {day.capitalize()}.", pub)
    assert r.day.weekday() == WEEKDAYS.index(day)
    assert 0 <= (pub - r.day).days <= 6


def test_parse_date_shapes():
    assert parse_date("14 October 2020 - 22:05") == datetime(2020, 10, 14, 22, 5, tzinfo=UTC)
    assert parse_date("2022-06-17") == datetime(2022, 6, 17, tzinfo=UTC)
    assert parse_date("Mon, 12 Oct 2020 10:00:00 GMT") == datetime(2020, 10, 12, 10, tzinfo=UTC)
    assert parse_date(1602713100) == datetime(2020, 10, 14, 22, 5, tzinfo=UTC)
    assert parse_date("not a date at all") is None
    assert parse_date("20201014") == datetime(2020, 10, 14, tzinfo=UTC)
    assert parse_date(20201014220500) == datetime(2020, 10, 14, 22, 5, tzinfo=UTC)
    assert parse_date("1602713100000") == datetime(2020, 10, 14, 22, 5, tzinfo=UTC)
    assert parse_date("2020") is None  # a year alone: no day to resolve "Monday" against
    assert parse_date("05.10.2020") == datetime(2020, 10, 5, tzinfo=UTC)  # day first
    assert parse_date(0) is None  # the "no date" of many exports, not 1 January 1970
    assert parse_date("") is None


# Publish times anywhere in the world: relative days count from the local calendar day the
# article carries, whatever its offset from UTC.
_ZONES = st.sampled_from([UTC, timezone(timedelta(hours=-10)), timezone(timedelta(hours=-4)),
                          timezone(timedelta(hours=5, minutes=30)), timezone(timedelta(hours=14))])
_PUBLISHED = st.builds(
    lambda naive, tz: naive.replace(tzinfo=tz),
    st.datetimes(min_value=datetime(1971, 1, 1), max_value=datetime(2099, 12, 31)), _ZONES)
_AROUND = st.text(alphabet=st.sampled_from(list("abc xyz,;\n")), max_size=30)


def _only(text: str, pub: datetime, phrase: str):
    found = [r for r in resolve_dates(text, pub) if r.relative]
    assert len(found) == 1, found
    r = found[0]
    assert text[r.start : r.end] == r.phrase and r.phrase.lower() == phrase.lower()
    return r.day


@settings(max_examples=60, deadline=None)
@given(_PUBLISHED, st.sampled_from(WEEKDAYS), _AROUND, _AROUND, st.booleans())
def test_on_weekday_is_within_the_seven_days_up_to_publication(pub, day, before, after, cap):
    name = day.capitalize() if cap else day.upper()
    phrase = f"on {name}"
    resolved = _only(f"{before} {phrase} {after}", pub, phrase)
    assert resolved.weekday() == WEEKDAYS.index(day)
    assert 0 <= (pub.date() - resolved).days <= 6


@settings(max_examples=60, deadline=None)
@given(_PUBLISHED, st.sampled_from(WEEKDAYS))
def test_last_and_next_weekday_never_mean_the_publish_day(pub, day):
    last = _only(f"It ended last {day.capitalize()}.", pub, f"last {day}")
    nxt = _only(f"It starts next {day.capitalize()}.", pub, f"next {day}")
    for d in (last, nxt):
        assert d.weekday() == WEEKDAYS.index(day)
    assert 1 <= (pub.date() - last).days <= 7
    assert 1 <= (nxt - pub.date()).days <= 7


@settings(max_examples=60, deadline=None)
@given(_PUBLISHED, st.integers(min_value=2, max_value=7))
def test_yesterday_today_tomorrow_last_week_and_days_ago(pub, n):
    day = pub.date()
    assert _only("He said so yesterday.", pub, "yesterday") == day - timedelta(days=1)
    assert _only("Talks resume tomorrow.", pub, "tomorrow") == day + timedelta(days=1)
    assert _only("The vote is today.", pub, "today") == day
    assert _only(f"It began {n} days ago.", pub, f"{n} days ago") == day - timedelta(days=n)
    # "last week": a day of the calendar week before the publish date's week.
    monday = day - timedelta(days=day.weekday())
    last_week = _only("Prices rose last week.", pub, "last week")
    assert monday - timedelta(days=7) <= last_week < monday


@settings(max_examples=60, deadline=None)
@given(st.datetimes(min_value=datetime(1971, 1, 1), max_value=datetime(2099, 12, 31),
                    timezones=_ZONES))
# Found by hypothesis: its milliseconds, 201010020000, read as a compact 2010-10-02 00:00.
@example(datetime(1976, 5, 15, 2, 7, tzinfo=timezone(timedelta(hours=-10))))
def test_parse_date_round_trips_iso_epoch_and_day_first_dots(dt):
    dt = dt.replace(microsecond=0)
    assert parse_date(dt.isoformat()) == dt
    assert parse_date(int(dt.timestamp())) == dt
    if dt.year >= 1974:  # earlier milliseconds are read as seconds (a 1e11 threshold)
        assert parse_date(int(dt.timestamp()) * 1000) == dt
    assert parse_date(f"{dt:%d.%m.%Y}") == datetime(dt.year, dt.month, dt.day, tzinfo=UTC)


@settings(max_examples=25, deadline=None)
@given(st.text(max_size=60))
def test_parse_date_never_raises_and_words_alone_are_no_date(text):
    parsed = parse_date(text)
    assert parsed is None or parsed.tzinfo is not None
    if not any(ch.isdigit() for ch in text):
        assert parsed is None  # "now", "today", "soon": never today's date


def test_a_weekday_the_copy_looks_ahead_to_is_the_coming_one():
    pub = date(2025, 4, 10)  # a Thursday
    days = {r.phrase: r.day for r in resolve_dates(
        "A free clinic will open in the school hall on Monday and is due to close on Friday.",
        pub)}
    assert days == {"on Monday": date(2025, 4, 14), "on Friday": date(2025, 4, 11)}
    # The day something was said stays in the past, whatever tense the report is in.
    [said] = resolve_dates("The union said on Monday that it will strike.", pub)
    assert said.day == date(2025, 4, 7)
    [past] = resolve_dates("The talks collapsed on Monday.", pub)
    assert past.day == date(2025, 4, 7)


def test_this_weekday_is_the_coming_one():
    """"this Saturday" in Thursday's paper is two days on, in any tense the copy uses;
    "this Thursday" is the day itself."""
    pub = date(2024, 2, 15)  # a Thursday
    [ahead] = resolve_dates("Police are holding a free marking event this Saturday.", pub)
    assert ahead.day == date(2024, 2, 17)
    [today] = resolve_dates("The council meets this Thursday.", pub)
    assert today.day == pub
    [past] = resolve_dates("Thieves struck on Saturday.", pub)
    assert past.day == date(2024, 2, 10)


def test_said_on_marks_the_day_of_the_saying():
    from bot.temporal import said_on

    text = "The fire was started by a power line, investigators said on Wednesday."
    assert said_on(text, text.index("on Wednesday"))
    text = "The fire started on Saturday afternoon."
    assert not said_on(text, text.index("on Saturday"))


def test_a_yearless_date_ahead_is_the_next_one():
    pub = date(2025, 9, 18)
    assert days("The board's next rate decision is due on 30 October.", pub) == [
        ("30 October", date(2025, 10, 30))]
    assert days("The museum will reopen on 2 March.", pub) == [("2 March", date(2026, 3, 2))]
    # Reported speech tells the future with "would".
    assert days("She said the runway would reopen on 9 June.", date(2025, 5, 23)) == [
        ("9 June", date(2025, 6, 9))]
    # Told in the past tense, it is the last one before the story.
    assert days("Shares fell on 30 October.", pub) == [("30 October", date(2024, 10, 30))]


def test_a_past_verb_after_the_future_word_dates_what_has_happened():
    pub = date(2025, 1, 22)  # a Wednesday
    found = {r.phrase: r.day for r in resolve_dates(
        "The school will stay closed until at least Monday after part of the roof over its "
        "main hall collapsed in the early hours of Tuesday.", pub)}
    assert found["Monday"] == date(2025, 1, 27)  # "will stay closed": ahead
    assert date(2025, 1, 21) in found.values()  # "collapsed … of Tuesday": behind
    # A participle after "be" or "stay" is no past verb.
    [ahead] = resolve_dates("The road will be closed on Friday.", pub)
    assert ahead.day == date(2025, 1, 24)


def test_a_yearless_date_someone_means_to_act_on_is_the_coming_one():
    pub = date(2025, 3, 6)
    assert days("Cabinet members voted six to two on Wednesday evening to close the "
                "glasshouse on 30 April.", pub)[-1] == ("30 April", date(2025, 4, 30))
    # Near enough to be the past one, the past one it stays.
    assert days("She went to see the doctor on 3 March.", pub) == [
        ("3 March", date(2025, 3, 3))]
    # Told in the past tense, it is the last one before the story.
    assert days("Shares fell on 30 October.", date(2025, 9, 18)) == [
        ("30 October", date(2024, 10, 30))]


def test_a_weekday_written_with_its_date_is_that_date():
    # "on Saturday 5 December" is one day; the weekday is not a day of the story's week,
    # and it says which year the date is in (5 December 2020 is a Saturday).
    assert days("The fair will be held on Saturday 5 December in the hall.") == [
        ("5 December", date(2020, 12, 5))]
    assert days("It opens on Monday, 19 October.") == [("19 October", date(2020, 10, 19))]
    assert days("It closed on Saturday 14 December.") == [("14 December", date(2019, 12, 14))]
    # Apart, each is its own day.
    assert days("He left on Friday and will return on 19 October.") == [
        ("on Friday", date(2020, 10, 9)), ("19 October", date(2020, 10, 19))]
