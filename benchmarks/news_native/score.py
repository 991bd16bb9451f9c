"""Scores the four news-native features on tests/data/news_native (offline, ~20 s).

    python -m benchmarks.news_native.score

Timeline: share of expected events on the right day; attribution: speakers found (in
single answers and beside each disputed value); conflicts: every value shown; folding: the
wire copy is one story.
"""

from __future__ import annotations

import json
import tempfile
from pathlib import Path

from bot import NewsBot

DATA = Path(__file__).resolve().parents[2] / "tests" / "data" / "news_native" / "articles.jsonl"
# (topic, now) → {day: a phrase the event's text holds}
TIMELINE = {
    ("Rotterdam port strike", "2024-04-13"): {
        "2024-04-02": "threatened", "2024-04-08": "walked out", "2024-04-09": "Forty ships",
        "2024-04-10": "resumed", "2024-04-11": "ended"},
    ("Karvia earthquake", "2024-04-16"): {"2024-04-09": "struck", "2024-04-10": "searching"},
    ("Norland election", "2024-04-16"): {"2024-04-07": "polls"},
    ("Halvar dam", "2024-04-16"): {"2024-04-13": "Saturday night", "2024-04-14": "Sunday"},
    ("Valmora school closures march", "2024-04-20"): {"2024-04-13": "marched"},
}
# question → who the first citation's quote attributes its claim to
ATTRIBUTION = {
    "Why did the Rotterdam dock workers walk out?": "the union",
    "How many people were evacuated when the Halvar dam burst?": "the fire service",
    "How long will clearing the backlog of ships at Rotterdam take?": "Terminal operators",
}
# question → {value shown: who gives it}
CONFLICTS = {
    "How many people died in the Karvia earthquake?": {
        "42": "the health ministry", "57": "Rescue groups"},
    "What was the turnout in the Norland election?": {
        "61 percent": "the electoral commission", "58 percent": "independent observers"},
    "When did the Halvar dam burst?": {
        "Saturday 13 April 2024": "the regional governor", "Sunday 14 April 2024": "Residents"},
    "How many people marched in Valmora?": {"10,000": "the organisers", "3,000": "Police"},
}
NOW = "2024-04-20"


def main() -> None:
    bot = NewsBot(store=Path(tempfile.mkdtemp()) / "store")
    bot.ingest([DATA])
    right = total = 0
    for (topic, now), want in TIMELINE.items():
        events = [(e.day.isoformat(), e.text) for e in bot.timeline(topic, now).events]
        for day, phrase in want.items():
            total += 1
            right += any(d == day and phrase in text for d, text in events)
    attributed = sum(bot.ask(q, NOW).citations[0].attributed_to == who
                     for q, who in ATTRIBUTION.items())
    speakers = len(ATTRIBUTION)
    shown = 0
    for q, values in CONFLICTS.items():
        a = bot.ask(q, NOW)
        got = {v.value: v.attributed_to for v in a.conflict_values}
        shown += a.conflict and set(got) == set(values)
        attributed += sum(got.get(v) == who for v, who in values.items())
        speakers += len(values)
    stories = bot.components.stories
    assert stories is not None
    print(json.dumps({"timeline_days_right": f"{right}/{total}",
                      "attributions_right": f"{attributed}/{speakers}",
                      "conflicts_all_values_shown": f"{shown}/{len(CONFLICTS)}",
                      "copy_clusters_found": f"{len(stories.clusters())}/1"}))


if __name__ == "__main__":
    main()
