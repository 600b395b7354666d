"""Clusters of any size, short quotes, paraphrases found by meaning, reviewers' own links."""

from __future__ import annotations

import json
import socket

import pytest
from click.testing import CliRunner
from paths import FIXTURES
from test_link import add, cluster_of, linked, links

from workbench.cli import cli
from workbench.link import LinkError, cluster_members, link_items, set_link_state
from workbench.link.meaning import embed
from workbench.store.database import open_db

VIRAL = "The new bridge will pay for itself within ten years, the transport minister told parliament on Tuesday."


@pytest.fixture
def db(tmp_path):
    database = open_db(tmp_path / "links.db")
    yield database
    database.conn.close()


def test_a_claim_in_two_hundred_sources_is_one_cluster_of_star_links(db):
    ids = [add(db, f"s{n:03d}", VIRAL) for n in range(200)]
    other = add(db, "o1", "Farmers in the south expect a record harvest of winter wheat this summer.")
    summary = link_items(db)
    assert summary.links == summary.repeats == 199  # one link per copy, not 19,900 pairs
    assert {cluster_of(db, item) for item in ids} == {min(ids)} and cluster_of(db, other) is None
    assert len(cluster_members(db, ids[-1])) == 200
    # a copy arriving later joins through the index with one link
    late = add(db, "s999", VIRAL.replace("Tuesday", "Tuesday "))
    assert link_items(db, [late]).items == 1
    assert cluster_of(db, late) == min(ids) and len(links(db)) == 200


def test_repeats_from_one_source_link_to_the_first_copy_elsewhere(db):
    a1, a2 = add(db, "s1", VIRAL), add(db, "s1", VIRAL)
    link_items(db)
    assert links(db) == {}  # one source: nothing to link
    b = add(db, "s2", VIRAL)
    link_items(db, [b])
    assert linked(db, a1, b) and linked(db, a2, b) and cluster_of(db, a2) == a1


SHORT = "The numbers simply do not add up"


def test_short_quotes_link_when_the_same_words_or_the_same_speaker_rewords_them(db):
    a = add(db, "s1", SHORT, kind="quote", speaker="Maria Kolesnikova")
    b = add(db, "s2", SHORT + ".", kind="quote", speaker="Kolesnikova")
    c = add(db, "s3", "The figures simply do not add up", kind="quote", speaker="Maria Kolesnikova")
    d = add(db, "s4", "The figures simply do not add up", kind="quote", speaker="Lukashenko")
    add(db, "s5", "No comment.", kind="quote", speaker="A spokesman")
    add(db, "s6", "No comment.", kind="quote", speaker="A spokesman")
    add(db, "s7", "He said so.", kind="quote", speaker="Someone")
    add(db, "s8", "He said so.", kind="quote", speaker="Someone")
    claim = add(db, "s9", SHORT)  # a claim this short is too generic to link
    link_items(db)
    assert linked(db, a, b)["method"] == "exact"
    assert cluster_of(db, c) == cluster_of(db, a)  # reworded by the same speaker
    assert cluster_of(db, d) == cluster_of(db, c) or linked(db, c, d)  # same words, another speaker
    assert cluster_of(db, claim) is None
    assert set(pair for pair in links(db) if "s5" in pair[0] or "s7" in pair[0]) == set()


def test_a_negation_is_not_a_match_by_words_or_meaning(db):
    a = add(db, "s1", "The vaccine is safe for children under twelve, the regulator said.")
    b = add(db, "s2", "The vaccine is not safe for children under twelve, the regulator said.")
    c = add(db, "s3", "The vaccine is safe for children under twelve, according to the regulator.")
    link_items(db)
    assert linked(db, a, b) is None and linked(db, b, c) is None
    assert cluster_of(db, a) == cluster_of(db, c) is not None


def test_a_claim_restated_in_other_words_links_by_meaning_as_a_suggestion(db):
    a = add(
        db,
        "s1",
        "Lithuania launched an internet page for IT specialists and is helping companies open bank accounts and obtain visas.",
    )
    b = add(
        db, "s2", "Lithuania set up a website for IT specialists and is helping firms open bank accounts and get visas."
    )
    link_items(db)
    link = linked(db, a, b)
    assert link and (link["method"], link["state"]) == ("semantic", "suggested") and 90 <= link["score"] < 100


