"""Time phrases in questions, resolved against a fixed "now".

Half-life constants are tuned on the benchmark, so these tests assert what a window holds and
how half-lives relate, never their values.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from retrieval.timewindow import TimeIntent, parse_when, recency_weight, resolve_time

# A Thursday, mid-morning.
NOW = datetime(2024, 3, 14, 10, 30, tzinfo=UTC)


def at(y: int, m: int, d: int, h: int = 12) -> datetime:
    return datetime(y, m, d, h, tzinfo=UTC)


def holds(intent: TimeIntent, when: datetime) -> bool:
    """Would an article published at ``when`` pass the intent's window?"""
    return ((intent.since is None or when >= intent.since)
            and (intent.until is None or when < intent.until))


def test_this_week_holds_the_week_and_not_last_month_or_tomorrow():
    intent = resolve_time("What did the council decide this week?", NOW)
    assert intent.phrase == "this week"
    assert all(holds(intent, at(2024, 3, d)) for d in (8, 11, 12, 13))
    assert holds(intent, NOW.replace(hour=23))  # later today is still "this week"
    assert not holds(intent, at(2024, 2, 14))
    assert not holds(intent, at(2024, 3, 15))
    assert intent.half_life_days


def test_yesterday_and_today():
    yesterday = resolve_time("Who resigned yesterday?", NOW)
    assert holds(yesterday, at(2024, 3, 13)) and holds(yesterday, NOW)
    assert not holds(yesterday, at(2024, 3, 9))

    today = resolve_time("What happened today in Baku?", NOW)
    assert holds(today, NOW.replace(hour=7))
    assert not holds(today, at(2024, 3, 10))
    # "today" is the narrower question of the two.
    assert today.since is not None and yesterday.since is not None
    assert today.since >= yesterday.since


def test_on_weekday_is_the_most_recent_one():
    intent = resolve_time("Why did the talks stall on Tuesday?", NOW)  # NOW is a Thursday
    assert intent.phrase == "on Tuesday"
    assert holds(intent, at(2024, 3, 12))
    # Coverage of Tuesday's events published on Wednesday still counts.
    assert holds(intent, at(2024, 3, 13))
    assert not holds(intent, at(2024, 3, 5))  # the Tuesday before


def test_on_weekday_asked_on_that_weekday_means_today():
    tuesday = datetime(2024, 3, 12, 18, 0, tzinfo=UTC)
    intent = resolve_time("What did the minister say on Tuesday?", tuesday)
    assert holds(intent, tuesday.replace(hour=9))
    assert not holds(intent, at(2024, 3, 5))


def test_in_month_asked_before_it_means_last_year():
    intent = resolve_time("What did the court rule in June?", NOW)  # asked in March 2024
    assert holds(intent, at(2023, 6, 1, 0)) and holds(intent, at(2023, 6, 30))
    assert not holds(intent, at(2024, 6, 15))
    assert not holds(intent, at(2023, 5, 20))
    assert not holds(intent, at(2022, 6, 15))


def test_a_month_is_reported_on_through_the_next():
    # "How many patients waited over 12 hours in January?": the month's figures came out
    # on 20 February.
    intent = resolve_time("How many waited more than 12 hours in January?", at(2025, 2, 21))
    assert holds(intent, at(2025, 2, 20)) and holds(intent, at(2025, 1, 10))
    assert not holds(intent, at(2024, 12, 20))


def test_in_month_asked_after_it_means_this_year():
    intent = resolve_time("What did the court rule in June?", at(2024, 8, 20))
    assert holds(intent, at(2024, 6, 15))
    assert not holds(intent, at(2023, 6, 15))


@pytest.mark.parametrize("now", [NOW, None], ids=["with-now", "no-now"])
def test_month_with_year_and_bare_year(now):
    june = resolve_time("Who won the election in June 2021?", now)
    assert holds(june, at(2021, 6, 1, 0)) and holds(june, at(2021, 6, 30))
    assert not holds(june, at(2021, 5, 31)) and not holds(june, at(2021, 8, 15))

    year = resolve_time("How many floods were there in 2019?", now)
    assert holds(year, at(2019, 1, 1, 0)) and holds(year, at(2019, 12, 31))
    assert not holds(year, at(2018, 12, 31)) and not holds(year, at(2020, 6, 1))


