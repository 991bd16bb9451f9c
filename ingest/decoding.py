"""Bytes to text for files of unknown encoding, refusing what is not text."""

from __future__ import annotations

import codecs


class NotText(ValueError):
    pass


def decode_bytes(data: bytes) -> str:
    """UTF-8 (BOM or not), UTF-16/32 with BOM, else cp1252, else latin-1; binary is refused."""
    for bom, enc in (
        (codecs.BOM_UTF32_LE, "utf-32"),
        (codecs.BOM_UTF32_BE, "utf-32"),
        (codecs.BOM_UTF8, "utf-8-sig"),
        (codecs.BOM_UTF16_LE, "utf-16"),
        (codecs.BOM_UTF16_BE, "utf-16"),
    ):
        if data.startswith(bom):
            try:
                return data.decode(enc)
            except UnicodeDecodeError as exc:
                raise NotText(f"invalid {enc} text: {exc.reason}") from exc
    if b"\x00" in data[:8192]:
        raise NotText("binary file (NUL bytes), not text")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    try:
        text = data.decode("cp1252")
    except UnicodeDecodeError:
        text = data.decode("latin-1")
    # Many control characters mean a binary format that happens to have no NUL.
    controls = sum(1 for ch in text[:8192] if ord(ch) < 32 and ch not in "\r\n\t\f")
    if controls > max(8, len(text[:8192]) // 100):
        raise NotText("binary file (control bytes), not text")
    return text