def test_statements_about_one_person_that_say_different_things_do_not_link(db):
    # close in meaning for static vectors (the same senator, the same race), not the same claim
    pairs = [
        (
            "Sen. Ted Cruz (R-Texas) won the Republican caucus in Iowa on Monday night.",
            "Sen. Ted Cruz, R-Texas, was at seven percent in the Iowa poll on Monday.",
        ),
        (
            "Donald Trump declared in 2012 that people should stop congratulating President Obama for the killing "
            "of Osama bin Laden.",
            "President Obama attempted to stop the killing of Osama bin Laden and failed to credit those who "
            "accomplished it.",
        ),
    ]
    for n, (one, other) in enumerate(pairs):
        add(db, f"s{n}a", one)
        add(db, f"s{n}b", other)
    link_items(db)
    assert links(db) == {}


def test_a_quote_reworded_by_a_second_outlet_links_by_meaning_and_drifts(db):
    a = add(
        db, "s1", "If this government stays, our company will leave the country", kind="quote", speaker="Ivan Orlov"
    )
    b = add(
        db, "s2", "Should this government remain, the firm will no longer operate here", kind="quote", speaker="Orlov"
    )
    c = add(
        db,
        "s3",
        "Should this government remain, the firm will no longer operate here",
        kind="quote",
        speaker="Someone Else",
    )
    link_items(db)
    link = linked(db, a, b)
    assert link and link["method"] == "semantic" and json.loads(link["drift"])
    assert linked(db, a, c) is None  # another speaker's: not the same quote by meaning alone
    assert cluster_of(db, c) == cluster_of(db, b)  # but the same words as b: a repeat


def test_meaning_never_overrides_a_number_conflict(db):
    s1 = "Unemployment in the capital fell to 5 percent last year, the statistics office said."
    s2 = "Joblessness in the capital dropped to 7 percent in the past year, the statistics office said."
    a = add(db, "s1", s1, numbers=[{"text": "5 percent", "value": 5.0, "unit": "percent"}])
    b = add(db, "s2", s2, numbers=[{"text": "7 percent", "value": 7.0, "unit": "percent"}])
    link_items(db)
    assert linked(db, a, b) is None or linked(db, a, b)["method"] == "number-conflict"
    assert cluster_of(db, a) is None


def test_a_reviewer_links_two_items_the_linker_did_not_and_can_take_it_back(db, tmp_path):
    a = add(db, "s1", "Doctors in Gomel signed an open letter against police violence on Friday.")
    b = add(db, "s2", "Railway workers in Brest walked off the job to protest against the arrest of their leader.")
    link_items(db)
    assert linked(db, a, b) is None
    row = set_link_state(db, a, b, "confirmed", reviewer="ana")
    assert (row["method"], row["state"], row["decided_by"]) == ("manual", "confirmed", "ana")
    assert cluster_of(db, a) == cluster_of(db, b) == min(a, b)
    link_items(db)  # survives a full re-link
    assert linked(db, a, b)["state"] == "confirmed" and cluster_of(db, a) == min(a, b)
    row = set_link_state(db, a, b, "suggested", reviewer="bo")
    assert (row["state"], row["decided_by"]) == ("suggested", "bo")
    link_items(db)  # the linker does not make it: gone
    assert linked(db, a, b) is None and cluster_of(db, a) is None
    with pytest.raises(LinkError, match="not linked"):
        set_link_state(db, a, b, "suggested")
    same = add(db, "s1", "Another sentence from the first source about something else entirely.")
    with pytest.raises(LinkError, match="one source"):
        set_link_state(db, a, same, "confirmed")


