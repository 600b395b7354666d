"""Cross-linking: real SQLite files, real ingest where the extractor is involved."""

from __future__ import annotations

import itertools
import json
import random
import threading
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner
from rapidfuzz import fuzz

from workbench.cli import cli
from workbench.link import LinkError, cluster_members, index, link_items, linker, set_link_state, word_diff
from workbench.link.candidates import candidate_codes, decode
from workbench.link.scoring import CONTAIN_MIN, contained, score_pairs, token_masks
from workbench.pipeline import ingest
from workbench.store.database import open_db, write_transaction

STAMP = "2024-01-01T00:00:00+00:00"


@pytest.fixture
def db(tmp_path):
    database = open_db(tmp_path / "links.db")
    yield database
    database.conn.close()


def figure(sentence: str, written: str, value, unit: str | None) -> dict:
    start = sentence.index(written)
    return {"text": written, "value": value, "unit": unit, "start": start, "end": start + len(written)}


def add(
    db,
    source: str,
    text: str,
    *,
    kind: str = "claim",
    speaker: str | None = None,
    numbers: list[dict] | None = None,
    item_id: str | None = None,
) -> str:
    """Insert one item (and its source if new) straight into the database."""
    with write_transaction(db):
        db.execute(
            "INSERT OR IGNORE INTO sources (id, key, path, sha256, text, format, extractor, ingested_at) "
            "VALUES (?, ?, ?, '', '', 'txt', 'test', ?)",
            [source, source, f"{source}.txt", STAMP],
        )
        seq = db.execute("SELECT count(*) FROM items").fetchone()[0]
        item_id = item_id or f"{source}-{seq:03d}"
        db.execute(
            'INSERT INTO items (id, source_id, seq, kind, text, speaker, start, "end", paragraph, numbers, '
            "first_seen) VALUES (?, ?, ?, ?, ?, ?, 0, ?, 0, ?, ?)",
            [item_id, source, seq, kind, text, speaker, len(text), json.dumps(numbers or []), STAMP],
        )
    return item_id


def links(db) -> dict[tuple[str, str], dict]:
    return {(row["item_a"], row["item_b"]): row for row in db.query("SELECT * FROM links")}


def linked(db, a: str, b: str) -> dict | None:
    return links(db).get(tuple(sorted((a, b))))


def cluster_of(db, item_id: str) -> str | None:
    return db.execute("SELECT cluster_id FROM items WHERE id = ?", [item_id]).fetchone()[0]


ARTICLE_A = """Belarus leader defiant as protests grow

"We will not give up our country to anyone, and we will fight for it until the end," Lukashenko told reporters in Minsk on Monday.

The opposition plans a general strike across the state factories of the country next week.
"""
ARTICLE_B = """Lukashenka vows to stay

"We will never give up our country to anybody, and we will fight for it to the end," Lukashenka said in Minsk.

Farmers in the south are expecting a record harvest of winter wheat this summer.
"""


def write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def quote_ids(db) -> list[str]:
    return [row[0] for row in db.execute("SELECT id FROM items WHERE kind = 'quote' ORDER BY id")]


# --- through ingest -------------------------------------------------------------------


def test_reworded_quote_across_sources_is_linked_as_drift(tmp_path):
    db = open_db(tmp_path / "w.db")
    summary = ingest(
        db, [str(write(tmp_path, "a.txt", ARTICLE_A)), str(write(tmp_path, "b.txt", ARTICLE_B))], workers=1
    )
    quotes = quote_ids(db)
    assert len(quotes) == 2 and summary.links >= 1
    link = linked(db, *quotes)
    assert link and link["state"] == "suggested" and link["method"] == "fuzzy"
    drift = list(db.query("SELECT * FROM quote_drift"))
    assert len(drift) == 1
    assert {drift[0]["item_a"], drift[0]["item_b"]} == set(quotes)
    assert drift[0]["speaker"] in {"Lukashenko", "Lukashenka"}
    changed = {(a, b) for _, a, b in json.loads(drift[0]["differences"])}
    text_a = db.execute("SELECT text FROM items WHERE id = ?", [drift[0]["item_a"]]).fetchone()[0]
    pairs = changed if "never" in text_a else {(b, a) for a, b in changed}
    assert ("never", "not") in pairs and ("anybody,", "anyone,") in pairs
    # the unrelated claims stay unlinked, and both quotes form one cluster
    assert len(links(db)) == 1
    assert cluster_of(db, quotes[0]) == cluster_of(db, quotes[1]) == quotes[0]
    assert [row["size"] for row in db.query("SELECT size FROM clusters")] == [2]


