"""One person, one speaker string across sources.

Extraction gives a speaker the fullest form its own article has (``Councillor Jane Roe`` and
``Roe`` -> ``Jane Roe``, the role apart). An article that names someone by surname alone
(``Roe said …``) would still split the speaker filter and the reports' groups, so the writer
keeps every full person name it stores in ``speakers`` (m015_speakers) with the surname it
is known by, and writes a one-word speaker as the full name when exactly one stored full
name has that surname: ``Roe`` stays ``Roe`` when ``Jane Roe`` and ``Tom Roe`` are both
known. What an article calls someone once stored is not rewritten when a namesake appears later.
"""

from __future__ import annotations

from sqlite_utils import Database

from ..extract.attribution.speakers import short_name

SPEAKER = 5  # the speaker's index in an item row (articles.ITEM_COLUMNS)


def with_full_names(db: Database, rows: list[tuple]) -> list[tuple]:
    """``rows`` with every one-word speaker that names exactly one known person written as
    that person's full name; the full person names among them become known."""
    speakers = {row[SPEAKER] for row in rows}  # an article's items share a few speakers
    known = {(speaker, surname) for speaker in speakers if (surname := short_name(speaker))}
    if known:
        db.conn.executemany("INSERT OR IGNORE INTO speakers (full_name, short_name) VALUES (?, ?)", known)
    full: dict[str, str | None] = {}
    for speaker in {speaker for speaker in speakers if speaker and " " not in speaker}:
        names = db.execute("SELECT full_name FROM speakers WHERE short_name = ? LIMIT 2", [speaker]).fetchall()
        full[speaker] = names[0][0] if len(names) == 1 else None
    if not any(full.values()):
        return rows
    return [(*row[:SPEAKER], full.get(row[SPEAKER]) or row[SPEAKER], *row[SPEAKER + 1 :]) for row in rows]
