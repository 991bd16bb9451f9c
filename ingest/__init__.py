"""Turning files, pages and feeds into stored, searchable chunks."""

from ingest.article import Article
from ingest.readers import ReadFailure, read_path, supported_extensions

__all__ = ["Article", "ReadFailure", "read_path", "supported_extensions"]