def test_decisions_survive_relink_and_reingest(tmp_path):
    db = open_db(tmp_path / "w.db")
    a, b = write(tmp_path, "a.txt", ARTICLE_A), write(tmp_path, "b.txt", ARTICLE_B)
    ingest(db, [str(a), str(b)], workers=1)
    first, second = quote_ids(db)
    set_link_state(db, first[:8], second, "rejected", reviewer="ana")
    assert cluster_of(db, first) is None
    link_items(db, threshold=50)  # a full re-link, looser
    ingest(db, [str(write(tmp_path, "c.txt", ARTICLE_A.replace("Monday", "Tuesday")))], workers=1)
    b.write_text(ARTICLE_B + "\nThe ministry published the figures on its website on Friday.\n", encoding="utf-8")
    ingest(db, [str(a), str(b)], workers=1)  # b changed: re-extracted; its quote keeps its id
    link = linked(db, first, second)
    assert link["state"] == "rejected" and link["decided_by"] == "ana" and link["decided_at"]
    third = (set(quote_ids(db)) - {first, second}).pop()  # c.txt repeats a.txt's quote word for word
    # a repeat is linked to the item it repeats only; a reviewer may still decide on the other pair
    original, other = (first, second) if linked(db, third, first) else (second, first)
    assert linked(db, third, original)["state"] == "suggested" and linked(db, third, other) is None
    set_link_state(db, third, other, "rejected")
    assert cluster_of(db, other) is None and cluster_of(db, original) == cluster_of(db, third)
    set_link_state(db, first, second, "confirmed", reviewer="bo")
    link_items(db)
    link = linked(db, first, second)
    assert link["state"] == "confirmed" and link["decided_by"] == "bo"
    assert cluster_of(db, first) == cluster_of(db, second) is not None


# --- matching -------------------------------------------------------------------------


def test_numbers_written_differently_link(db):
    s1 = "Unemployment in the capital region rose 5pc last year, official statistics show."
    s2 = "Official statistics show unemployment in the capital region increased by five percent last year."
    a = add(db, "s1", s1, numbers=[figure(s1, "5pc", 5.0, "percent")])
    b = add(db, "s2", s2, numbers=[figure(s2, "five percent", 5.0, "percent")])
    d1 = "Opposition leaders will meet European diplomats in Vilnius on Aug. 9 to discuss sanctions."
    d2 = "On the 9th of August opposition leaders will meet European diplomats in Vilnius to discuss sanctions."
    c = add(db, "s1", d1, numbers=[figure(d1, "Aug. 9", "--08-09", "date")])
    d = add(db, "s2", d2, numbers=[figure(d2, "the 9th of August", "2020-08-09", "date")])
    link_items(db)
    assert linked(db, a, b)["method"] in {"fuzzy", "containment"}
    assert linked(db, c, d)["method"] in {"fuzzy", "containment"}
    assert len(links(db)) == 2


def test_different_numbers_are_a_conflict_not_a_match(db):
    s1 = "750 companies have moved their headquarters out of Belarus since August."
    s2 = "According to the economy ministry, 700 companies have moved their headquarters out of Belarus since August."
    a = add(db, "s1", s1, numbers=[figure(s1, "750 companies", 750.0, "companies")])
    b = add(db, "s2", s2, numbers=[figure(s2, "700 companies", 700.0, "companies")])
    summary = link_items(db)
    link = linked(db, a, b)
    assert link["method"] == "number-conflict" and summary.conflicts == 1
    assert cluster_of(db, a) is None and cluster_of(db, b) is None  # not the same claim
    conflict = list(db.query("SELECT * FROM number_conflicts"))
    assert len(conflict) == 1
    assert (conflict[0]["value_a"], conflict[0]["value_b"]) in {(750, 700), (700, 750)}
    assert conflict[0]["unit"] == "companies"
    assert {conflict[0]["source_a"], conflict[0]["source_b"]} == {"s1", "s2"}


def test_same_numbers_with_an_extra_figure_still_match(db):
    s1 = "Exports of potash to China rose 12 percent in the first quarter."
    s2 = "Exports of potash to China rose 12 percent in the first quarter, reaching $2bn."
    a = add(db, "s1", s1, numbers=[figure(s1, "12 percent", 12.0, "percent")])
    b = add(db, "s2", s2, numbers=[figure(s2, "12 percent", 12.0, "percent"), figure(s2, "$2bn", 2e9, "USD")])
    link_items(db)
    assert linked(db, a, b)["method"] in {"fuzzy", "containment"}


def test_boilerplate_and_short_generic_sentences_never_link(db):
    for source in ("s1", "s2", "s3"):
        add(db, source, "He said.")
        add(db, source, "That is not true, she said.")
        add(db, source, "Sign up for our daily newsletter to get the latest headlines from Minsk.")
        add(db, source, "The ministry did not immediately respond to a request for comment on Monday.")
    summary = link_items(db)
    assert summary.links == 0 and links(db) == {}


def test_same_source_duplicates_are_not_cross_source_links(db):
    sentence = "The central bank raised its key interest rate to a record level to defend the currency."
    a1 = add(db, "s1", sentence)
    a2 = add(db, "s1", sentence)
    b = add(db, "s2", sentence)
    link_items(db)
    assert linked(db, a1, a2) is None
    assert linked(db, a1, b)["method"] == linked(db, a2, b)["method"] == "exact"
    assert cluster_of(db, a1) == cluster_of(db, a2) == cluster_of(db, b)  # joined through b


