"""Turning files, pages and feeds into stored, searchable chunks."""

from ingest.article import Article
from ingest.readers import READER_VERSION, ReadFailure, read_path, supported_extensions

__all__ = ["READER_VERSION", "Article", "ReadFailure", "read_path", "supported_extensions"]
