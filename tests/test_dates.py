from datetime import UTC, date, datetime

from hypothesis import given
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
    assert parse_date("") is None