def test_name_spelling_variants_link(db):
    a = add(db, "s1", "Lukashenko ordered troops to the western border after the disputed presidential election.")
    b = add(db, "s2", "Lukashenka ordered troops to the western border after the disputed presidential election.")
    q1 = add(
        db,
        "s1",
        "Nobody will take this country away from us, not now and not ever",
        kind="quote",
        speaker="Alexander Lukashenko",
    )
    q2 = add(
        db,
        "s2",
        "Nobody will ever take this country away from us, not now and not ever",
        kind="quote",
        speaker="Lukashenka",
    )
    link_items(db)
    assert linked(db, a, b)["method"] == "fuzzy"
    drift = json.loads(linked(db, q1, q2)["drift"])
    assert drift and all(tag != "equal" for tag, _, _ in drift)
    assert any("ever" in (words_a + words_b) for _, words_a, words_b in drift)


def test_unrelated_claims_sharing_a_topic_do_not_link(db):
    add(db, "s1", "The government raised fuel prices by a third on Monday, angering truck drivers.")
    add(db, "s2", "The government cut bread prices on Monday after weeks of protests by pensioners.")
    assert link_items(db).links == 0


def test_reordered_clauses_and_synonyms_link(db):
    a = add(db, "s1", "After the strike began, the firm dismissed four hundred workers at its Grodno plant.")
    b = add(db, "s2", "The company dismissed four hundred workers at its Grodno plant after the strike started.")
    link_items(db)
    assert linked(db, a, b) is not None


def test_the_index_is_rebuilt_while_the_candidates_are_scored(db, monkeypatch):
    """The index's writes (one SQLite writer) run beside the scoring, not before it."""
    a = add(
        db, "s1", "Railway workers in Brest walked off the job to protest against the arrest of their union leader."
    )
    b = add(db, "s2", "Railway workers in Brest walked off the job in protest at the detention of their union leader.")
    scoring = threading.Event()
    real_rebuild, real_score = index.rebuild, linker.score_candidates

    def rebuild_once_scoring(*args, **kwargs):
        assert scoring.wait(timeout=20), "the scoring did not start while the index was being rebuilt"
        return real_rebuild(*args, **kwargs)

    def score(*args, **kwargs):
        scoring.set()
        return real_score(*args, **kwargs)

    monkeypatch.setattr(index, "rebuild", rebuild_once_scoring)
    monkeypatch.setattr(linker, "score_candidates", score)
    link_items(db)
    assert linked(db, a, b) is not None
    assert db.execute("SELECT count(*) FROM link_signatures").fetchone()[0] == 2


def test_a_full_run_reports_each_stage_from_its_start(db):
    """A progress display (and bench/ingest.py, which times the link from its first report)
    hears of the reading before the first item is read, then of every stage in turn."""
    a = add(db, "s1", "The firm dismissed four hundred workers at its Grodno plant after the strike.")
    b = add(db, "s2", "The company dismissed four hundred workers at its Grodno plant after the strike.")
    reports: list[tuple[str, int]] = []
    link_items(db, progress=lambda stage, done, total: reports.append((stage, done)))
    assert reports[0] == ("reading", 0)
    stages = list(dict.fromkeys(stage for stage, _ in reports))
    assert stages == ["reading", "grouping", "indexing", "candidates", "scoring", "writing"]
    assert linked(db, a, b) is not None


def test_containment_links(db):
    short = "Police detained more than two hundred protesters outside the parliament building in Minsk."
    long = (
        "Police detained more than two hundred protesters outside the parliament building in Minsk, "
        "while opposition leaders called for a nationwide strike and new elections."
    )
    a, b = add(db, "s1", short), add(db, "s2", long)
    link_items(db)
    assert linked(db, a, b)["method"] == "containment"


# --- incremental runs, decisions, clusters ---------------------------------------------

# Three wordings of one claim, none a repeat of another (each pair is scored and linked).
SIMILAR = [
    "Railway workers in Brest walked off the job to protest against the arrest of their union leader.",
    "Railway workers in Brest walked off the job in protest at the detention of their union leader.",
    "In Brest, railway workers walked off the job on Monday to protest against the arrest of their union leader.",
]


def test_incremental_run_compares_only_new_items(db):
    a = add(db, "s1", SIMILAR[0])
    b = add(db, "s2", SIMILAR[1])
    link_items(db)
    assert set(links(db)) == {tuple(sorted((a, b)))}
    before = links(db)
    # two items arrive unannounced, then one announced as new
    x = add(db, "s3", "Doctors at the regional hospital in Gomel signed an open letter against police violence.")
    y = add(db, "s4", "Doctors at the regional hospital in Gomel signed an open letter against police brutality.")
    c = add(db, "s5", SIMILAR[2])
    summary = link_items(db, [c])
    assert summary.compared == 1
    after = links(db)
    assert after[tuple(sorted((a, b)))] == before[tuple(sorted((a, b)))]  # untouched
    assert set(after) - set(before) == {tuple(sorted((a, c))), tuple(sorted((b, c)))}
    assert linked(db, x, y) is None  # neither was new
    assert cluster_of(db, a) == cluster_of(db, b) == cluster_of(db, c)
    link_items(db)  # a full run finds them
    assert linked(db, x, y) is not None


OTHER = [
    "Doctors at the regional hospital in Gomel signed an open letter against police violence.",
    "The central bank raised its key interest rate to a record level to defend the currency.",
    "Farmers in the south are expecting a record harvest of winter wheat this summer.",
    "Police detained more than two hundred protesters outside the parliament building in Minsk.",
]


