"""The review screen's fixtures (defined in reviewing.py with the helpers the tests share)."""

from reviewing import db_path, review_app, still_db

__all__ = ["db_path", "review_app", "still_db"]
