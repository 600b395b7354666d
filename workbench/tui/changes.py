"""Which kept lists a commit made stale: cheap fingerprints of what they were read from.

A kept order or filter mask depends on topics: a mark changes :data:`STATUS`, a link
decision :data:`LINKS`; ``None`` stands for the items themselves, which only an ingest
changes (and it always writes their source). When another process commits, comparing
fingerprints tells which topics to forget, so another reviewer's marks drop only what
depends on status.
"""

from __future__ import annotations

import sqlite3

STATUS, LINKS = "status", "links"

FINGERPRINT_SQL = {
    None: "SELECT count(*), max(rowid), max(ingested_at) FROM sources",
    STATUS: "SELECT max(id) FROM reviews",
    LINKS: "SELECT counter FROM change_counters WHERE topic = 'links'",  # moved by triggers (m005)
}


def fingerprints(conn: sqlite3.Connection, *topics: str | None) -> dict[str | None, tuple]:
    """The fingerprints of ``topics`` (all of them when none is given)."""
    return {topic: tuple(conn.execute(FINGERPRINT_SQL[topic]).fetchone()) for topic in topics or FINGERPRINT_SQL}


def stale_topics(before: dict[str | None, tuple], after: dict[str | None, tuple]) -> list[str | None]:
    """The topics to forget between two :func:`fingerprints`: ``[None]`` (everything) when
    the items may have changed, else those whose fingerprint moved."""
    if before.get(None) != after[None]:
        return [None]
    return [topic for topic in (STATUS, LINKS) if before.get(topic) != after[topic]]


class Changes:
    """The fingerprints the kept lists were read at."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self.conn = conn
        self.seen = fingerprints(conn)

    def since_seen(self) -> list[str | None]:
        """Another process committed: the topics whose kept lists are stale now."""
        now = fingerprints(self.conn)
        stale = stale_topics(self.seen, now)
        self.seen = now
        return stale

    def own_write(self, topic: str) -> None:
        """We committed a write to ``topic``: take its fingerprint, so the next change by
        another process is not mistaken for it.

        Call it before forgetting what depends on ``topic``: a worker may re-read between
        the two, and what it reads is then no older than the fingerprint.
        """
        self.seen[topic] = fingerprints(self.conn, topic)[topic]
