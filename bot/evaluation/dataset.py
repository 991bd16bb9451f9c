"""The dataset format of ../shared/eval/realtimeqa: corpus.jsonl.gz and SPLIT/queries.jsonl."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path


@dataclass(frozen=True)
class Query:
    id: str
    question: str
    answer: str
    question_date: datetime
    evidence_article_ids: tuple[str, ...] = ()
    facts: tuple[str, ...] = ()
    choices: tuple[str, ...] = ()
    answer_index: tuple[int, ...] = ()

    @property
    def skipped_for_answers(self) -> bool:
        # The README skips the "…except…" questions for EM/F1.
        return "except" in self.question.lower()


@dataclass
class Dataset:
    root: Path
    split: str
    queries: list[Query] = field(default_factory=list)

    @property
    def corpus(self) -> Path:
        return self.root / "corpus.jsonl.gz"


class DatasetError(ValueError):
    pass


def load(root: Path, split: str = "dev", limit: int | None = None) -> Dataset:
    root = Path(root)
    qfile = root / split / "queries.jsonl"
    if not qfile.exists():
        raise DatasetError(f"no {qfile} (expected DATASET_DIR/{split}/queries.jsonl)")
    if not (root / "corpus.jsonl.gz").exists():
        raise DatasetError(f"no corpus at {root / 'corpus.jsonl.gz'}")
    ds = Dataset(root, split)
    with qfile.open(encoding="utf-8") as fh:
        for n, line in enumerate(fh, start=1):
            if not line.strip():
                continue
            try:
                d = json.loads(line)
                when = datetime.fromisoformat(d["question_date"]).replace(tzinfo=UTC)
                ds.queries.append(Query(
                    id=str(d["id"]),
                    question=str(d["question"]).replace("\u200b", "").strip(),
                    answer=str(d["answer"]),
                    question_date=when,
                    evidence_article_ids=tuple(d.get("evidence_article_ids") or ()),
                    facts=tuple(e.get("fact", "") for e in d.get("evidence") or ()
                                if e.get("fact")),
                    choices=tuple(d.get("choices") or ()),
                    answer_index=tuple(int(i) for i in d.get("answer_index") or ()),
                ))
            except (KeyError, ValueError, TypeError) as exc:
                raise DatasetError(f"{qfile}:{n}: bad query: {exc}") from exc
            if limit and len(ds.queries) >= limit:
                break
    return ds
