"""Scores the four news-native features on tests/data/news_native (offline, ~20 s).

    python -m benchmarks.news_native.score

Timeline: share of expected events on the right day; folding: the wire copy is one story;
attribution: expected speakers found; conflicts: both values shown.
"""

from __future__ import annotations

import json
import tempfile
from pathlib import Path

from bot import NewsBot

DATA = Path(__file__).resolve().parents[2] / "tests" / "data" / "news_native" / "articles.jsonl"
# (topic, now) → {day: a phrase the event's text holds}
TIMELINE = {("Rotterdam port strike", "2024-04-13"): {
    "2024-04-08": "walked out", "2024-04-09": "ships were waiting",
    "2024-04-10": "resumed", "2024-04-11": "ended"}}
ATTRIBUTION = {"Why did the Rotterdam dock workers walk out?": "the union",
               "How many ships were waiting at Rotterdam?": "the port authority"}
CONFLICTS = {"How many people died in the Karvia earthquake?": {"42", "57"},
             "What was the turnout in the Norland election?": {"61 percent", "58 percent"}}


def main() -> None:
    bot = NewsBot(store=Path(tempfile.mkdtemp()) / "store")
    bot.ingest([DATA])
    right = total = 0
    for (topic, now), want in TIMELINE.items():
        events = {e.day.isoformat(): e.text for e in bot.timeline(topic, now).events}
        for day, phrase in want.items():
            total += 1
            right += phrase in events.get(day, "")
    attributed = sum(bot.ask(q, "2024-04-13").citations[0].attributed_to == who
                     for q, who in ATTRIBUTION.items())
    conflicts = sum({v.value for v in bot.ask(q, "2024-04-13").conflict_values} == vals
                    for q, vals in CONFLICTS.items())
    stories = bot.components.stories
    assert stories is not None
    folded = len(stories.clusters())
    print(json.dumps({"timeline_days_right": f"{right}/{total}",
                      "attributions_right": f"{attributed}/{len(ATTRIBUTION)}",
                      "conflicts_both_values": f"{conflicts}/{len(CONFLICTS)}",
                      "copy_clusters_found": f"{folded}/1"}))


if __name__ == "__main__":
    main()
