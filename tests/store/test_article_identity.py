"""What identifies an article: a verdict never moves to an article nobody reviewed, and never
vanishes. Real files, real readers and extractors, a real SQLite file, the real CLI."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner
from paths import FIXTURES

from workbench.cli import cli
from workbench.pipeline import ingest
from workbench.readers.article import url_key
from workbench.store.database import open_db
from workbench.store.reviews import mark

FIFTEEN = "Unemployment fell by 15% last year, the labour minister said on Monday in the capital."
TWENTY_FIVE = "Unemployment fell by 25% last year, the labour minister said on Monday in the capital."
DISPUTED = "The opposition disputed the figure and called for an independent audit of the statistics office."
WELCOMED = "Economists welcomed the figure and predicted further growth in the coming months."
# Spellings of one URL that name the same page, and so the same article identity.
SAME_URLS = [
    "https://news.example/jobs",
    "https://news.example/jobs/",
    "http://news.example/jobs",
    "https://NEWS.example/jobs",
    "https://news.example:443/jobs",
    "https://news.example/jobs#comments",
    "https://news.example/jobs?utm_source=twitter&utm_medium=social",
    "https://news.example/jobs/?fbclid=IwAR0abc&gclid=xyz",
    "  https://news.example/jobs  ",
]
HTML_PAGE = """<html><head><title>Jobs report</title>{head}</head><body><article><h1>Jobs report</h1>
<p>{first}</p><p>{second}</p></article></body></html>"""
REUTERS = (FIXTURES / "000_2b14526b3bd0fd47.txt").read_text(encoding="utf-8")
MOSCOW = (FIXTURES / "003_9c5ba6eb5ac01bd5.txt").read_text(encoding="utf-8")


def markdown(path: Path, url: str | None, *sentences: str, title: str = "Jobs report") -> Path:
    header = f"title: {title}\n" + (f"url: {url}\n" if url else "")
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(header + "\n" + "\n\n".join(sentences) + "\n", encoding="utf-8")
    return path


def item_with(db, fragment: str) -> str:
    rows = db.execute("SELECT id FROM items WHERE text LIKE ?", [f"%{fragment}%"]).fetchall()
    assert len(rows) == 1, (fragment, rows)
    return rows[0][0]


def verdicts(db) -> dict[str, tuple]:
    """Every reviewed item: its text and status, the review's moved_from, and its source's path."""
    return {
        row[0]: row[1:]
        for row in db.execute(
            "SELECT items.id, items.text, items.status, reviews.moved_from, sources.path FROM items "
            "JOIN reviews ON reviews.id = items.review_id JOIN sources ON sources.id = items.source_id"
        )
    }


def test_url_spellings_of_one_page_share_a_key_and_others_do_not():
    assert {url_key(url) for url in SAME_URLS} == {"url:https://news.example/jobs"}
    different = [
        "https://news.example/jobs?id=2",
        "https://news.example/jobs/2",
        "https://news.example:8443/jobs",
        "https://other.example/jobs",
    ]
    assert len({url_key(url) for url in different} | {url_key(SAME_URLS[0])}) == len(different) + 1
    assert url_key("https://news.example/a?b=2&a=1") == url_key("https://news.example/a?a=1&b=2")
    for broken in ("http://[::1", "http://host:port/x", "javascript:alert(1)", "not a url", "://", "http://"):
        assert url_key(broken).startswith("url:")


@pytest.mark.parametrize("second_url", SAME_URLS)
def test_a_different_article_under_the_same_url_never_takes_the_verdict(tmp_path, second_url):
    db = open_db(tmp_path / "wb.db")
    first = markdown(tmp_path / "in" / "a.md", SAME_URLS[0], FIFTEEN, DISPUTED)
    ingest(db, [str(first)], workers=1)
    reviewed = item_with(db, "15%")
    mark(db, reviewed, "false", reviewer="ana")
    second = markdown(tmp_path / "in" / "b.md", second_url, TWENTY_FIVE, WELCOMED)
    summary = ingest(db, [str(second)], workers=1)  # a separate batch
    assert not summary.failures and (summary.new, summary.apart) == (1, 1)
    assert verdicts(db) == {reviewed: (FIFTEEN.split(",")[0], "false", None, str(first))}
    other = item_with(db, "25%")
    assert db.execute("SELECT status FROM items WHERE id = ?", [other]).fetchone()[0] == "unreviewed"
    assert db.execute("SELECT count(*) FROM reviews WHERE moved_from IS NOT NULL").fetchone()[0] == 0
    # both files again, in either order of arguments: nothing moves, nothing is added
    for order in ([str(first), str(second)], [str(second), str(first)]):
        summary = ingest(db, order, workers=1)
        assert (summary.unchanged, summary.new, summary.moved, len(summary.failures)) == (2, 0, 0, 0)
    assert verdicts(db) == {reviewed: (FIFTEEN.split(",")[0], "false", None, str(first))}


@pytest.mark.parametrize("head", ['<link rel="canonical" href="{url}">', '<meta property="og:url" content="{url}">'])
def test_saved_pages_with_one_canonical_url_stay_two_articles(tmp_path, head):
    folder = tmp_path / "pages"
    folder.mkdir()
    (folder / "a.html").write_text(
        HTML_PAGE.format(head=head.format(url="https://news.example/jobs/"), first=FIFTEEN, second=DISPUTED)
    )
    db = open_db(tmp_path / "wb.db")
    ingest(db, [str(folder)], workers=1)
    reviewed = item_with(db, "15%")
    mark(db, reviewed, "false", reviewer="ana", note="the office says 12%")
    (folder / "b.html").write_text(
        HTML_PAGE.format(
            head=head.format(url="https://news.example/jobs?utm_source=tw"), first=TWENTY_FIVE, second=WELCOMED
        )
    )
    summary = ingest(db, [str(folder)], workers=1)
    assert not summary.failures and summary.apart == 1
    assert list(verdicts(db)) == [reviewed] and verdicts(db)[reviewed][2] is None
    assert db.execute("SELECT count(*) FROM sources WHERE gone_at IS NULL").fetchone()[0] == 2


def test_a_copy_of_a_stored_article_is_refused_with_one_line(tmp_path):
    folder = tmp_path / "in"
    original = markdown(folder / "a.md", "https://news.example/jobs", FIFTEEN, DISPUTED)
    db = open_db(tmp_path / "wb.db")
    ingest(db, [str(original)], workers=1)
    mark(db, item_with(db, "15%"), "false", reviewer="ana")
    shutil.copy(original, folder / "copy.md")
    markdown(folder / "edited-copy.md", "https://news.example/jobs/?utm_source=x", FIFTEEN, DISPUTED, WELCOMED)
    summary = ingest(db, [str(folder)], workers=1)
    assert sorted(str(failure) for failure in summary.failures) == [
        f"{folder / 'copy.md'}: same article as {original} (url:https://news.example/jobs); not stored",
        f"{folder / 'edited-copy.md'}: same article as {original} (url:https://news.example/jobs); not stored",
    ]
    assert db.execute("SELECT count(*) FROM sources").fetchone()[0] == 1
    # byte-identical files without a URL are one article too
    plain = folder / "notes.txt"
    plain.write_text("Notes\n\n" + FIFTEEN + "\n")
    shutil.copy(plain, folder / "notes-copy.txt")
    summary = ingest(db, [str(plain), str(folder / "notes-copy.txt")], workers=1)
    assert [str(failure) for failure in summary.failures] == [
        f"{folder / 'notes-copy.txt'}: same contents as {plain}; not stored"
    ]


def test_json_records_with_one_id_never_share_a_verdict(tmp_path):
    feed = tmp_path / "feed.jsonl"
    feed.write_text(json.dumps({"id": "42", "title": "Jobs", "text": f"{FIFTEEN} {DISPUTED}"}) + "\n")
    db = open_db(tmp_path / "wb.db")
    ingest(db, [str(feed)], workers=1)
    reviewed = item_with(db, "15%")
    mark(db, reviewed, "false", reviewer="ana")
    records = [{"id": "42", "text": f"{FIFTEEN} {DISPUTED}"}, {"id": "42", "text": f"{TWENTY_FIVE} {WELCOMED}"}]
    feed.write_text("".join(json.dumps(record) + "\n" for record in records))
    other_feed = tmp_path / "other.jsonl"
    other_feed.write_text(json.dumps({"id": "42", "url": "", "text": f"{TWENTY_FIVE} {DISPUTED}"}) + "\n")
    summary = ingest(db, [str(feed), str(other_feed)], workers=1)
    assert not summary.failures and summary.new == 2
    assert list(verdicts(db)) == [reviewed]
    assert db.execute("SELECT count(*) FROM reviews WHERE moved_from IS NOT NULL").fetchone()[0] == 0
    # the same record twice in one file is one article
    feed.write_text("".join(json.dumps(record) + "\n" for record in [records[0], records[0]]))
    summary = ingest(db, [str(feed)], workers=1)
    assert [failure.reason for failure in summary.failures] == [
        f"same article as {feed}#1 (file:{feed}#42); not stored"
    ]


def test_a_file_overwritten_with_a_different_article_keeps_the_old_one_and_its_verdict(tmp_path):
    folder = tmp_path / "in"
    page = markdown(folder / "story.md", None, FIFTEEN)  # no URL: the file is its identity
    db = open_db(tmp_path / "wb.db")
    ingest(db, [str(folder)], workers=1)
    reviewed = item_with(db, "15%")
    mark(db, reviewed, "false", reviewer="ana")
    markdown(page, None, TWENTY_FIVE)
    summary = ingest(db, [str(folder)], workers=1)
    assert summary.replaced == [str(page)] and summary.new == 1 and summary.reviews_moved == 0
    assert verdicts(db) == {reviewed: (FIFTEEN.split(",")[0], "false", None, str(page))}
    retired = db.execute(
        "SELECT key, gone_reason FROM sources WHERE id = (SELECT source_id FROM items WHERE id = ?)", [reviewed]
    ).fetchone()
    assert retired[0].endswith(")") and "different article" in retired[1]
    assert db.execute("SELECT source_gone FROM item_status WHERE item_id = ?", [reviewed]).fetchone()[0] == 1
    # the edited article stays one source on the next runs
    assert ingest(db, [str(folder)], workers=1).unchanged == 1
    assert db.execute("SELECT count(*) FROM sources").fetchone()[0] == 2


@pytest.mark.parametrize("move", ["rename", "other folder", "rename and edit", "other folder and edit"])
def test_a_renamed_or_moved_file_keeps_its_reviews_and_leaves_no_copy(tmp_path, corpus, move):
    folder = tmp_path / "in"
    (folder / "desk").mkdir(parents=True)
    old = folder / "desk" / "reuters.txt"
    old.write_text(REUTERS, encoding="utf-8")  # no URL: the file is its identity
    (folder / "moscow.txt").write_text(MOSCOW, encoding="utf-8")
    db = open_db(tmp_path / "wb.db")
    ingest(db, [str(folder)], workers=1)
    ids = [row[0] for row in db.execute("SELECT id FROM items ORDER BY id LIMIT 12")]
    for item in ids:
        mark(db, item, "true", reviewer="ana")
    source = db.execute("SELECT id FROM sources WHERE path = ?", [str(old)]).fetchone()[0]
    new = folder / ("desk/renamed.txt" if move.startswith("rename") else "archive/reuters.txt")
    new.parent.mkdir(exist_ok=True)
    old.rename(new)
    if "edit" in move:
        new.write_text(REUTERS.replace("since its launching in 2006", "since its launch in 2006"), encoding="utf-8")
    summary = ingest(db, [str(folder)], workers=1)
    assert (summary.moved, summary.new, summary.gone, summary.failures) == (1, 0, [], [])
    assert db.execute("SELECT path, file, gone_at FROM sources WHERE id = ?", [source]).fetchone() == (
        str(new),
        str(new),
        None,
    )
    assert db.execute("SELECT count(*) FROM sources").fetchone()[0] == 2
    assert db.execute("SELECT count(*) FROM orphan_reviews").fetchone()[0] == 0
    assert db.execute("SELECT count(*) FROM items WHERE status = 'true'").fetchone()[0] == len(ids)


def test_a_file_moved_out_of_the_ingested_folders_keeps_its_reviews(tmp_path):
    old = markdown(tmp_path / "inbox" / "story.md", None, FIFTEEN, DISPUTED)
    db = open_db(tmp_path / "wb.db")
    ingest(db, [str(old.parent)], workers=1)
    reviewed = item_with(db, "15%")
    mark(db, reviewed, "false", reviewer="ana")
    new = tmp_path / "archive" / "2024" / "story.md"
    new.parent.mkdir(parents=True)
    old.rename(new)
    summary = ingest(db, [str(new.parent)], workers=1)  # only the folder it went to
    assert summary.moved == 1 and not summary.new
    assert verdicts(db)[reviewed][3] == str(new)


def test_json_lines_records_without_ids_keep_reviews_when_edited_and_moved(tmp_path):
    feed = tmp_path / "feed.jsonl"
    texts = [
        "The park has risen to 750 companies since 2006, officials said on Monday. It employs 58,000 people.",
        f"{FIFTEEN} {DISPUTED} The ministry will publish revised data in March.",
        "Kazakhstan offered a year of free office space to 40 relocating firms, its ministry said.",
    ]
    feed.write_text("".join(json.dumps({"text": text}) + "\n" for text in texts))
    db = open_db(tmp_path / "wb.db")
    ingest(db, [str(feed)], workers=1)
    reviewed = {item_with(db, "15%"): "false", item_with(db, "independent audit"): "true"}
    for item, status in reviewed.items():
        mark(db, item, status, reviewer="ana")
    edited = [
        texts[2],
        "Poland issued 1,000 humanitarian visas to Belarusian programmers in a week.",
        texts[1].replace("in March", "in April"),  # edited and moved from the second line to the third
        texts[0],
    ]
    feed.write_text("".join(json.dumps({"text": text}) + "\n" for text in edited))
    summary = ingest(db, [str(feed)], workers=1)
    assert (summary.updated, summary.new, summary.unchanged, summary.gone) == (1, 1, 2, [])
    assert db.execute("SELECT count(*) FROM sources").fetchone()[0] == 4
    assert {item: row[1] for item, row in verdicts(db).items()} == reviewed
    # a record taken out of the file is marked gone, its items and reviews kept
    feed.write_text("".join(json.dumps({"text": text}) + "\n" for text in edited[:2] + edited[3:]))
    summary = ingest(db, [str(feed)], workers=1)
    assert summary.gone == [f"{feed}#3"]
    assert {item: row[1] for item, row in verdicts(db).items()} == reviewed


def test_a_deleted_file_is_marked_gone_listed_by_stats_and_its_reviews_stay_exportable(tmp_path):
    folder = tmp_path / "in"
    kept = markdown(folder / "kept.md", None, DISPUTED)
    deleted = markdown(folder / "sub" / "deleted.md", "https://news.example/jobs", FIFTEEN)
    db_path = tmp_path / "wb.db"
    db = open_db(db_path)
    ingest(db, [str(folder)], workers=1)
    reviewed = item_with(db, "15%")
    mark(db, reviewed, "false", reviewer="ana")
    deleted.unlink()
    (folder / "sub").rmdir()
    ingest(db, [str(kept)], workers=1)  # a batch that does not cover the folder marks nothing
    assert db.execute("SELECT count(*) FROM sources WHERE gone_at IS NOT NULL").fetchone()[0] == 0
    summary = ingest(db, [str(folder)], workers=1)
    assert summary.gone == [str(deleted)]
    assert db.execute("SELECT gone_reason FROM sources WHERE path = ?", [str(deleted)]).fetchone()[0] == (
        "its file was deleted or moved away"
    )
    assert db.execute("SELECT status, source_gone FROM item_status WHERE item_id = ?", [reviewed]).fetchone() == (
        "false",
        1,
    )
    stats = CliRunner().invoke(cli, ["stats", "--db", str(db_path)])
    assert stats.exit_code == 0, stats.output
    assert "1 sources whose file no longer holds them" in stats.output
    assert f"{deleted}: its file was deleted or moved away" in stats.output
    exported = tmp_path / "out.jsonl"
    result = CliRunner().invoke(cli, ["export", "--format", "jsonl", "-o", str(exported), "--db", str(db_path)])
    assert result.exit_code == 0, result.output
    assert reviewed in {json.loads(line).get("id") for line in exported.read_text().splitlines()}
    # the file comes back: the mark goes, the review is where it was
    markdown(deleted, "https://news.example/jobs", FIFTEEN)
    ingest(db, [str(folder)], workers=1)
    assert db.execute("SELECT count(*) FROM sources WHERE gone_at IS NOT NULL").fetchone()[0] == 0
    assert list(verdicts(db)) == [reviewed]


def test_giving_a_file_a_url_keeps_its_reviews(tmp_path):
    page = markdown(tmp_path / "in" / "story.md", None, FIFTEEN, DISPUTED)
    db = open_db(tmp_path / "wb.db")
    ingest(db, [str(page)], workers=1)
    reviewed = item_with(db, "15%")
    mark(db, reviewed, "false", reviewer="ana")
    markdown(page, "https://news.example/jobs", FIFTEEN, DISPUTED)
    summary = ingest(db, [str(page)], workers=1)
    assert (summary.updated, summary.new) == (1, 0)
    assert db.execute("SELECT key FROM sources").fetchall() == [("url:https://news.example/jobs",)]
    assert list(verdicts(db)) == [reviewed]


def test_records_sharing_one_url_keep_their_reviews_when_reordered_and_edited(tmp_path):
    feed = tmp_path / "feed.jsonl"
    texts = [
        f"{FIFTEEN} {DISPUTED}",
        "Kazakhstan offered a year of free office space to 40 relocating firms, its ministry said. "
        "Few have taken it up.",
        "Poland issued 1,000 humanitarian visas to Belarusian programmers in a week, officials said. "
        "Lithuania followed.",
    ]

    def write(records: list[str]) -> None:
        feed.write_text("".join(json.dumps({"url": "https://news.example/live", "text": t}) + "\n" for t in records))

    write(texts)
    db = open_db(tmp_path / "wb.db")
    ingest(db, [str(feed)], workers=1)
    old_poland = item_with(db, "Poland")
    reviewed = {item_with(db, "15%"): "false", item_with(db, "Kazakhstan"): "true", old_poland: "true"}
    for item, status in reviewed.items():
        mark(db, item, status, reviewer="ana")
    sources = db.execute("SELECT id FROM sources ORDER BY id").fetchall()
    write([texts[2].replace("in a week", "in ten days"), texts[0], texts[1]])  # the last record edited, now first
    summary = ingest(db, [str(feed)], workers=1)
    assert (summary.updated, summary.unchanged, summary.new, summary.replaced, summary.gone) == (1, 2, 0, [], [])
    assert db.execute("SELECT id FROM sources ORDER BY id").fetchall() == sources
    assert db.execute("SELECT count(*) FROM sources WHERE gone_at IS NOT NULL").fetchone()[0] == 0
    poland = item_with(db, "ten days")  # the edited sentence took its review along, flagged
    del reviewed[old_poland]
    assert {item: row[1] for item, row in verdicts(db).items()} == {**reviewed, poland: "true"}
    assert db.execute("SELECT moved_from FROM reviews WHERE item_id = ?", [poland]).fetchone()[0] == old_poland
    assert db.execute("SELECT text_changed FROM item_status WHERE item_id = ?", [poland]).fetchone()[0] == 1
    assert db.execute("SELECT count(*) FROM orphan_reviews").fetchone()[0] == 0


def test_a_deleted_file_named_on_the_command_line_is_marked_gone(tmp_path):
    page = markdown(tmp_path / "story.md", None, FIFTEEN)
    db = open_db(tmp_path / "wb.db")
    ingest(db, [str(page)], workers=1)
    page.unlink()
    summary = ingest(db, [str(page)], workers=1)
    assert [failure.path for failure in summary.failures] == [str(page)] and summary.gone == [str(page)]
    assert db.execute("SELECT count(*) FROM items WHERE NOT headline").fetchone()[0] == 1


def test_telling_articles_apart_takes_linear_time_on_hostile_text():
    """sentence_hashes (run on every article and stored text) and url_key on inputs built to
    make a backtracking pattern or a parser blow up: doubling the input may not much more
    than double the time (best of 5, generous factor)."""
    import gc
    import time

    from workbench.store.identity import sentence_hashes

    def costs(work, small: str, large: str) -> tuple[float, float]:
        """Best of 5 each, measured in turns so that a busy machine slows both alike."""
        best = [float("inf"), float("inf")]
        gc.disable()
        try:
            for _ in range(5):
                for slot, text in enumerate((small, large)):
                    began = time.perf_counter()
                    work(text)
                    best[slot] = min(best[slot], time.perf_counter() - began)
        finally:
            gc.enable()
        return best[0], best[1]

    texts = {
        "dots": lambda n: "." * n,
        "dots and blanks": lambda n: ". " * (n // 2),
        "blanks then a stop": lambda n: " " * n + ".",
        "punctuation runs": lambda n: "?!…" * (n // 3) + " x",
        "short sentences": lambda n: "A b. " * (n // 5),
        "line breaks": lambda n: "x\n" * (n // 2),
        "unicode blanks": lambda n: "\u00a0\u2003." * (n // 3),
    }
    urls = {
        "many parameters": lambda n: "https://news.example/a?" + "utm_x=1&a=2&" * (n // 12),
        "long path": lambda n: "https://news.example/" + "a/" * (n // 2),
        "brackets": lambda n: "http://[" + ":" * n,
    }
    for name, make in [*((name, (sentence_hashes, make)) for name, make in texts.items()),
                       *((name, (url_key, make)) for name, make in urls.items())]:  # fmt: skip
        work, build = make
        small, large = costs(work, build(30_000), build(60_000))
        assert large <= 3 * small + 0.01, (name, small, large)


def test_a_file_whose_name_is_not_utf8_is_stored_followed_and_marked_gone(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    name = os.fsdecode(b"caf\xe9 \xff.md")  # bytes that are not UTF-8, as some archives leave them
    markdown(folder / name, None, FIFTEEN, DISPUTED)
    db = open_db(tmp_path / "wb.db")
    assert ingest(db, [str(folder)], workers=1).new == 1
    assert db.execute("SELECT file FROM sources").fetchone()[0] == f"{folder}/caf\\xe9 \\xff.md"
    reviewed = item_with(db, "15%")
    mark(db, reviewed, "false", reviewer="ana")
    summary = ingest(db, [str(folder)], workers=1)
    assert (summary.unchanged, summary.gone) == (1, [])
    (folder / name).rename(folder / os.fsdecode(b"\xfe.md"))
    summary = ingest(db, [str(folder)], workers=1)
    assert (summary.moved, summary.new, summary.gone) == (1, 0, [])
    (folder / os.fsdecode(b"\xfe.md")).unlink()
    assert ingest(db, [str(folder)], workers=1).gone == [f"{folder}/\\xfe.md"]
    assert list(verdicts(db)) == [reviewed]