@pytest.mark.parametrize("question", ["What is the latest on the strike?",
                                      "Has the strike ended recently?"])
def test_latest_and_recently_prefer_new_articles_without_a_window(question):
    recent = resolve_time(question, NOW)
    plain = resolve_time("How did the strike end?", NOW)
    assert recent.since is None and holds(recent, at(2019, 1, 1))
    assert recent.half_life_days is not None and plain.half_life_days is not None
    assert recent.half_life_days < plain.half_life_days


def test_no_phrase_keeps_everything_up_to_now_with_a_recency_prior():
    intent = resolve_time("How did the strike end?", NOW)
    assert intent.since is None and intent.phrase is None
    assert holds(intent, at(2001, 9, 11)) and holds(intent, NOW)
    assert not holds(intent, NOW + timedelta(days=3))
    assert intent.half_life_days


@pytest.mark.parametrize("question", ["What happened this week?", "Who resigned yesterday?",
                                      "What did she say on Tuesday?",
                                      "What did the court rule in June?",
                                      "What is the latest on the strike?",
                                      "How did the strike end?"])
def test_without_now_relative_phrases_resolve_to_nothing(question):
    assert resolve_time(question, None) == TimeIntent()


def test_recency_weight():
    half = 10.0
    assert recency_weight(NOW, NOW, half) == pytest.approx(1.0)
    assert recency_weight(NOW - timedelta(days=half), NOW, half) == pytest.approx(0.5)
    weights = [recency_weight(NOW - timedelta(days=d), NOW, half) for d in (0, 3, 10, 20)]
    assert weights == sorted(weights, reverse=True) and len(set(weights)) == len(weights)
    # Old articles are floored, not zeroed: they must stay findable.
    floor = recency_weight(NOW - timedelta(days=10_000), NOW, half)
    assert 0 < floor < 0.5
    assert recency_weight(NOW - timedelta(days=100_000), NOW, half) == floor
    # A publish time after "now" (clock skew) counts as today, not as a bonus.
    assert recency_weight(NOW + timedelta(days=2), NOW, half) == pytest.approx(1.0)
    assert 0 < recency_weight(None, NOW, half) < 1


def test_parse_when():
    assert parse_when("2024-05-01") == datetime(2024, 5, 1, tzinfo=UTC)
    three_weeks = parse_when("3 weeks ago", NOW)
    assert three_weeks is not None and three_weeks.tzinfo is not None
    assert three_weeks.date() == (NOW - timedelta(weeks=3)).date()
    monday = parse_when("last Monday", NOW)
    assert monday is not None and monday.date() == at(2024, 3, 11).date()
    assert parse_when("not a date at all", NOW) is None


def test_a_year_after_now_is_the_future_so_no_window_and_nothing_after_now():
    # "to be featured on a stamp in 2023", asked in 2024's March about 2025: what the archive
    # knows of it was published before now.
    future = resolve_time("Who will be featured on a new stamp in 2025?", NOW)
    plain = resolve_time("Who will be featured on a new stamp?", NOW)
    assert future == plain
    assert holds(future, at(2024, 3, 1)) and not holds(future, at(2025, 2, 1))


def test_no_window_reaches_past_now():
    this_year = resolve_time("How many floods were there in 2024?", NOW)
    assert holds(this_year, at(2024, 3, 1))
    assert not holds(this_year, at(2024, 3, 15))  # tomorrow is not yet in the archive


@pytest.mark.parametrize("question", ["Who won the jackpot Tuesday?",
                                      "Who won artist of the year at Tuesday's awards?",
                                      "What did the minister say last Tuesday?"])
def test_a_bare_weekday_is_the_most_recent_one_too(question):
    intent = resolve_time(question, NOW)  # NOW is a Thursday
    assert holds(intent, at(2024, 3, 12)) and not holds(intent, at(2024, 3, 5))


@pytest.mark.parametrize("question", ["How much did shoppers spend on Black Friday?",
                                      "Who won Super Tuesday?",
                                      "What did the Sunday Times report?"])
def test_named_days_and_titles_are_not_dates(question):
    intent = resolve_time(question, NOW)
    assert intent.since is None  # no weekday window: the default recency prior