def link_table(db) -> dict[tuple[str, str], tuple]:
    return {pair: (row["score"], row["method"], row["state"]) for pair, row in links(db).items()}


def test_incremental_run_through_the_index_reads_only_new_items(tmp_path):
    db = open_db(tmp_path / "index.db")
    old = [add(db, f"s{i}", text) for i, text in enumerate(SIMILAR[:2] + OTHER)]
    link_items(db)
    assert db.execute("SELECT count(*) FROM link_signatures").fetchone()[0] == len(old)
    pair = tuple(sorted(old[:2]))
    db.execute("UPDATE links SET score = 1.5 WHERE item_a = ? AND item_b = ?", pair)  # a marker, not a real score
    db.conn.commit()
    new = [
        add(db, "s9", SIMILAR[2]),
        add(db, "s9", "Doctors at the regional hospital in Gomel signed an open letter against police brutality."),
        add(db, "s8", "A new sentence about nothing else that was said anywhere before today."),
    ]
    summary = link_items(db, new)
    assert summary.items == summary.compared == 3  # only the new items were read and normalised
    table = link_table(db)
    assert table[pair][0] == 1.5  # the old pair was not scored again
    assert {p for p in table if p != pair} == {
        tuple(sorted((new[0], old[0]))),
        tuple(sorted((new[0], old[1]))),
        tuple(sorted((new[1], old[2]))),
    }
    assert cluster_of(db, new[0]) == cluster_of(db, old[0]) == cluster_of(db, old[1])
    assert db.execute("SELECT count(*) FROM link_signatures").fetchone()[0] == len(old) + len(new)


def test_incremental_runs_equal_a_full_relink(tmp_path):
    db = open_db(tmp_path / "grow.db")
    texts = (
        SIMILAR
        + OTHER
        + [text.replace("Minsk", "Brest") for text in OTHER]
        + [
            "Railway workers in Brest went on strike against the detention of their union leader.",
            "Exports of potash to China rose 12 percent in the first quarter, reaching a record.",
            "Exports of potash to China increased 12 percent in the first quarter.",
        ]
    )
    first = [add(db, f"s{i % 5}", text) for i, text in enumerate(texts[:8])]
    link_items(db)
    set_link_state(db, *sorted(first[:2]), "rejected")
    for batch in (texts[8:10], texts[10:]):
        added = [add(db, f"n{i}", text) for i, text in enumerate(batch, len(first))]
        assert link_items(db, added).items == len(added)  # through the index
    incremental = link_table(db)
    clusters = dict(db.execute("SELECT id, cluster_id FROM items").fetchall())
    db.conn.close()
    copy = tmp_path / "copy.db"
    copy.write_bytes((tmp_path / "grow.db").read_bytes())
    full = open_db(copy)
    link_items(full)
    assert link_table(full) == incremental and len(incremental) >= 6
    assert dict(full.execute("SELECT id, cluster_id FROM items").fetchall()) == clusters


def test_deleted_items_leave_the_index_and_their_clusters(tmp_path):
    db = open_db(tmp_path / "gone.db")
    a, b = add(db, "s1", SIMILAR[0]), add(db, "s2", SIMILAR[1])
    others = [add(db, f"o{i}", text) for i, text in enumerate(OTHER)]
    link_items(db)
    assert cluster_of(db, a) == cluster_of(db, b) == min(a, b)
    with write_transaction(db):
        db.execute("DELETE FROM links WHERE item_a = ? OR item_b = ?", [a, a])
        db.execute("DELETE FROM items WHERE id = ?", [a])
    c = add(db, "s3", OTHER[0].replace("violence", "brutality"))
    assert link_items(db, [c]).items == 1
    assert cluster_of(db, b) is None  # its cluster lost its only partner
    assert cluster_of(db, c) == cluster_of(db, others[0]) is not None
    # an item whose text changed is no longer indexed: the next incremental run re-reads everything
    db.execute("UPDATE items SET text = ? WHERE id = ?", [SIMILAR[2], others[1]])
    db.conn.commit()
    d = add(db, "s4", SIMILAR[2])
    assert link_items(db, [d]).items == db.execute("SELECT count(*) FROM items").fetchone()[0]
    assert linked(db, d, others[1])["method"] == "exact"


def test_clusters_update_after_reject_and_confirm(db):
    a, b, c = (add(db, f"s{i}", text) for i, text in enumerate(SIMILAR))
    link_items(db)
    assert {cluster_of(db, item) for item in (a, b, c)} == {min(a, b, c)}
    assert [row["size"] for row in db.query("SELECT * FROM clusters")] == [3]
    set_link_state(db, a, b, "rejected")
    assert cluster_of(db, a) == cluster_of(db, b)  # still joined through c
    set_link_state(db, c, a, "rejected")
    assert cluster_of(db, a) is None
    assert cluster_of(db, b) == cluster_of(db, c) == min(b, c)
    members = cluster_members(db, c)
    assert [member["id"] for member in members] == sorted([b, c])
    assert cluster_members(db, a)[0]["id"] == a and len(cluster_members(db, a)) == 1
    set_link_state(db, a, b, "confirmed")
    assert {cluster_of(db, item) for item in (a, b, c)} == {min(a, b, c)}
    link_items(db)  # a re-link keeps both decisions
    assert linked(db, a, b)["state"] == "confirmed" and linked(db, a, c)["state"] == "rejected"


