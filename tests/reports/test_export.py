"""``workbench export`` in every format, on a real database built from the fixtures.

The database holds the two fixture articles (with outlet, URL and date headers), a
third outlet's edited copy of one of them (so the linker finds clusters, quote drift
and a number conflict), a few verdicts, and one hostile source inserted directly whose
title, URL and items try HTML, Markdown and spreadsheet-formula injection.
"""

from __future__ import annotations

import csv
import io
import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner
from markdown_it import MarkdownIt
from newsroom import item_in, write_corpus
from paths import ROOT

from workbench.cli import cli
from workbench.link import link_items
from workbench.pipeline import ingest
from workbench.reports import json_export
from workbench.store.database import open_db, write_transaction
from workbench.store.reviews import mark

HOSTILE_SOURCE = "badbadbad000"
HOSTILE = {
    "h-script": ("claim", "We will <script>alert('x')</script> win [click](javascript:alert(1)) and *win* _big_"),
    "h-heading": ("claim", "# Not a heading\n- not a list <img src=x onerror=alert(1)>"),
    "h-eq": ("claim", '=HYPERLINK("http://evil.example","click")'),
    "h-plus": ("quote", "+SUM(1,2)"),
    "h-minus": ("claim", "-2+3 is what they said"),
    "h-at": ("claim", "@SUM(A1:A2)"),
    "h-tab": ("claim", "\tindented"),
    "h-cr": ("claim", "\rreturned"),
}
ORGANIZATION = '[organization]\nname = "Test Desk"\nurl = "https://desk.example/"\n'


@pytest.fixture(scope="module")
def newsroom(tmp_path_factory) -> dict:
    base = tmp_path_factory.mktemp("export")
    write_corpus(base / "corpus")
    path = base / "workbench.db"
    db = open_db(path)
    ingest(db, [str(base / "corpus")], workers=1)
    link_items(db)
    stamp = "2026-01-01T00:00:00+00:00"
    with write_transaction(db):
        db["sources"].insert(
            {
                "id": HOSTILE_SOURCE,
                "key": "hostile",
                "path": "/corpus/hostile.txt",
                "outlet": "Evil <b>Corp</b>",
                "title": "Budget row <script>alert(1)</script> [x](javascript:alert(2))",
                "url": "javascript:alert(1)",
                "published": "2020-09-20",
                "sha256": "0",
                "text": "",
                "links": "[]",
                "format": "txt",
                "extractor": "test",
                "ingested_at": stamp,
            }
        )
        for seq, (id_, (kind, text)) in enumerate(HOSTILE.items()):
            db["items"].insert(
                {
                    "id": id_,
                    "source_id": HOSTILE_SOURCE,
                    "seq": seq,
                    "kind": kind,
                    "text": text,
                    "speaker": "Mallory <i>",
                    "start": 0,
                    "end": len(text),
                    "paragraph": 0,
                    "score": 0.5,
                    "first_seen": stamp,
                }
            )
    ids = {
        "five": item_in(db, "Reuters", "some 5% of all"),
        "drift_a": item_in(db, "Reuters", "IT-related businessmen are willing"),
        "drift_b": item_in(db, "Daily Planet", "IT businessmen are ready"),
        "protests": item_in(db, "Reuters", "Mass protests have rocked"),
        "moscow": item_in(db, "The Moscow Times", "Lukashenko"),
    }
    mark(db, ids["five"], "false", note="-Closer to 3%, says the statistics office.", reviewer="alice")
    mark(db, ids["drift_a"], "misleading", note="@desk check the wording", reviewer="bob")
    mark(db, ids["protests"], "in-progress", reviewer="bob")
    mark(db, ids["protests"], "true", note="Widely reported.", reviewer="bob")
    mark(db, ids["moscow"], "unverifiable", reviewer="carol")
    mark(db, "h-script", "false", note="<script>alert('note')</script>", reviewer="alice")
    mark(db, "h-eq", "unverifiable", note="=1+1", reviewer="alice")
    mark(db, "h-minus", "in-progress", reviewer="alice")
    db.conn.close()
    config = base / "desk.toml"  # not workbench.toml: without --config the defaults apply
    config.write_text(ORGANIZATION, encoding="utf-8")
    return {"path": path, "config": config, "base": base, **ids}


