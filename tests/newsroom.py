"""A small newsroom corpus for export and scripting tests: the two fixture articles with
header metadata, and a third outlet's edited copy of one (a changed figure, a reworded quote)."""

from __future__ import annotations

from pathlib import Path

from paths import FIXTURES


def write_corpus(folder: Path, planet_extra: str = "") -> None:
    """Write reuters.txt, moscow.txt and planet.txt into ``folder``."""
    reuters = (FIXTURES / "000_2b14526b3bd0fd47.txt").read_text(encoding="utf-8")
    moscow = (FIXTURES / "003_9c5ba6eb5ac01bd5.txt").read_text(encoding="utf-8")
    planet = (
        reuters.replace("some 5% of all", "some 7% of all").replace(
            "most IT-related businessmen are willing", "most IT businessmen are ready"
        )
        + planet_extra
    )
    folder.mkdir(parents=True, exist_ok=True)
    for name, header, body in (
        ("reuters.txt", "outlet: Reuters\nurl: https://www.reuters.example/belarus-it\ndate: 2020-09-14", reuters),
        (
            "moscow.txt",
            "outlet: The Moscow Times\nurl: https://www.themoscowtimes.example/leave\ndate: 2020-09-18",
            moscow,
        ),
        (
            "planet.txt",
            "title: Belarus tech workers head west\noutlet: Daily Planet\n"
            "url: https://planet.example/belarus\ndate: 2020-09-16",
            planet,
        ),
    ):
        (folder / name).write_text(f"{header}\n\n{body}", encoding="utf-8")


def item_in(db, outlet: str, fragment: str) -> str:
    """The id of the first item from ``outlet`` whose text contains ``fragment``."""
    row = db.execute(
        "SELECT items.id FROM items JOIN sources ON sources.id = items.source_id "
        "WHERE sources.outlet = ? AND items.text LIKE ? ORDER BY items.seq LIMIT 1",
        [outlet, f"%{fragment}%"],
    ).fetchone()
    assert row, f"fixture item not found: {outlet}: {fragment}"
    return row[0]