def test_full_run_refreshes_suggestions_but_not_decisions(db):
    a, _b = (add(db, f"s{i}", text) for i, text in enumerate(SIMILAR[:2]))
    c = add(db, "s3", "Railway workers in Brest went on strike against the detention of their union leader.")
    link_items(db, threshold=60)
    set_link_state(db, a, c, "confirmed")
    suggestions = [pair for pair, row in links(db).items() if row["state"] == "suggested"]
    assert suggestions and all(links(db)[pair]["score"] < 100 for pair in suggestions)
    # a threshold no wording or meaning reaches: the suggestions go, the decision stays
    link_items(db, threshold=100)
    assert not set(suggestions) & set(links(db)) and linked(db, a, c)["state"] == "confirmed"


def test_set_link_state_errors(db):
    a, b = add(db, "s1", SIMILAR[0]), add(db, "s2", SIMILAR[1])
    unrelated = add(db, "s3", "Doctors at the regional hospital in Gomel signed an open letter against violence.")
    link_items(db)
    with pytest.raises(LinkError, match="no such item"):
        set_link_state(db, a, "nope-nope", "confirmed")
    with pytest.raises(LinkError, match="not linked"):
        set_link_state(db, a, unrelated, "suggested")
    with pytest.raises(LinkError, match="unknown link state"):
        set_link_state(db, a, b, "maybe")


def test_word_diff():
    runs = word_diff("We will not give up our country.", "We will never give up the country!")
    assert runs == [
        ("equal", "We will", "We will"),
        ("replace", "not", "never"),
        ("equal", "give up", "give up"),
        ("replace", "our", "the"),
        ("equal", "country.", "country!"),
    ]
    assert word_diff("a b c", "a b c d") == [("equal", "a b c", "a b c"), ("insert", "", "d")]
    assert word_diff("a b c", "a c") == [("equal", "a", "a"), ("delete", "b", ""), ("equal", "c", "c")]


# --- command line ---------------------------------------------------------------------


BAD_THRESHOLDS = ["150", "-1", "nan", "NaN", "inf", "-inf", "1e400", "abc", "", "50%"]


def test_cli_link_and_link_state(tmp_path):
    path = tmp_path / "cli.db"
    db = open_db(path)
    a, b = add(db, "s1", SIMILAR[0], item_id="aaaa1111"), add(db, "s2", SIMILAR[1], item_id="bbbb2222")
    other = add(
        db, "s3", "Doctors in Gomel signed an open letter against police violence on Friday.", item_id="cccc3333"
    )
    db.conn.close()
    runner = CliRunner()
    result = runner.invoke(cli, ["link", "--db", str(path)])
    assert result.exit_code == 0, result.output
    assert "1 links" in result.output
    result = runner.invoke(
        cli, ["link-state", "aaaa11", "bbbb2222", "confirmed", "--db", str(path), "--reviewer", "ana"]
    )
    assert result.exit_code == 0, result.output
    assert "confirmed" in result.output and "cluster aaaa1111" in result.output
    for args, message in (
        (["aaaa1111", "zzzz9999", "confirmed"], "zzzz9999: no such item"),
        (["aaaa1111", other, "suggested"], "are not linked"),
        (["aaaa1111", b, "approved"], "unknown link state"),
    ):
        result = runner.invoke(cli, ["link-state", *args, "--db", str(path)])
        assert result.exit_code == 1
        assert result.output.strip().count("\n") == 0 and message in result.output
    result = runner.invoke(cli, ["link", "--db", str(tmp_path / "missing.db")])
    assert result.exit_code == 1 and "no such database" in result.output
    for bad in BAD_THRESHOLDS:
        result = runner.invoke(cli, ["link", "--db", str(path), "--threshold", bad])
        assert (result.exit_code, result.output) == (1, f"error: --threshold {bad}: not a number from 0 to 100\n")
    db = open_db(path)
    assert linked(db, a, b)["decided_by"] == "ana"


def test_clean_post_turns_a_tweet_into_words():
    from workbench.link.retrieve import clean_post

    tweet = (
        "Minecraft is NOT closing. #Minecrafthttps://t.co/V4Lzv97qOc Caught on camera.#IranUsapic.twitter.com/TvRk "
        "see nytimes.com/2019/x cc @realDonaldTrump #FreeIran2020 — Helen Z 🔜 (@HelenAngel) January 2, 2020"
    )
    cleaned = clean_post(tweet)
    assert cleaned == (
        "Minecraft is NOT closing. Minecraft Caught on camera. Iran Usa see cc real Donald Trump "
        "Free Iran 2020 Helen Z 🔜"
    )
    assert clean_post("U.S. and/or 3.5/10 - fine") == "U.S. and/or 3.5/10 - fine"


