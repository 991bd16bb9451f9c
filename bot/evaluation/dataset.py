"""The dataset format of ../shared/eval/realtimeqa: corpus.jsonl.gz and SPLIT/queries.jsonl.

A dataset may hold an ``articles/`` folder of article files instead of ``corpus.jsonl.gz``
(benchmarks/natural): its questions give ``now`` for ``question_date``, a short ``answer``
that may be null (no short answer is right, or the archive cannot answer), and the file
names of the ``articles`` that answer, which serve as evidence ids.
"""

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
        # The README skips the "…except…" questions for EM/F1; a question with no short
        # gold answer (an articles/ dataset's why or unanswerable ones) has none to score.
        return "except" in self.question.lower() or not self.answer


@dataclass
class Dataset:
    root: Path
    split: str
    queries: list[Query] = field(default_factory=list)

    @property
    def corpus(self) -> Path:
        """``corpus.jsonl.gz``, or else the ``articles/`` folder."""
        packed = self.root / "corpus.jsonl.gz"
        return packed if packed.exists() or not (self.root / "articles").is_dir() \
            else self.root / "articles"


class DatasetError(ValueError):
    pass


def load(root: Path, split: str = "dev", limit: int | None = None) -> Dataset:
    root = Path(root)
    qfile = root / split / "queries.jsonl"
    if not qfile.exists():
        raise DatasetError(f"no {qfile} (expected DATASET_DIR/{split}/queries.jsonl)")
    ds = Dataset(root, split)
    if not ds.corpus.exists():
        raise DatasetError(f"no corpus at {root / 'corpus.jsonl.gz'} (nor {root / 'articles'}/)")
    with qfile.open(encoding="utf-8") as fh:
        for n, line in enumerate(fh, start=1):
            if not line.strip():
                continue
            try:
                d = json.loads(line)
                day = d["question_date"] if "question_date" in d or "now" not in d else d["now"]
                when = datetime.fromisoformat(day).replace(tzinfo=UTC)
                ds.queries.append(Query(
                    id=str(d["id"]),
                    question=str(d["question"]).replace("\u200b", "").strip(),
                    answer="" if d["answer"] is None else str(d["answer"]),
                    question_date=when,
                    evidence_article_ids=tuple(d.get("evidence_article_ids")
                                               or d.get("articles") or ()),
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