def export(newsroom, *args: str, config: bool = True):
    arguments = ["export", "--db", str(newsroom["path"]), *args]
    if config:
        arguments += ["--config", str(newsroom["config"])]
    return CliRunner().invoke(cli, arguments, catch_exceptions=False)


def ok(result) -> str:
    assert result.exit_code == 0, result.stderr
    return result.stdout


def csv_rows(newsroom, *args: str) -> list[dict]:
    return list(csv.DictReader(io.StringIO(ok(export(newsroom, "--format", "csv", *args)), newline="")))


def item_count(newsroom, where: str = "1") -> int:
    db = open_db(newsroom["path"], readonly=True)
    return db.execute(f"SELECT count(*) FROM items WHERE {where}").fetchone()[0]


# --- every format -----------------------------------------------------------------


@pytest.mark.parametrize("format_", ["md", "html", "csv", "json", "jsonl", "claimreview"])
def test_every_format_writes_a_file(newsroom, tmp_path, format_):
    target = tmp_path / f"out.{format_}"
    result = export(newsroom, "--format", format_, "-o", str(target))
    assert result.exit_code == 0, result.stderr
    assert result.stdout == ""
    assert re.fullmatch(r"exported [\d,]+ items to .*\n", result.stderr)
    assert target.stat().st_size > 500
    assert not list(tmp_path.glob(".*.tmp"))


def test_format_follows_the_output_extension(newsroom, tmp_path):
    target = tmp_path / "report.html"
    ok(export(newsroom, "-o", str(target)))
    assert target.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")


def test_stdout_is_the_default_and_dash_means_stdout(newsroom):
    assert ok(export(newsroom, "--format", "md")).startswith("# Verdict report")
    assert ok(export(newsroom, "--format", "md", "-o", "-")).startswith("# Verdict report")


def test_real_command_streams_to_stdout(newsroom):
    command = [
        str(Path(sys.executable).parent / "workbench"),
        "export",
        "--db",
        str(newsroom["path"]),
        "--format",
        "jsonl",
        "--kind",
        "quote",
        "-o",
        "-",
    ]
    result = subprocess.run(command, capture_output=True, text=True, timeout=120, encoding="utf-8")
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert len(lines) == item_count(newsroom, "kind = 'quote'")
    assert all(json.loads(line)["kind"] == "quote" for line in lines)


# --- errors -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--format", "xml"), "'xml': unknown format"),
        (("--status", "fake-news"), "'fake-news': unknown status"),
        (("--status", "false,bogus"), "'bogus': unknown status"),
        (("--kind", "rumour"), "'rumour': unknown kind"),
        (("--source", "nosuchsource"), "nosuchsource: no such source"),
    ],
)
def test_bad_arguments_fail_with_one_line(newsroom, args, message):
    result = export(newsroom, *args)
    assert result.exit_code == 1
    assert result.stdout == ""
    assert result.stderr.count("\n") == 1 and result.stderr.startswith("error: ") and message in result.stderr


def test_missing_database_and_config_fail_with_one_line(newsroom, tmp_path):
    result = CliRunner().invoke(cli, ["export", "--db", str(tmp_path / "none.db")])
    assert result.exit_code == 1 and result.stderr.count("\n") == 1 and "no such database" in result.stderr
    result = CliRunner().invoke(cli, ["export", "--db", str(newsroom["path"]), "--config", str(tmp_path / "x.toml")])
    assert result.exit_code == 1 and result.stderr.count("\n") == 1 and "no such configuration file" in result.stderr


def test_claimreview_without_organization_is_refused_and_writes_nothing(newsroom, tmp_path):
    target = tmp_path / "claims.jsonld"
    result = export(newsroom, "--format", "claimreview", "-o", str(target), config=False)
    assert result.exit_code == 1 and result.stderr.count("\n") == 1 and "[organization]" in result.stderr
    assert not target.exists() and not list(tmp_path.iterdir())


# --- filters ----------------------------------------------------------------------


def test_status_filter_repeated_or_comma_separated(newsroom):
    assert {row["status"] for row in csv_rows(newsroom, "--status", "false")} == {"false"}
    both = csv_rows(newsroom, "--status", "false", "--status", "true")
    assert both == csv_rows(newsroom, "--status", "false,true")
    assert {row["status"] for row in both} == {"false", "true"}
    assert len(both) == item_count(newsroom, "status IN ('false', 'true')")


