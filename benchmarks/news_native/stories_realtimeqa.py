"""Story clusters in a RealTime QA-format corpus (read only; nothing is embedded or stored).

    python -m benchmarks.news_native.stories_realtimeqa ../shared/eval/realtimeqa/corpus.jsonl.gz
        [--sample 50 --seed 7]   # also print a random sample of detected pairs to label

Prints the number of articles, of story clusters (every article is in one; a copy-free
article is a cluster of one), of multi-article clusters, and the time taken.
"""

from __future__ import annotations

import argparse
import gzip
import itertools
import json
import random
import time
from datetime import UTC, datetime
from pathlib import Path

from ingest.stories import Doc, cluster_docs, shingles


def load(path: str) -> list[dict]:
    with gzip.open(path, "rt", encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("corpus")
    ap.add_argument("--sample", type=int, default=0)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--labels", help="a JSON file of labelled pairs ({a, b, same}): report "
                    "the precision of the detected pairs it labels")
    args = ap.parse_args()
    rows = load(args.corpus)
    docs = []
    for r in rows:
        pub = None
        if r.get("published_at"):
            pub = datetime.fromisoformat(r["published_at"]).replace(tzinfo=UTC)
        docs.append(Doc(r["id"], r.get("body") or "", pub, r.get("title") or ""))
    t0 = time.perf_counter()
    keys = cluster_docs(docs)
    took = time.perf_counter() - t0
    members: dict[str, list[str]] = {}
    for aid, key in keys.items():
        members.setdefault(key, []).append(aid)
    multi = [m for m in members.values() if len(m) > 1]
    print(json.dumps({"articles": len(rows), "clusters": len(members),
                      "multi_article_clusters": len(multi),
                      "articles_in_multi": sum(len(m) for m in multi),
                      "largest": max((len(m) for m in multi), default=0),
                      "seconds": round(took, 1)}))
    if args.labels:
        labels = json.loads(Path(args.labels).read_text(encoding="utf-8"))
        detected = {tuple(sorted(p)) for m in multi for p in itertools.combinations(m, 2)}
        judged = [x for x in labels["pairs"] if tuple(sorted((x["a"], x["b"]))) in detected]
        right = sum(bool(x["same"]) for x in judged)
        print(json.dumps({"detected_pairs": len(detected), "labelled": len(judged),
                          "precision": round(right / len(judged), 3) if judged else None}))
    if args.sample:
        by_id = {r["id"]: r for r in rows}
        pairs = [p for m in multi for p in itertools.combinations(sorted(m), 2)]
        random.Random(args.seed).shuffle(pairs)
        for i, (a, b) in enumerate(pairs[: args.sample]):
            ra, rb = by_id[a], by_id[b]
            sa, sb = shingles(ra["body"]), shingles(rb["body"])
            jac = len(sa & sb) / max(1, len(sa | sb))
            print(f"\n#{i} jaccard={jac:.2f} {a} {b}")
            for r in (ra, rb):
                print(f"  [{r['source']} {r.get('published_at')}] {r['title'][:100]}")
                print(f"     {' '.join(r['body'].split())[:220]}")


if __name__ == "__main__":
    main()
