"""/ingest: an attached file or a URL, both through NewsBot.ingest."""

from __future__ import annotations

import asyncio
import re
import tempfile
from pathlib import Path
from typing import Any

from ingest.fetch import is_url
from ingest.indexer import IngestReport
from ingest.readers import MAX_FILE_BYTES, supported_extensions


class IngestRefused(ValueError):
    """The input cannot be ingested; the message is for the user."""


def _suffix(filename: str) -> str:
    lower = filename.lower()
    for ext in sorted(supported_extensions(), key=len, reverse=True):
        if lower.endswith(ext):
            return ext
    return ""


def safe_filename(filename: str) -> str:
    """The upload's own name without any path, keeping its (possibly double) suffix."""
    name = Path(filename.replace("\\", "/")).name
    name = re.sub(r"[^\w.\- ]+", "_", name).strip(" .") or "upload"
    return name[-120:]


def check_upload(filename: str, size: int, max_bytes: int = MAX_FILE_BYTES) -> str:
    """Refuse before downloading: unknown formats and oversized files. Returns the suffix."""
    suffix = _suffix(filename)
    if not suffix:
        raise IngestRefused(f"`{safe_filename(filename)}` is not a format I can read; "
                            f"send one of {', '.join(supported_extensions())}")
    if size > max_bytes:
        raise IngestRefused(f"`{safe_filename(filename)}` is too large "
                            f"({size:,} bytes; the limit is {max_bytes:,})")
    return suffix


async def ingest_upload(newsbot: Any, filename: str, data: bytes) -> IngestReport:
    """Save the bytes under their original name (the reader goes by suffix) and ingest."""
    check_upload(filename, len(data))
    with tempfile.TemporaryDirectory(prefix="newsbot-upload-") as tmp:
        path = Path(tmp) / safe_filename(filename)
        path.write_bytes(data)
        return await asyncio.to_thread(newsbot.ingest, [path])


async def ingest_url(newsbot: Any, url: str) -> IngestReport:
    """A page, feed or sitemap, fetched under the ingest settings' guard (public addresses
    only unless allow_private_networks, size and time caps, redirects checked)."""
    url = url.strip()
    if not is_url(url):
        raise IngestRefused("Give me a web address that starts with http:// or https://.")
    return await asyncio.to_thread(newsbot.ingest, [url])