def test_kind_filter(newsroom):
    rows = csv_rows(newsroom, "--kind", "claim")
    assert {row["kind"] for row in rows} == {"claim"}
    assert len(rows) == item_count(newsroom, "kind = 'claim'")


def test_source_filter_takes_ids_and_prefixes(newsroom):
    db = open_db(newsroom["path"], readonly=True)
    reuters = db.execute("SELECT id FROM sources WHERE outlet = 'Reuters'").fetchone()[0]
    rows = csv_rows(newsroom, "--source", reuters[:7], "--source", HOSTILE_SOURCE)
    assert {row["source_id"] for row in rows} == {reuters, HOSTILE_SOURCE}
    assert len(rows) == item_count(newsroom, f"source_id IN ('{reuters}', '{HOSTILE_SOURCE}')")


def test_reviewed_only_leaves_out_workflow_states(newsroom):
    rows = csv_rows(newsroom, "--reviewed-only")
    assert {row["status"] for row in rows} == {"false", "misleading", "true", "unverifiable"}
    assert len(rows) == item_count(newsroom, "status NOT IN ('unreviewed', 'in-progress')")


def test_filters_combine(newsroom):
    rows = csv_rows(newsroom, "--reviewed-only", "--kind", "claim", "--status", "false,unverifiable")
    assert rows and all(row["kind"] == "claim" and row["status"] in {"false", "unverifiable"} for row in rows)


# --- CSV --------------------------------------------------------------------------


def test_csv_has_a_header_and_one_row_per_item(newsroom):
    rows = csv_rows(newsroom)
    assert len(rows) == item_count(newsroom)
    assert {"id", "status", "text", "note", "reviewer", "source_url", "cluster_id", "cluster_sources"} <= set(rows[0])
    five = next(row for row in rows if row["id"] == newsroom["five"])
    assert five["status_label"] == "False" and five["reviewer"] == "alice" and five["source_outlet"] == "Reuters"
    drift = next(row for row in rows if row["id"] == newsroom["drift_a"])
    assert drift["cluster_size"] == "2" and drift["cluster_sources"] == "https://planet.example/belarus"


def test_csv_neutralises_formula_cells(newsroom):
    rows = {row["id"]: row for row in csv_rows(newsroom)}
    for id_, (_, text) in HOSTILE.items():
        cell = rows[id_]["text"]
        if text[0] in "=+-@":
            assert cell == "'" + text
        else:
            assert cell == text.replace("\t", "␉").replace("\r", "␍")  # controls made visible
    assert rows["h-eq"]["note"] == "'=1+1"
    assert rows[newsroom["five"]]["note"].startswith("'-Closer")
    assert rows[newsroom["drift_a"]]["note"] == "'@desk check the wording"
    cells = [value for row in rows.values() for value in row.values()]
    assert not [cell for cell in cells if cell.startswith(("=", "+", "-", "@", "\t", "\r"))]


def test_csv_is_utf8(newsroom, tmp_path):
    target = tmp_path / "items.csv"
    ok(export(newsroom, "-o", str(target)))
    assert "Belarus’" in target.read_bytes().decode("utf-8")


# --- HTML -------------------------------------------------------------------------


def test_html_is_self_contained_and_escaped(newsroom):
    page = ok(export(newsroom, "--format", "html", "--all"))
    lowered = page.lower()
    assert "<script" not in lowered and "onerror=" not in lowered.replace("onerror=alert", "")
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;" in page
    assert "&lt;img src=x onerror=alert(1)&gt;" in page
    assert "Evil &lt;b&gt;Corp&lt;/b&gt;" in page and "Mallory &lt;i&gt;" in page
    for attribute in ("src=", "<link", "@import", "url(", "@font-face", "<iframe", "<object"):
        assert attribute not in lowered.replace("src=x", "")
    hrefs = [href for href in re.findall(r'href="([^"]*)"', page) if not href.startswith("#item-")]
    assert hrefs and all(href.startswith(("https://", "http://")) for href in hrefs)
    assert "javascript:alert(1)" not in "".join(hrefs)
    assert "<svg" in page and "@media print" in page and "Content-Security-Policy" in page


