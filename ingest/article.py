"""The article as the readers hand it over, and its stable id."""

from __future__ import annotations

import hashlib
import re
import unicodedata
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

_WS = re.compile(r"\s+")


def normalise(text: str) -> str:
    """Unicode NFKC, one space for any whitespace run, trimmed: the form ids are hashed from."""
    return _WS.sub(" ", unicodedata.normalize("NFKC", text)).strip()


@dataclass
class Article:
    title: str
    body: str
    source: str = ""
    url: str = ""
    published_at: datetime | None = None
    # Where the article came from (URL, or file path plus position): an edited article
    # arriving under the same key replaces the old one.
    doc_key: str = ""
    extra: dict[str, Any] = field(default_factory=dict)
    # The source gave no title; ``title`` is the lead's first sentence, for display and
    # headline matching, and is not embedded again (the body already holds it).
    title_derived: bool = False

    @property
    def id(self) -> str:
        """Content hash: the same text from two places is one article."""
        h = hashlib.sha256()
        h.update(normalise(self.title).lower().encode())
        h.update(b"\x00")
        h.update(normalise(self.body).encode())
        return "a-" + h.hexdigest()[:16]