def test_retriever_ranks_rewordings_and_keeps_the_earliest_duplicate():
    from workbench.link.retrieve import Retriever, char_grams

    assert char_grams("Cat", (3, 4)) == [" ca", "cat", "at ", " cat", "cat "]
    assert char_grams("a", (3, 4)) == [" a ", " a "]
    documents = [
        ("Lukashenko said the election was fair and the protests were paid for by foreigners.", []),
        ("The Minecraft game is being shut down in 2020.", [{"text": "2020", "value": 2020, "unit": None}]),
        ('Vice President Mike Pence said "only guilty people need to hire a criminal defense attorney."', []),
        ("Vice President Mike Pence said 'only guilty people need to hire a criminal defense attorney.'", []),
        ("A photograph shows a shark swimming on a flooded highway after a hurricane.", []),
    ]
    retriever = Retriever(documents)
    assert Retriever([]).search("anything") == []
    top = retriever.search("Only guilty people hire criminal defense attorneys, Pence once said", limit=2)
    assert [index for index, _ in top] == [2, 3]  # the same words: the earlier one first
    assert retriever.search("Lukashenka: protesters were paid by foreign money", limit=1)[0][0] == 0
    assert retriever.search("sharks swimming on highways", limit=1)[0][0] == 4
    assert retriever.search("minecraft shutting down", limit=1)[0][0] == 1
    assert retriever.search("zzz qqq", limit=3) == []


# --- index and re-ingest robustness -----------------------------------------------------


def test_an_item_whose_keys_share_a_hash_is_indexed_once_per_block(tmp_path):
    # "mfghgrm" and "nhpxqdr" have the same crc32: every key pair with one of them gives
    # the same block as with the other, so the item meets each such block twice.
    db = open_db(tmp_path / "collide.db")
    odd = add(db, "s1", "Inspectors found mfghgrm nhpxqdr residue in the municipal water supply near Brest.")
    same = add(db, "s2", "Inspectors found mfghgrm nhpxqdr residue in the municipal water supply near Brest.")
    others = [add(db, f"o{i}", text) for i, text in enumerate(OTHER)]
    link_items(db)  # rebuilt the index without a duplicate (block, num)
    assert linked(db, odd, same)["method"] == "exact"
    blocks = db.execute(
        "SELECT count(*), count(DISTINCT block) FROM link_blocks WHERE num = (SELECT num FROM items WHERE id = ?)",
        [odd],
    ).fetchone()
    assert blocks[0] == blocks[1] > 0
    late = add(db, "s3", "Inspectors found mfghgrm nhpxqdr residue in the municipal water supply near Brest.")
    assert link_items(db, [late]).items == 1  # through the index
    assert linked(db, late, odd) and cluster_of(db, late) == cluster_of(db, same) == odd  # a repeat: one link
    link_items(db)  # and a second full run rebuilds it again
    assert len(links(db)) == 2 and others


def test_items_changed_by_another_process_during_a_full_run(tmp_path, monkeypatch):
    """A re-ingest that commits between the read and the index rebuild of a full run."""
    from workbench.link import index, linker

    path = tmp_path / "race.db"
    db = open_db(path)
    a, b = add(db, "s1", SIMILAR[0]), add(db, "s2", SIMILAR[1])
    for i, text in enumerate(OTHER):
        add(db, f"o{i}", text)
    num_b = db.execute("SELECT num FROM items WHERE id = ?", [b]).fetchone()[0]
    other = open_db(path)
    loaded = linker.load_corpus

    def load_then_reingest(*args, **kwargs):
        corpus = loaded(*args, **kwargs)
        with write_transaction(other):  # b's source re-ingested: b gone, c in its place
            other.execute("DELETE FROM items WHERE id = ?", [b])
        add(other, "s2", SIMILAR[2], item_id="s2-new")
        return corpus

    monkeypatch.setattr(linker, "load_corpus", load_then_reingest)
    link_items(db)  # must not fail on the vanished item
    monkeypatch.setattr(linker, "load_corpus", loaded)
    assert all(b not in pair for pair in links(db))
    assert not db.execute("SELECT 1 FROM link_signatures WHERE num = ?", [num_b]).fetchone()  # no phantom
    # the index is not left holding the snapshot (b, no c): the next run does not trust it
    assert not index.covers(db, [])
    d = add(db, "s3", SIMILAR[0].replace("arrest", "detention"))
    link_items(db, [d])
    assert linked(db, d, a) and linked(db, d, "s2-new")
    assert cluster_of(db, d) == cluster_of(db, a) == cluster_of(db, "s2-new") is not None
    other.conn.close()


def test_stale_index_with_equal_counts_is_not_trusted(tmp_path):
    db = open_db(tmp_path / "stale.db")
    a, b = add(db, "s1", SIMILAR[0]), add(db, "s2", SIMILAR[1])
    for i, text in enumerate(OTHER):
        add(db, f"o{i}", text)
    link_items(db)
    num_b = db.execute("SELECT num FROM items WHERE id = ?", [b]).fetchone()[0]
    signature = db.execute("SELECT * FROM link_signatures WHERE num = ?", [num_b]).fetchone()
    with write_transaction(db):  # b deleted and c added, but the index restored as it was
        db.execute("DELETE FROM items WHERE id = ?", [b])
        db.execute("INSERT INTO link_signatures VALUES (?, ?, ?, ?, ?, ?, ?)", signature)
    c = add(db, "s2", SIMILAR[2])
    d = add(db, "s3", SIMILAR[0].replace("arrest", "detention"))
    link_items(db, [d])  # the phantom b may not be looked up, and c must be found
    assert linked(db, d, c) and linked(db, d, a)


