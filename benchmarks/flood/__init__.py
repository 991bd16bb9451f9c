"""A folder of junk aimed at an archive's real articles (see make_junk.py)."""