def test_cli_link_state_creates_and_restores(tmp_path):
    path = tmp_path / "cli.db"
    db = open_db(path)
    add(db, "s1", "Doctors in Gomel signed an open letter against police violence on Friday.", item_id="aaaa1111")
    add(db, "s2", "Farmers in the south expect a record harvest of winter wheat.", item_id="bbbb2222")
    db.conn.close()
    runner = CliRunner()
    result = runner.invoke(cli, ["link-state", "aaaa11", "bbbb22", "confirmed", "--db", str(path), "--reviewer", "ana"])
    assert result.exit_code == 0, result.output
    assert "confirmed (manual" in result.output and "cluster aaaa1111" in result.output
    result = runner.invoke(cli, ["link-state", "aaaa11", "bbbb22", "suggested", "--db", str(path)])
    assert result.exit_code == 0 and "suggested" in result.output


def test_embedding_reads_the_packaged_files_and_never_the_network(monkeypatch):
    def refuse(*args, **kwargs):
        raise AssertionError("tried to connect")

    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    vectors = embed(["unemployment fell sharply last year", "joblessness dropped steeply in the past year", ""])
    assert vectors.shape == (3, 256) and abs(float(vectors[0] @ vectors[0]) - 1) < 1e-5
    assert float(vectors[0] @ vectors[1]) > 0.3 and not vectors[2].any()
    import sys

    assert "wordllama" not in sys.modules  # read, never imported (it would reconfigure logging)


def test_a_conflict_stores_whole_figures_as_integers_and_marks_both_items(db):
    from workbench.store.links import has_conflict

    s1 = "The Belarus Hi-Tech Park has risen to 750 companies since its launch in 2006, government figures show."
    s2 = "The Belarus Hi-Tech Park has risen to 800 companies since its launch in 2006, government figures show."
    a = add(db, "s1", s1, numbers=[{"text": "750 companies", "value": 750.0, "unit": "companies"}])
    b = add(db, "s2", s2, numbers=[{"text": "800 companies", "value": 800.0, "unit": "companies"}])
    c = add(db, "s3", "Farmers in the south expect a record harvest of winter wheat this summer.")
    link_items(db)
    assert json.loads(linked(db, a, b)["conflict"]) == [{"unit": "companies", "value_a": 750, "value_b": 800}]
    assert "750.0" not in linked(db, a, b)["conflict"]
    marked = {row[0] for row in db.execute(f"SELECT id FROM items WHERE {has_conflict()}")}
    assert marked == {a, b} and c not in marked
    set_link_state(db, a, b, "rejected")
    assert not db.execute(f"SELECT count(*) FROM items WHERE {has_conflict()}").fetchone()[0]


def test_a_missing_model_file_is_one_line_naming_it(tmp_path, monkeypatch):
    from workbench.link import meaning

    path = tmp_path / "cli.db"
    db = open_db(path)
    add(db, "s1", "Doctors in Gomel signed an open letter against police violence on Friday.")
    db.conn.close()
    monkeypatch.setattr(meaning, "WEIGHTS", meaning.WEIGHTS.with_name("missing.safetensors"))
    meaning._model.cache_clear()
    try:
        result = CliRunner().invoke(cli, ["link", "--db", str(path)])
    finally:
        meaning._model.cache_clear()
    assert result.exit_code == 1 and result.output.count("\n") == 1
    assert "missing.safetensors: missing from the wordllama package" in result.output


def test_ingest_with_a_missing_model_file_stores_the_articles_and_says_so_in_one_line(tmp_path, monkeypatch):
    from workbench.link import meaning

    article = FIXTURES / "demo_01_wire_syndicated.txt"
    path = tmp_path / "cli.db"
    monkeypatch.setattr(meaning, "WEIGHTS", meaning.WEIGHTS.with_name("missing.safetensors"))
    meaning._model.cache_clear()
    try:
        result = CliRunner().invoke(cli, ["ingest", str(article), "--db", str(path)])
    finally:
        meaning._model.cache_clear()
    assert result.exit_code == 1 and result.output.count("\n") == 1
    assert "missing.safetensors" in result.output and "workbench link" in result.output
    assert open_db(path).execute("SELECT count(*) FROM items").fetchone()[0] > 0