def test_a_decision_follows_an_edited_item_on_reingest(tmp_path):
    db = open_db(tmp_path / "w.db")
    a, b = write(tmp_path, "a.txt", ARTICLE_A), write(tmp_path, "b.txt", ARTICLE_B)
    ingest(db, [str(a), str(b)], workers=1)
    first, second = quote_ids(db)
    set_link_state(db, first, second, "rejected", reviewer="ana")
    decided = linked(db, first, second)
    b.write_text(ARTICLE_B.replace("to the end", "to the very end"), encoding="utf-8")
    ingest(db, [str(a), str(b)], workers=1)  # b's quote gets a new id
    quotes = quote_ids(db)
    assert len(quotes) == 2 and set(quotes) != {first, second}
    assert len(links(db)) == 1
    link = linked(db, *quotes)
    assert link["state"] == "rejected" and link["decided_by"] == "ana" and link["decided_at"] == decided["decided_at"]
    assert cluster_of(db, quotes[0]) is None and cluster_of(db, quotes[1]) is None
    # its drift still reads item_a -> item_b, whichever side the new id sorts on
    text_a = db.execute("SELECT text FROM items WHERE id = ?", [link["item_a"]]).fetchone()[0]
    sides = {(a, b) for _, a, b in json.loads(link["drift"])}
    assert (("never", "not") in sides) == ("never" in text_a) and (("not", "never") in sides) != ("never" in text_a)
    link_items(db)  # a full run keeps it too
    assert linked(db, *quotes)["state"] == "rejected" and cluster_of(db, quotes[0]) is None
    # confirmed, then edited back: the decision follows again
    set_link_state(db, *quotes, "confirmed", reviewer="bo")
    b.write_text(ARTICLE_B, encoding="utf-8")
    ingest(db, [str(a), str(b)], workers=1)
    assert set(quote_ids(db)) == {first, second}
    assert len(links(db)) == 1 and linked(db, first, second)["state"] == "confirmed"
    assert cluster_of(db, first) == cluster_of(db, second) is not None


def test_a_followed_decision_replaces_a_suggestion_but_never_another_decision(tmp_path):
    from workbench.store.follow import follow_decisions

    db = open_db(tmp_path / "follow.db")
    ids = {name: add(db, name, SIMILAR[0], item_id=name) for name in ("b-old", "a-new", "c-x", "d-y", "z-new")}
    row = (
        "INSERT INTO links (item_a, item_b, score, method, state, drift, conflict, created_at, decided_by, decided_at)"
    )
    with write_transaction(db):
        db.execute(
            f"{row} VALUES ('b-old', 'c-x', 90, 'fuzzy', 'rejected', ?, NULL, ?, 'ana', ?)",
            [json.dumps([["insert", "", "very"]]), STAMP, STAMP],
        )
        db.execute(f"{row} VALUES ('a-new', 'c-x', 91, 'fuzzy', 'suggested', NULL, NULL, ?, NULL, NULL)", [STAMP])
        db.execute(f"{row} VALUES ('b-old', 'd-y', 92, 'fuzzy', 'confirmed', NULL, NULL, ?, 'bo', ?)", [STAMP, STAMP])
        db.execute(f"{row} VALUES ('d-y', 'z-new', 93, 'fuzzy', 'rejected', NULL, NULL, ?, 'cy', ?)", [STAMP, STAMP])
        assert follow_decisions(db, {"b-old": "a-new"}) == 2
    assert ids and set(links(db)) == {("a-new", "c-x"), ("a-new", "d-y"), ("d-y", "z-new")}
    assert (linked(db, "a-new", "c-x")["state"], linked(db, "a-new", "c-x")["decided_by"]) == ("rejected", "ana")
    assert linked(db, "a-new", "d-y")["state"] == "confirmed"
    with write_transaction(db):  # the pair already decided otherwise: the old decision stays where it was
        db.execute(f"{row} VALUES ('b-old', 'd-y', 92, 'fuzzy', 'confirmed', NULL, NULL, ?, 'bo', ?)", [STAMP, STAMP])
        assert follow_decisions(db, {"b-old": "z-new"}) == 0
    assert linked(db, "d-y", "z-new")["decided_by"] == "cy" and linked(db, "b-old", "d-y")["decided_by"] == "bo"
    with write_transaction(db):  # the new id sorts after the partner: the sides of drift and conflict swap
        db.execute(
            f"{row} VALUES ('m-old', 'q', 95, 'number-conflict', 'rejected', ?, ?, ?, 'ana', ?)",
            [
                json.dumps([["insert", "", "very"], ["replace", "5", "7"]]),
                json.dumps([{"unit": "%", "value_a": 5, "value_b": 7}]),
                STAMP,
                STAMP,
            ],
        )
        assert follow_decisions(db, {"m-old": "r-new"}) == 1
    moved = linked(db, "q", "r-new")
    assert (moved["item_a"], moved["state"]) == ("q", "rejected")
    assert json.loads(moved["drift"]) == [["delete", "very", ""], ["replace", "7", "5"]]
    assert json.loads(moved["conflict"]) == [{"unit": "%", "value_a": 7, "value_b": 5}]


