"""A markdown report with plots: hits@k curves, latency histograms, the misses."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from bot.evaluation.runner import KS, QueryResult

# The dataset authors' published dev-split predictions, re-scored (see the dataset README).
REFERENCE = {
    "GPT-3 + Google search": {"em": 0.374, "f1": 0.498, "mc_accuracy": 0.708},
    "RAG (DPR) + Google search": {"em": 0.277, "f1": 0.344, "mc_accuracy": 0.544},
    "GPT-3 closed-book": {"em": 0.128, "f1": 0.217, "mc_accuracy": 0.451},
}

_COLUMNS = ["hits@1", "hits@5", "hits@10", "mrr@10", "em", "f1", "f1_shown", "mc_accuracy",
            "citation_precision",
            "abstention_rate", "retrieve_ms_p50", "retrieve_ms_p95", "total_ms_p50",
            "total_ms_p95"]


def summary_table(summaries: dict[str, dict[str, Any]]) -> str:
    lines = ["| system | " + " | ".join(_COLUMNS) + " |",
             "|---" * (len(_COLUMNS) + 1) + "|"]
    for name, s in summaries.items():
        lines.append(f"| {name} | " + " | ".join(str(s.get(c, "")) for c in _COLUMNS) + " |")
    for name, ref in REFERENCE.items():
        cells = [str(ref.get(c, "—")) for c in _COLUMNS]
        lines.append(f"| {name} (authors) | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def _plots(directory: Path, runs: dict[str, list[QueryResult]]) -> list[str]:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    import numpy as np

    files = []
    fig, ax = plt.subplots(figsize=(6, 4))
    for name, results in runs.items():
        ranked = [r.rank for r in results if r.gold_in_corpus]
        if ranked:
            ax.plot(KS, [sum(r is not None and r <= k for r in ranked) / len(ranked)
                         for k in KS], marker="o", label=name)
    ax.set(xlabel="k (articles)", ylabel="Hits@k", ylim=(0, 1), title="Gold article in top k")
    ax.grid(alpha=0.3)
    ax.legend()
    fig.tight_layout()
    fig.savefig(directory / "hits_at_k.png", dpi=110)
    files.append("hits_at_k.png")
    plt.close(fig)

    fig, ax = plt.subplots(figsize=(6, 4))
    # Log-spaced bins: one slow question (a cold cache, a window nothing matched) must not
    # squash every other bar into the first one.
    every = [r.retrieve_ms for results in runs.values() for r in results if r.retrieve_ms > 0]
    lo, hi = (min(every), max(every)) if every else (1.0, 10.0)
    bins = np.geomspace(max(lo, 0.1), max(hi, lo * 1.01, 0.2), 30).tolist()
    for name, results in runs.items():
        ax.hist([r.retrieve_ms for r in results], bins=bins, alpha=0.6, label=name)
    ax.set_xscale("log")
    ax.set(xlabel="retrieval latency (ms, log scale)", ylabel="questions",
           title="Retrieval latency")
    ax.legend()
    fig.tight_layout()
    fig.savefig(directory / "latency.png", dpi=110)
    files.append("latency.png")
    plt.close(fig)
    return files


def write_report(directory: Path, summaries: dict[str, dict[str, Any]],
                 runs: dict[str, list[QueryResult]], meta: dict[str, Any]) -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    plots = _plots(directory, runs)
    first = next(iter(runs))
    misses = [r for r in runs[first] if r.gold_in_corpus and (r.rank is None or r.rank > 5)]
    wrong = [r for r in runs[first] if r.f1 is not None and r.f1 < 0.5][:60]
    lines = [
        f"# newsbot evaluation — {meta.get('dataset', '')} ({meta.get('split', '')})", "",
        f"{meta.get('questions', 0)} questions; settings: `{json.dumps(meta.get('settings', {}))}`",
        "", summary_table(summaries), "",
        *[f"![{p}]({p})" for p in plots], "",
        f"## Retrieval misses of {first} (gold article not in the top 5)", "",
        "| id | question | rank | top titles |", "|---|---|---|---|",
        *[f"| {r.id} | {r.question[:90]} | {r.rank or '>20'} | "
          f"{' · '.join(t[:40] for t in r.top_titles)} |" for r in misses],
        "", f"## Answers with F1 < 0.5 ({first}, first 60)", "",
        "| id | question | gold | prediction | F1 |", "|---|---|---|---|---|",
        *[f"| {r.id} | {r.question[:80]} | {r.gold} | {(r.prediction or '(abstained)')[:60]} |"
          f" {r.f1:.2f} |" for r in wrong],
    ]
    out = directory / "report.md"
    out.write_text("\n".join(lines).replace("\r", " ") + "\n", encoding="utf-8")
    (directory / "results.json").write_text(json.dumps(
        {"summaries": summaries, "meta": meta,
         "results": {k: [vars(r) for r in v] for k, v in runs.items()}}, indent=1))
    return out
