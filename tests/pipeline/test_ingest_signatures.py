"""When an ingest links, its extraction processes make each item's signature (normalised
and embedded as the linker compares it), and the link that follows makes none again: the
links are those of a link run that makes every signature itself."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

from workbench.cli import cli
from workbench.link import corpus as link_corpus
from workbench.link import meaning
from workbench.link.linker import link_pending
from workbench.pipeline import POOL_MIN_FILES, ingest
from workbench.store.database import open_db

REUTERS = "000_2b14526b3bd0fd47.txt"
LINKS = "SELECT item_a, item_b, method, score, drift, conflict FROM links ORDER BY item_a, item_b"


def _outlets(corpus: Path, folder: Path) -> Path:
    """Enough rewrites of the wire story for the process pool, each with its own figure."""
    folder.mkdir()
    reuters = (corpus / REUTERS).read_text(encoding="utf-8")
    for n in range(POOL_MIN_FILES + 4):
        text = reuters.replace("750", str(750 + n % 3)).replace("Reuters", f"Outlet {n}")
        (folder / f"outlet{n:02d}.txt").write_text(text, encoding="utf-8")
    for path in corpus.glob("demo_*.txt"):
        (folder / path.name).write_text(path.read_text(encoding="utf-8"), encoding="utf-8")
    return folder


def _count_signatures_made(monkeypatch) -> list[int]:
    """The real :func:`.corpus.signatures`, counting the items the link makes them for."""
    made: list[int] = []
    real = link_corpus.signatures

    def counted(rows):
        found = real(list(rows))
        made.append(len(found))
        return found

    monkeypatch.setattr(link_corpus, "signatures", counted)
    return made


def test_the_link_after_a_pooled_ingest_makes_no_signature_and_links_alike(tmp_path, corpus, monkeypatch):
    folder = _outlets(corpus, tmp_path / "outlets")
    apart = open_db(tmp_path / "apart.db")
    ingest(apart, [str(folder)], workers=2, link=False)
    made = _count_signatures_made(monkeypatch)
    link_pending(apart)  # every signature made by the link, from the stored rows
    assert sum(made) == apart.execute("SELECT count(*) FROM items").fetchone()[0]

    made.clear()
    together = open_db(tmp_path / "together.db")
    summary = ingest(together, [str(folder)], workers=2)
    assert not summary.failures
    assert sum(made) == 0  # every signature came from the extraction processes
    links = list(together.execute(LINKS))
    assert len(links) > POOL_MIN_FILES and {row[2] for row in links} >= {"exact", "number-conflict"}
    assert links == list(apart.execute(LINKS))


def test_a_signature_stored_rows_no_longer_match_is_made_again(tmp_path, corpus, monkeypatch):
    """Signatures are taken by what the stored row says, never by item id: an item changed
    between extraction and linking gets its own."""
    folder = _outlets(corpus, tmp_path / "outlets")
    db = open_db(tmp_path / "wb.db")
    known: link_corpus.Known = {}
    ingest(db, [str(folder)], workers=1, link=False)
    rows = db.execute("SELECT text, numbers, kind FROM items").fetchall()
    known.update(zip((link_corpus.content_key(*row) for row in rows), link_corpus.signatures(rows)))
    item_id, text = db.execute("SELECT id, text FROM items WHERE kind = 'claim' AND numbers != '[]' LIMIT 1").fetchone()
    db.execute("UPDATE items SET text = ? WHERE id = ?", [text.replace("the", "a"), item_id])
    db.conn.commit()
    made = _count_signatures_made(monkeypatch)
    link_pending(db, known=known)
    assert sum(made) == 1


def test_an_ingest_whose_workers_cannot_embed_stores_everything_and_says_so_in_one_line(tmp_path, corpus, monkeypatch):
    """The model unreadable in the extraction processes: every article still goes in, and
    the link then says why it cannot run, in one line, as without the pool."""
    folder = _outlets(corpus, tmp_path / "outlets")
    path = tmp_path / "wb.db"
    monkeypatch.setattr(meaning, "WEIGHTS", meaning.WEIGHTS.with_name("missing.safetensors"))
    meaning._model.cache_clear()  # the pool's processes are forked with the missing name
    try:
        result = CliRunner().invoke(cli, ["ingest", str(folder), "--db", str(path), "--workers", "2"])
    finally:
        meaning._model.cache_clear()
    assert result.exit_code == 1 and result.output.count("\n") == 1, result.output
    assert "missing.safetensors" in result.output and "Traceback" not in result.output
    stored = open_db(path).execute("SELECT count(*) FROM sources").fetchone()[0]
    assert stored == len(list(folder.iterdir()))
