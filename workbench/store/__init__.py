"""Storage: the SQLite database (schema, opening, ingest, reviews, stats, backup)."""

from .database import DatabaseError, open_db, write_transaction

__all__ = ["DatabaseError", "open_db", "write_transaction"]
