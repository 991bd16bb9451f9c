"""Scoring newsbot on a news-QA dataset in the RealTime QA format."""
