"""Storage: everything that touches the SQLite file's tables.

``database`` (opening, transactions, batching, timestamps) and ``schema`` (migrations);
``identity`` (what makes a source or item the same); ``articles`` and ``follow`` (writing an
article, reviews following edited items); ``reviews`` and ``statuses`` (verdicts, the
vocabulary, what "reviewed" means); ``links`` (how a link row reads); ``stats``, ``backup``.
"""

from .database import DatabaseError, open_db, write_transaction

__all__ = ["DatabaseError", "open_db", "write_transaction"]