def test_html_summary_and_items(newsroom):
    page = ok(export(newsroom, "--format", "html", "--all"))
    assert f"<b>{item_count(newsroom):,}</b>items" in page
    for label in ("Unreviewed", "False", "Misleading", "True", "Unverifiable"):
        assert f">{label}</text>" in page  # a bar in the status chart
    assert ">alice<" in page and ">carol<" in page  # reviewers
    assert page.count('<article class="item"') == item_count(newsroom)
    assert "-Closer to 3%, says the statistics office." in page
    assert '<a href="https://planet.example/belarus">Belarus tech workers head west</a>' in page


def test_reports_show_number_conflicts(newsroom):
    page = ok(export(newsroom, "--format", "html", "--status", "false"))
    assert "Figures disagree in" in page and '<span class="conflict">5% here, 7% there</span>' in page
    assert "Figures disagree in 1 item</h3>" in page
    text = ok(export(newsroom, "--format", "md", "--status", "false"))
    assert "- **Figures disagree in** 1 item:" in text
    assert "some 7% of all Belarusian exports.” (5% here, 7% there)" in text


def test_html_marks_quote_drift(newsroom):
    page = ok(export(newsroom, "--format", "html", "--status", "misleading"))
    assert "<del>IT-related</del>" in page and "<ins>IT</ins>" in page
    assert "<del>willing</del>" in page and "<ins>ready</ins>" in page


# --- Markdown ---------------------------------------------------------------------


def test_markdown_escapes_corpus_text(newsroom):
    text = ok(export(newsroom, "--format", "md"))
    rendered = MarkdownIt("commonmark").enable("table").enable("strikethrough").render(text)
    assert "<script" not in rendered and "<img" not in rendered
    assert "javascript:" not in "".join(re.findall(r'href="([^"]*)"', rendered))
    assert all(href.startswith(("https://", "http://")) for href in re.findall(r'href="([^"]*)"', rendered))
    assert "<em>win</em>" not in rendered and "<em>big</em>" not in rendered
    assert "<h1>Not a heading" not in rendered
    assert "We will &lt;script&gt;alert('x')&lt;/script&gt; win [click](javascript:alert(1))" in rendered


def test_markdown_report_content(newsroom):
    text = ok(export(newsroom, "--format", "md", "--all"))
    assert text.startswith("# Verdict report\n")
    assert "## Summary" in text and "### By status" in text and "### Reviewers" in text
    assert "| False | 2 |" in text
    assert "[Belarus tech workers head west](https://planet.example/belarus)" in text
    assert text.count("\n### ") - 3 == item_count(newsroom)  # item headings besides the three summary ones


def test_markdown_marks_quote_drift(newsroom):
    text = ok(export(newsroom, "--format", "md", "--status", "misleading"))
    assert "~~IT-related~~ **IT**" in text and "~~willing~~ **ready**" in text


# --- JSON and JSON lines ----------------------------------------------------------

ITEM_KEYS = [
    "id",
    "kind",
    "text",
    "speaker",
    "role",
    "cue",
    "attribution",
    "status",
    "status_label",
    "status_changed_at",
    "score",
    "numbers",
    "paragraph",
    "start",
    "end",
    "seq",
    "first_seen",
    "cut",
    "headline",
    "segments",
    "quoted",
    "cluster_id",
    "cluster_size",
    "cluster_sources",
    "source",
    "verdict",
    "review_count",
    "reviews",
    "links",
    "cluster",
    "checks",
]
SOURCE_KEYS = ["id", "title", "outlet", "author", "url", "published", "path", "format"]
VERDICT_KEYS = ["review_id", "status", "note", "reviewer", "created_at", "text_changed", "changed"]
REVIEW_KEYS = ["id", "status", "note", "reviewer", "created_at", "based_on", "item_text", "moved_from"]
LINK_KEYS = ["item_id", "score", "method", "state", "drift", "conflict", "created_at", "decided_by", "decided_at"]
MEMBER_KEYS = ["item_id", "kind", "text", "speaker", "status", "source"]


def check_item(item: dict) -> None:
    assert list(item) == ITEM_KEYS
    assert list(item["source"]) == SOURCE_KEYS
    assert item["verdict"] is None or list(item["verdict"]) == VERDICT_KEYS
    assert all(list(review) == REVIEW_KEYS for review in item["reviews"])
    assert len(item["reviews"]) == item["review_count"]
    assert all(list(link) == LINK_KEYS for link in item["links"])
    assert all(list(member) == MEMBER_KEYS and list(member["source"]) == SOURCE_KEYS for member in item["cluster"])