def random_texts(count: int, seed: int) -> list[str]:
    """Sorted token strings from a small vocabulary, with near-copies and contained
    sentences among them, some with more distinct tokens than a 64-bit mask has bits."""
    rng = random.Random(seed)
    vocabulary = [f"w{index}" for index in range(150)]
    texts = []
    for _ in range(count):
        if texts and rng.random() < 0.5:
            tokens = rng.choice(texts).split()
            if rng.random() < 0.5:
                tokens = rng.sample(tokens, max(1, len(tokens) - rng.randint(0, 3)))  # part of it
            tokens += rng.sample(vocabulary, rng.randint(0, 3))  # and a little more
        else:
            tokens = rng.sample(vocabulary, rng.choice([rng.randint(3, 12), rng.randint(60, 90)]))
        texts.append(" ".join(sorted(tokens)))
    return texts


def test_pruned_scoring_finds_every_pair_full_scoring_puts_at_the_threshold():
    texts = random_texts(400, seed=3)
    sizes = np.array([len(set(text.split())) for text in texts])
    a, b = (np.array(side) for side in zip(*itertools.combinations(range(len(texts)), 2)))
    full, full_inside = score_pairs(texts, sizes, a, b, 0)
    for threshold in (82, 60):
        pruned, pruned_inside = score_pairs(texts, sizes, a, b, threshold)
        at = full >= threshold
        assert at.sum() > 100 and full_inside[at].sum() > 20  # the test pairs reach it both ways
        assert np.array_equal(pruned >= threshold, at)
        assert np.array_equal(pruned[at], full[at]) and np.array_equal(pruned_inside[at], full_inside[at])


def test_a_pair_scores_token_ratio_when_contained_and_ratio_otherwise():
    """The linker's score, whatever the pruning: rapidfuzz's token_ratio for a pair the
    shorter of which is inside the longer, plain ratio of the sorted tokens for the others."""
    texts = random_texts(300, seed=11)
    sizes = np.array([len(set(text.split())) for text in texts])
    a, b = (np.array(side) for side in zip(*itertools.combinations(range(len(texts)), 2)))
    inside = np.array([min(sizes[i], sizes[j]) >= CONTAIN_MIN and contained(texts[i], texts[j]) for i, j in zip(a, b)])
    expected = np.array(
        [
            fuzz.token_ratio(texts[i], texts[j]) if flag else fuzz.ratio(texts[i], texts[j])
            for i, j, flag in zip(a, b, inside)
        ]
    )
    assert (
        inside.sum() > 50
        and (expected[~inside] < [fuzz.token_ratio(texts[i], texts[j]) for i, j in zip(a[~inside], b[~inside])]).any()
    )
    for threshold in (0, 82):
        scores, flags = score_pairs(texts, sizes, a, b, threshold)
        at = expected >= threshold
        assert at.sum() > 100
        assert np.allclose(scores[at], expected[at], atol=1e-4) and (scores[~at] < threshold).all()
        assert np.array_equal(
            flags[at], inside[at] & (expected[at] > [fuzz.ratio(texts[i], texts[j]) for i, j in zip(a[at], b[at])])
        )


def test_token_masks_never_rule_out_a_contained_pair():
    texts = np.array(random_texts(300, seed=5), dtype=object)
    a, b = (np.array(side) for side in zip(*itertools.combinations(range(len(texts)), 2)))
    masks = token_masks(texts, np.arange(len(texts)))
    may = masks.may_contain(a, b)
    inside = np.array([contained(texts[i], texts[j]) for i, j in zip(a.tolist(), b.tolist())])
    assert inside.sum() > 50 and not (inside & ~may).any()
    assert may.mean() < 0.5  # and it does rule pairs out


def test_index_rows_are_written_many_to_a_statement(db):
    db.execute("CREATE TEMP TABLE written (block INTEGER, num INTEGER)")
    rows = np.arange(2 * (3 * index.ROWS_PER_INSERT + 7)).reshape(-1, 2)
    index._insert_pairs(db, "INSERT INTO temp.written", rows)
    written = db.execute("SELECT block, num FROM temp.written ORDER BY block").fetchall()
    assert written == [tuple(row) for row in rows.tolist()]


def test_candidate_pairs_when_every_item_is_new_are_all_pairs():
    rng = np.random.default_rng(11)
    sizes = rng.integers(2, 12, 200)
    starts = np.r_[0, np.cumsum(sizes)[:-1]]
    # an item at most once per group, as groups() gives them
    members = np.concatenate([rng.choice(300, size, replace=False) for size in sizes])
    everything = decode(candidate_codes(members, starts, sizes))
    all_new = decode(candidate_codes(members, starts, sizes, np.ones(300, dtype=bool)))
    some_new = np.zeros(300, dtype=bool)
    some_new[::3] = True
    partial = decode(candidate_codes(members, starts, sizes, some_new))
    assert all(np.array_equal(x, y) for x, y in zip(everything, all_new)) and len(everything[0]) > 500
    involved = some_new[everything[0]] | some_new[everything[1]]
    assert np.array_equal(partial[0], everything[0][involved]) and np.array_equal(partial[1], everything[1][involved])
