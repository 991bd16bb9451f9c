"""Bytes to text for files of unknown encoding, refusing what is not text."""

from __future__ import annotations

import codecs
import re


class NotText(ValueError):
    pass


# Looked for in the first bytes only, as browsers do.
_META_CHARSET = re.compile(rb"""<meta[^>]{0,200}?charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]{1,40})""",
                           re.IGNORECASE)
_XML_ENCODING = re.compile(rb"""^\s*<\?xml[^>]{0,200}?encoding\s*=\s*["']([A-Za-z0-9_.:-]{1,40})""",
                           re.IGNORECASE)
# A text in a Latin script has mostly ASCII letters; decoded binary, or Cyrillic/Greek/CJK
# bytes read as cp1252, has mostly others. Above this share of non-ASCII characters the
# cp1252 guess is refused rather than stored as mojibake.
_MAX_NON_ASCII = 0.30
_LATIN = ("iso8859-1", "cp1252", "iso8859-15")


def declared_charset(data: bytes) -> str | None:
    """The encoding an HTML/XML document names for itself (<meta charset>, <?xml encoding?>),
    if Python knows it."""
    head = data[:4096]
    m = _XML_ENCODING.search(head) or _META_CHARSET.search(head)
    if not m:
        return None
    name = m.group(1).decode("ascii")
    try:
        return codecs.lookup(name).name
    except LookupError:
        return None


def _bomless_utf16(sample: bytes) -> str | None:
    """UTF-16 without a BOM: mostly-Latin text has a NUL in every other byte, on one side."""
    even, odd = sample[0::2], sample[1::2]
    n = len(odd)
    if n < 8:
        return None
    if odd.count(0) > 0.3 * n and even.count(0) < 0.02 * n:
        return "utf-16-le"
    if even.count(0) > 0.3 * n and odd.count(0) < 0.02 * n:
        return "utf-16-be"
    return None


def _check_controls(text: str) -> None:
    # Many control characters mean a binary format that happens to decode.
    sample = text[:8192]
    controls = sum(1 for ch in sample if ord(ch) < 32 and ch not in "\r\n\t\f")
    if controls > max(8, len(sample) // 100):
        raise NotText("binary file (control bytes), not text")


def decode_bytes(data: bytes, declared: str | None = None) -> str:
    """UTF-8 (BOM or not), UTF-16/32 with BOM, UTF-16 without one, the ``declared`` encoding
    (an HTML page's <meta charset>), else cp1252 or latin-1 for mostly-ASCII text. Binary,
    and single-byte text in an encoding we cannot tell, is refused with a reason."""
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
    sample = data[:8192]
    if b"\x00" in sample:
        wide = _bomless_utf16(sample)
        if wide is None:
            raise NotText("binary file (NUL bytes), not text")
        try:
            text = data.decode(wide)
        except UnicodeDecodeError as exc:
            raise NotText("binary file (NUL bytes), not text") from exc
        _check_controls(text)
        return text
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    latin = declared in _LATIN
    if declared and not latin and declared not in ("utf-8", "ascii"):
        try:
            text = data.decode(declared)
            _check_controls(text)
            return text
        except (LookupError, UnicodeDecodeError):
            pass  # a wrong declaration is common; fall back to guessing
    try:
        text = data.decode("cp1252")
    except UnicodeDecodeError:
        text = data.decode("latin-1")
    _check_controls(text)
    if not latin:
        head = text[:8192]
        if sum(1 for ch in head if ord(ch) > 127) > _MAX_NON_ASCII * len(head):
            raise NotText("not UTF-8, and too many non-ASCII bytes to be Latin-1/cp1252 text "
                          "(binary, or a legacy encoding: save it as UTF-8)")
    return text