def test_documented_keys_match_the_code():
    documented = (ROOT / "db" / "EXPORTS.md").read_text(encoding="utf-8")
    assert list(json_export.ITEM_KEYS) == ITEM_KEYS
    for key in ITEM_KEYS + SOURCE_KEYS + VERDICT_KEYS + REVIEW_KEYS + LINK_KEYS:
        assert f'"{key}"' in documented or f"`{key}`" in documented, key


def test_json_document(newsroom):
    document = json.loads(ok(export(newsroom, "--format", "json", "--reviewed-only")))
    assert list(document) == ["format", "version", "exported_at", "filters", "statuses", "items"]
    assert document["format"] == "workbench-export" and document["version"] == 2
    assert document["filters"] == {"statuses": [], "kind": None, "sources": [], "reviewed_only": True}
    assert [status["id"] for status in document["statuses"]][:2] == ["unreviewed", "in-progress"]
    assert {status["id"]: status["rating"] for status in document["statuses"]}["false"] == 1
    items = document["items"]
    assert len(items) == item_count(newsroom, "status NOT IN ('unreviewed', 'in-progress')")
    for item in items:
        check_item(item)
    protests = next(item for item in items if item["id"] == newsroom["protests"])
    assert [review["status"] for review in protests["reviews"]] == ["in-progress", "true"]
    assert protests["verdict"]["status"] == "true" and protests["verdict"]["reviewer"] == "bob"
    drift = next(item for item in items if item["id"] == newsroom["drift_a"])
    assert drift["cluster"][0]["item_id"] == newsroom["drift_b"]
    assert drift["cluster"][0]["source"]["outlet"] == "Daily Planet"
    assert drift["links"][0]["drift"] == [["replace", "IT-related", "IT"], ["replace", "willing", "ready"]]
    five = next(item for item in items if item["id"] == newsroom["five"])
    conflict = next(link for link in five["links"] if link["method"] == "number-conflict")
    assert conflict["conflict"] == [{"unit": "percent", "value_a": 5.0, "value_b": 7.0}]


def test_empty_json_is_still_valid(newsroom):
    document = json.loads(ok(export(newsroom, "--format", "json", "--status", "mostly-true")))
    assert document["items"] == []
    assert json.loads(ok(export(newsroom, "--format", "claimreview", "--status", "mostly-true"))) == []


def test_jsonl_matches_json(newsroom):
    lines = ok(export(newsroom, "--format", "jsonl")).splitlines()
    document = json.loads(ok(export(newsroom, "--format", "json")))
    assert len(lines) == len(document["items"]) == item_count(newsroom)
    for line, item in zip(lines, document["items"]):
        parsed = json.loads(line)
        check_item(parsed)
        assert parsed == item


# --- ClaimReview ------------------------------------------------------------------


def claim_reviews(newsroom, *args: str) -> dict[str, dict]:
    reviews = json.loads(ok(export(newsroom, "--format", "claimreview", *args)))
    return {review["identifier"]: review for review in reviews}


def test_claimreview_required_fields_and_ratings(newsroom):
    reviews = claim_reviews(newsroom)
    assert set(reviews) == {
        newsroom["five"],
        newsroom["drift_a"],
        newsroom["protests"],
        newsroom["moscow"],
        "h-script",
        "h-eq",
    }
    for review in reviews.values():
        assert review["@context"] == "https://schema.org" and review["@type"] == "ClaimReview"
        assert review["url"] == f"https://desk.example/#{review['identifier']}"
        assert review["claimReviewed"] and re.fullmatch(r"\d{4}-\d{2}-\d{2}", review["datePublished"])
        assert review["author"] == {"@type": "Organization", "name": "Test Desk", "url": "https://desk.example/"}
        assert review["reviewRating"]["@type"] == "Rating" and review["itemReviewed"]["@type"] == "Claim"
    assert reviews[newsroom["five"]]["reviewRating"] == {
        "@type": "Rating",
        "ratingValue": 1,
        "bestRating": 4,
        "worstRating": 1,
        "alternateName": "False",
    }
    assert reviews[newsroom["drift_a"]]["reviewRating"]["ratingValue"] == 2
    assert reviews[newsroom["protests"]]["reviewRating"]["ratingValue"] == 4
    assert reviews[newsroom["moscow"]]["reviewRating"] == {"@type": "Rating", "alternateName": "Unverifiable"}


def test_claimreview_appearances_come_from_the_cluster(newsroom):
    review = claim_reviews(newsroom)[newsroom["drift_a"]]
    claim = review["itemReviewed"]
    assert claim["author"] == {"@type": "Person", "name": "Belarus Hi-Tech Park"}
    assert [work["url"] for work in claim["appearance"]] == [
        "https://www.reuters.example/belarus-it",
        "https://planet.example/belarus",
    ]
    assert claim["firstAppearance"]["url"] == "https://www.reuters.example/belarus-it"
    assert claim["datePublished"] == "2020-09-14"
    hostile = claim_reviews(newsroom)["h-script"]["itemReviewed"]
    assert "appearance" not in hostile  # its only URL is javascript:, which is never published


def test_claimreview_rating_scale_and_url_are_configurable(newsroom, tmp_path):
    # The configuration relabels statuses in the database: work on a copy.
    copy = {**newsroom, "path": tmp_path / "copy.db", "config": tmp_path / "scale.toml"}
    shutil.copy(newsroom["path"], copy["path"])
    copy["config"].write_text(
        ORGANIZATION
        + '[claimreview]\nurl = "https://desk.example/checks/{id}"\n'
        + "".join(
            f'[[statuses]]\nid = "{id_}"\nlabel = "{label}"\n' + (f"rating = {rating}\n" if rating is not None else "")
            for id_, label, rating in (
                ("unreviewed", "Unreviewed", None),
                ("in-progress", "In progress", None),
                ("true", "Correct", 10),
                ("mostly-true", "Mostly true", 7),
                ("misleading", "Misleading", None),
                ("false", "Wrong", 0),
                ("unverifiable", "Unverifiable", 5),
            )
        ),
        encoding="utf-8",
    )
    reviews = claim_reviews(copy)
    five = reviews[newsroom["five"]]
    assert five["url"] == f"https://desk.example/checks/{newsroom['five']}"
    assert five["reviewRating"] == {
        "@type": "Rating",
        "ratingValue": 0,
        "bestRating": 10,
        "worstRating": 0,
        "alternateName": "Wrong",
    }
    assert reviews[newsroom["moscow"]]["reviewRating"]["ratingValue"] == 5
    assert reviews[newsroom["drift_a"]]["reviewRating"] == {"@type": "Rating", "alternateName": "Misleading"}


def test_claimreview_respects_filters(newsroom):
    assert set(claim_reviews(newsroom, "--kind", "quote")) == {newsroom["drift_a"]}
    assert set(claim_reviews(newsroom, "--status", "false")) == {newsroom["five"], "h-script"}


def test_the_pieces_of_a_cut_sentence_are_flagged_in_every_format(tmp_path):
    folder = tmp_path / "long"
    folder.mkdir()
    clause = "the budget for roads and schools in the northern districts grew by five percent this year, "
    (folder / "long.txt").write_text(
        "Council budget\n\n" + (clause * 60).rstrip(", ") + ".\n\nThe vote was held at noon on Tuesday.\n",
        encoding="utf-8",
    )
    db_path = tmp_path / "long.db"
    assert CliRunner().invoke(cli, ["ingest", str(folder), "--db", str(db_path)]).exit_code == 0

    def exported(format_: str, *args: str) -> str:
        result = CliRunner().invoke(cli, ["export", "--db", str(db_path), "--format", format_, *args])
        assert result.exit_code == 0, result.output
        return result.output

    rows = list(csv.DictReader(io.StringIO(exported("csv"))))
    assert {row["cut"] for row in rows if row["text"].startswith("The vote")} == {"0"}
    assert {row["cut"] for row in rows if "northern districts" in row["text"]} == {"1"}
    pieces = [item for item in json.loads(exported("json"))["items"] if item["cut"]]
    assert len(pieces) == sum(row["cut"] == "1" for row in rows) > 1
    markdown = exported("md", "--all")
    assert markdown.count("Part of a longer sentence or quotation, cut at a clause boundary.") == len(pieces)
    assert exported("html", "--all").count("Part of a longer sentence or quotation, cut at a clause boundary.") == len(
        pieces
    )
