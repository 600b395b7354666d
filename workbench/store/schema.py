"""The database schema, as sqlite-utils migrations.

The tables and views are a public interface (documented in ``db/README.md``): data
people script them with sqlite-utils and read them in Datasette. Never edit a released
migration; add a new one. ``SCHEMA_VERSION`` (also written to ``PRAGMA user_version``)
is the number of migrations, so a file from a newer release is recognised and refused.
"""

from __future__ import annotations

import os

from sqlite_utils import Database, Migrations

from ..extract.attribution.speakers import short_name

MIGRATION_SET = "workbench"
migrations = Migrations(MIGRATION_SET)

DEFAULT_STATUSES = [
    # id, label, description, colour (Rich colour name)
    ("unreviewed", "Unreviewed", "Nobody has looked at this item yet.", "grey50"),
    ("in-progress", "In progress", "A reviewer is checking this item.", "yellow"),
    ("true", "True", "Accurate, supported by the evidence.", "green"),
    ("mostly-true", "Mostly true", "Accurate but needs clarification or context.", "chartreuse3"),
    ("misleading", "Misleading", "Contains some truth but leaves a false impression.", "dark_orange"),
    ("false", "False", "Not supported by the evidence, or contradicted by it.", "red"),
    ("unverifiable", "Unverifiable", "Cannot be checked with the evidence available.", "medium_purple"),
]


@migrations()
def m001_initial(db: Database) -> None:
    db.executescript(
        """
        CREATE TABLE sources (
            id TEXT PRIMARY KEY,
            key TEXT NOT NULL UNIQUE,
            path TEXT NOT NULL,
            title TEXT,
            outlet TEXT,
            author TEXT,
            url TEXT,
            published TEXT,
            sha256 TEXT NOT NULL,
            text TEXT NOT NULL,
            links TEXT NOT NULL DEFAULT '[]',
            format TEXT NOT NULL,
            extractor TEXT NOT NULL,
            ingested_at TEXT NOT NULL
        );
        CREATE TABLE statuses (
            id TEXT PRIMARY KEY,
            label TEXT NOT NULL,
            description TEXT,
            color TEXT,
            position INTEGER NOT NULL
        );
        CREATE TABLE items (
            num INTEGER PRIMARY KEY,
            id TEXT NOT NULL UNIQUE,
            source_id TEXT NOT NULL REFERENCES sources(id),
            seq INTEGER NOT NULL,
            kind TEXT NOT NULL CHECK (kind IN ('claim', 'quote')),
            text TEXT NOT NULL,
            speaker TEXT,
            role TEXT,
            cue TEXT,
            attribution TEXT,
            start INTEGER NOT NULL,
            "end" INTEGER NOT NULL,
            paragraph INTEGER NOT NULL,
            score REAL NOT NULL DEFAULT 0,
            numbers TEXT NOT NULL DEFAULT '[]',
            cluster_id TEXT,
            status TEXT NOT NULL DEFAULT 'unreviewed',
            review_id INTEGER,
            status_changed_at TEXT,
            first_seen TEXT NOT NULL
        );
        CREATE INDEX items_source ON items(source_id, seq);
        CREATE INDEX items_status ON items(status);
        CREATE INDEX items_score ON items(score);
        CREATE INDEX items_cluster ON items(cluster_id);
        CREATE INDEX items_speaker ON items(speaker);
        CREATE TABLE reviews (
            id INTEGER PRIMARY KEY,
            item_id TEXT NOT NULL,
            status TEXT NOT NULL,
            note TEXT,
            reviewer TEXT,
            created_at TEXT NOT NULL,
            based_on INTEGER,
            item_text TEXT,
            moved_from TEXT
        );
        CREATE INDEX reviews_item ON reviews(item_id, id);
        CREATE INDEX reviews_created ON reviews(created_at);
        CREATE TABLE links (
            item_a TEXT NOT NULL,
            item_b TEXT NOT NULL,
            score REAL NOT NULL,
            method TEXT NOT NULL,
            state TEXT NOT NULL DEFAULT 'suggested'
                CHECK (state IN ('suggested', 'confirmed', 'rejected')),
            drift TEXT,
            created_at TEXT NOT NULL,
            decided_by TEXT,
            decided_at TEXT,
            PRIMARY KEY (item_a, item_b),
            CHECK (item_a < item_b)
        );
        CREATE INDEX links_b ON links(item_b);

        -- items.status/review_id cache the latest review so that filtering a million
        -- items by status needs no window query; these triggers keep it exact.
        CREATE TRIGGER reviews_set_status AFTER INSERT ON reviews BEGIN
            UPDATE items SET status = NEW.status, review_id = NEW.id, status_changed_at = NEW.created_at
            WHERE id = NEW.item_id;
        END;
        CREATE TRIGGER items_take_status AFTER INSERT ON items
        WHEN EXISTS (SELECT 1 FROM reviews WHERE item_id = NEW.id) BEGIN
            UPDATE items SET (status, review_id, status_changed_at) = (
                SELECT status, id, created_at FROM reviews WHERE item_id = NEW.id ORDER BY id DESC LIMIT 1)
            WHERE num = NEW.num;
        END;

        CREATE VIEW item_status AS
            SELECT items.id AS item_id, items.kind, items.source_id, items.speaker, items.text,
                   items.status, reviews.note, reviews.reviewer, reviews.created_at AS reviewed_at,
                   reviews.item_text IS NOT NULL AND reviews.item_text != items.text AS text_changed
            FROM items LEFT JOIN reviews ON reviews.id = items.review_id;
        CREATE VIEW orphan_reviews AS
            SELECT reviews.* FROM reviews
            WHERE NOT EXISTS (SELECT 1 FROM items WHERE items.id = reviews.item_id);
        """
    )
    db["statuses"].insert_all(
        {"id": id_, "label": label, "description": description, "color": color, "position": position}
        for position, (id_, label, description, color) in enumerate(DEFAULT_STATUSES)
    )
    db["items"].enable_fts(["text", "speaker"], create_triggers=True, tokenize="unicode61 remove_diacritics 2")
    # sqlite-utils' update trigger fires on any column; marks and link runs change status
    # and cluster_id constantly, which must not rewrite the search index each time.
    db.executescript(
        """
        DROP TRIGGER items_au;
        CREATE TRIGGER items_au AFTER UPDATE OF text, speaker ON items BEGIN
            INSERT INTO items_fts (items_fts, rowid, text, speaker) VALUES ('delete', old.num, old.text, old.speaker);
            INSERT INTO items_fts (rowid, text, speaker) VALUES (new.num, new.text, new.speaker);
        END;
        """
    )


@migrations()
def m002_linking(db: Database) -> None:
    """Cross-source links: number conflicts, and views over clusters, drift and conflicts."""
    db.executescript(
        """
        -- A number-conflict link's disagreeing figures: [{"unit", "value_a", "value_b"}, ...].
        ALTER TABLE links ADD COLUMN conflict TEXT;
        CREATE INDEX links_state ON links(state, method);

        CREATE VIEW clusters AS
            SELECT cluster_id, count(*) AS size, count(DISTINCT source_id) AS sources,
                   group_concat(DISTINCT kind) AS kinds, group_concat(DISTINCT status) AS statuses,
                   sum(status = 'unreviewed') AS unreviewed, group_concat(DISTINCT speaker) AS speakers,
                   (SELECT first.text FROM items AS first WHERE first.id = items.cluster_id) AS text
            FROM items WHERE cluster_id IS NOT NULL GROUP BY cluster_id;

        CREATE VIEW quote_drift AS
            SELECT links.item_a, links.item_b, a.source_id AS source_a, b.source_id AS source_b,
                   coalesce(a.speaker, b.speaker) AS speaker, links.score, links.state,
                   (SELECT group_concat(json_extract(change.value, '$[1]') || ' -> '
                                        || json_extract(change.value, '$[2]'), '; ')
                    FROM json_each(links.drift) AS change) AS changes,
                   links.drift AS differences, a.text AS text_a, b.text AS text_b
            FROM links JOIN items AS a ON a.id = links.item_a JOIN items AS b ON b.id = links.item_b
            WHERE links.drift IS NOT NULL AND links.state != 'rejected';

        CREATE VIEW number_conflicts AS
            SELECT links.item_a, links.item_b, a.source_id AS source_a, b.source_id AS source_b,
                   json_extract(figure.value, '$.unit') AS unit,
                   json_extract(figure.value, '$.value_a') AS value_a,
                   json_extract(figure.value, '$.value_b') AS value_b,
                   links.score, links.state, a.text AS text_a, b.text AS text_b
            FROM links JOIN items AS a ON a.id = links.item_a JOIN items AS b ON b.id = links.item_b,
                 json_each(links.conflict) AS figure
            WHERE links.method = 'number-conflict' AND links.state != 'rejected';
        """
    )


@migrations()
def m003_review_indexes(db: Database) -> None:
    """Indexes that let the review screen filter by kind, sort by last change and notice new
    articles at a million items."""
    db.executescript(
        """
        -- Filter by kind from the index alone.
        CREATE INDEX items_kind ON items(kind);
        -- Sort by last change: the reviewed items, newest change first, without sorting.
        CREATE INDEX items_changed ON items(status_changed_at DESC);
        -- The latest ingest at a glance: how the screen tells that another process added or
        -- changed articles without reading every article's text.
        CREATE INDEX sources_ingested ON sources(ingested_at);
        """
    )


@migrations()
def m004_link_index(db: Database) -> None:
    """The linker's blocking index, so an incremental link run looks existing items up instead of
    re-normalising them all (see db/LINKING.md)."""
    db.executescript(
        """
        -- Every blocking key with its document frequency when the index was last rebuilt:
        -- the frozen order in which items' prefixes are taken.
        CREATE TABLE link_keys (key TEXT PRIMARY KEY, df INTEGER NOT NULL) WITHOUT ROWID;
        -- Every item as the linker compares it; keys = '' for an item too short or generic to link.
        CREATE TABLE link_signatures (
            num INTEGER PRIMARY KEY,
            source_id TEXT NOT NULL,
            tokens TEXT NOT NULL,
            size INTEGER NOT NULL,
            figures TEXT NOT NULL,
            keys TEXT NOT NULL
        );
        -- The hashed pairs of prefix keys each linkable item is grouped under.
        CREATE TABLE link_blocks (block INTEGER NOT NULL, num INTEGER NOT NULL, PRIMARY KEY (block, num))
            WITHOUT ROWID;
        -- Clusters that lost a member since the last link run (their ids need recomputing).
        CREATE TABLE link_stale_clusters (cluster_id TEXT PRIMARY KEY) WITHOUT ROWID;

        CREATE TRIGGER items_unindex AFTER DELETE ON items BEGIN
            DELETE FROM link_signatures WHERE num = OLD.num;
            INSERT OR IGNORE INTO link_stale_clusters SELECT OLD.cluster_id WHERE OLD.cluster_id IS NOT NULL;
        END;
        CREATE TRIGGER items_reindex AFTER UPDATE OF text, numbers ON items
        WHEN OLD.text IS NOT NEW.text OR OLD.numbers IS NOT NEW.numbers BEGIN
            DELETE FROM link_signatures WHERE num = OLD.num;
        END;
        """
    )


@migrations()
def m005_change_counters(db: Database) -> None:
    """A counter that moves whenever links or clusters change, so that another process can
    tell in one row read whether what it shows of them is stale."""
    db.executescript(
        """
        CREATE TABLE change_counters (topic TEXT PRIMARY KEY, counter INTEGER NOT NULL) WITHOUT ROWID;
        INSERT INTO change_counters VALUES ('links', 0);
        CREATE TRIGGER links_count_insert AFTER INSERT ON links BEGIN
            UPDATE change_counters SET counter = counter + 1 WHERE topic = 'links';
        END;
        CREATE TRIGGER links_count_update AFTER UPDATE ON links BEGIN
            UPDATE change_counters SET counter = counter + 1 WHERE topic = 'links';
        END;
        CREATE TRIGGER links_count_delete AFTER DELETE ON links BEGIN
            UPDATE change_counters SET counter = counter + 1 WHERE topic = 'links';
        END;
        CREATE TRIGGER items_count_cluster AFTER UPDATE OF cluster_id ON items
        WHEN OLD.cluster_id IS NOT NEW.cluster_id BEGIN
            UPDATE change_counters SET counter = counter + 1 WHERE topic = 'links';
        END;
        """
    )


@migrations()
def m006_status_verdicts(db: Database) -> None:
    """Which statuses are verdicts, kept in the database so that the review screen, ``stats``,
    reports and scripts count "reviewed" the same way."""
    db.executescript(
        """
        -- 1: a verdict on the item; 0: a workflow state (unreviewed, in progress).
        ALTER TABLE statuses ADD COLUMN verdict INTEGER NOT NULL DEFAULT 1 CHECK (verdict IN (0, 1));
        UPDATE statuses SET verdict = 0 WHERE id IN ('unreviewed', 'in-progress');
        """
    )


def _file_of(key: str, path: str, format_: str) -> str:
    """Where a source stored before m007 was read from: the path in its file key, else its
    ``path`` resolved here (the best that can be known after the ingest that wrote it)."""
    if key.startswith("file:") and format_ != "jsonl":
        return key.removeprefix("file:")
    given = path.rpartition("#")[0] if format_ == "jsonl" else path
    resolved = os.path.realpath(given or path)
    if key.startswith("file:") and not key.startswith(f"file:{resolved}#"):
        return key.removeprefix("file:").rpartition("#")[0]  # ingested from another working folder
    return resolved


@migrations()
def m007_source_files(db: Database) -> None:
    """The file each article was read from, and a mark on sources whose file no longer holds
    them, so that renames, moves and deletions are told apart from new articles."""
    db.executescript(
        """
        -- The resolved path of the file the article was read from (for JSON, the file of the record).
        ALTER TABLE sources ADD COLUMN file TEXT;
        -- When an ingest found that the file no longer holds the article, and why; NULL while it does.
        ALTER TABLE sources ADD COLUMN gone_at TEXT;
        ALTER TABLE sources ADD COLUMN gone_reason TEXT;
        CREATE INDEX sources_file ON sources(file);
        CREATE INDEX sources_sha256 ON sources(sha256);
        CREATE INDEX sources_gone ON sources(gone_at) WHERE gone_at IS NOT NULL;
        """
    )
    files = [
        (_file_of(key, path, format_), id_)
        for id_, key, path, format_ in db.execute("SELECT id, key, path, format FROM sources").fetchall()
    ]
    db.conn.executemany("UPDATE sources SET file = ? WHERE id = ?", files)


# A review's figures as one comparable string: value and unit of each, in order; offsets
# (which move when the sentence is edited) do not count. Malformed JSON counts as none.
_FIGURES = """(SELECT group_concat(json_extract(figure.value, '$.value') || ' '
                                    || ifnull(json_extract(figure.value, '$.unit'), ''), '; ')
               FROM json_each(CASE WHEN json_valid({0}) THEN {0} ELSE '[]' END) AS figure
               WHERE figure.type = 'object')"""


@migrations()
def m008_review_snapshots(db: Database) -> None:
    """What the reviewer saw besides the text (kind, speaker, figures), so a verdict whose item
    changed in any of these since is flagged."""
    db.executescript(
        f"""
        ALTER TABLE reviews ADD COLUMN item_kind TEXT;
        ALTER TABLE reviews ADD COLUMN item_speaker TEXT;
        ALTER TABLE reviews ADD COLUMN item_numbers TEXT;
        -- Reviews given before this migration: the item as it is now is the best record left.
        UPDATE reviews SET (item_kind, item_speaker, item_numbers) =
            (SELECT kind, speaker, numbers FROM items WHERE items.id = reviews.item_id)
        WHERE EXISTS (SELECT 1 FROM items WHERE items.id = reviews.item_id);
        -- Every new review records the item as it was when marked, whoever inserts it.
        CREATE TRIGGER reviews_snapshot AFTER INSERT ON reviews
        WHEN NEW.item_kind IS NULL AND EXISTS (SELECT 1 FROM items WHERE id = NEW.item_id) BEGIN
            UPDATE reviews SET (item_text, item_kind, item_speaker, item_numbers) = (
                SELECT coalesce(NEW.item_text, text), kind, speaker, numbers FROM items WHERE id = NEW.item_id)
            WHERE id = NEW.id;
        END;

        DROP VIEW item_status;
        CREATE VIEW item_status AS
            SELECT *, coalesce(text_changed, 0) OR kind_changed OR speaker_changed OR figures_changed
                      AS changed_since_review
            FROM (
                SELECT items.id AS item_id, items.kind, items.source_id, items.speaker, items.text,
                       items.status, reviews.note, reviews.reviewer, reviews.created_at AS reviewed_at,
                       reviews.item_text IS NOT NULL AND reviews.item_text != items.text AS text_changed,
                       reviews.item_kind IS NOT NULL AND reviews.item_kind != items.kind AS kind_changed,
                       reviews.item_kind IS NOT NULL AND reviews.item_speaker IS NOT items.speaker
                           AS speaker_changed,
                       reviews.item_kind IS NOT NULL
                           AND {_FIGURES.format("reviews.item_numbers")} IS NOT {_FIGURES.format("items.numbers")}
                           AS figures_changed,
                       sources.gone_at IS NOT NULL AS source_gone
                FROM items LEFT JOIN reviews ON reviews.id = items.review_id
                LEFT JOIN sources ON sources.id = items.source_id
            );
        """
    )


@migrations()
def m009_link_queue(db: Database) -> None:
    """A durable list of items that need linking, so a killed ingest or link run leaves its
    work to the next one instead of losing it."""
    db.executescript(
        """
        -- One row per item added or changed since a link run last covered it; a run deletes
        -- the rows it read (up to the highest id it saw) in the transaction that writes its links.
        CREATE TABLE link_queue (id INTEGER PRIMARY KEY, num INTEGER NOT NULL);
        CREATE TRIGGER items_queue_new AFTER INSERT ON items BEGIN
            INSERT INTO link_queue (num) VALUES (NEW.num);
        END;
        CREATE TRIGGER items_queue_changed AFTER UPDATE OF text, numbers, speaker, kind ON items
        WHEN OLD.text IS NOT NEW.text OR OLD.numbers IS NOT NEW.numbers OR OLD.speaker IS NOT NEW.speaker
             OR OLD.kind IS NOT NEW.kind BEGIN
            INSERT INTO link_queue (num) VALUES (NEW.num);
        END;
        -- Items the linker's index has never seen were never linked (an ingest killed before linking).
        INSERT INTO link_queue (num) SELECT num FROM items WHERE num NOT IN (SELECT num FROM link_signatures);
        """
    )


@migrations()
def m010_item_pieces(db: Database) -> None:
    """Which items are pieces of a sentence or quotation too long to be one item, so the
    reviewer is told that the item is not the whole sentence."""
    db.executescript(
        """
        -- 1: the item is one of the pieces a sentence or quotation of more than 2,000
        -- characters was cut into, at clause boundaries.
        ALTER TABLE items ADD COLUMN cut INTEGER NOT NULL DEFAULT 0;
        """
    )


@migrations()
def m011_item_shape(db: Database) -> None:
    """What an item is made of: a quotation interrupted by its attribution in several segments,
    the words a claim quotes from its speaker, and the article's headline."""
    db.executescript(
        """
        -- A quotation in several segments ("A," she said. "B."): JSON [[start, end], ...] of its
        -- words in sources.text; text is them joined by a space. NULL: text is start..end.
        ALTER TABLE items ADD COLUMN segments TEXT;
        -- Claims: JSON [[start, end], ...] of the words quoted from the speaker, offsets into text.
        ALTER TABLE items ADD COLUMN quoted TEXT;
        -- 1: the article's headline (sources.title), start = end = 0.
        ALTER TABLE items ADD COLUMN headline INTEGER NOT NULL DEFAULT 0;
        """
    )


@migrations()
def m012_link_meaning(db: Database) -> None:
    """The linker's index grows what it needs for repeats and meaning: each item's exact key
    (repeats of one statement are grouped through it), and the sentence vectors of the items
    that are compared, filed under cells of similar vectors, so an incremental run embeds
    and searches only its new items. Every item is queued: the next run links them anew."""
    db.executescript(
        """
        -- A hash of what the item says as compared (content words, figures, negation).
        ALTER TABLE link_signatures ADD COLUMN exact INTEGER;
        CREATE INDEX link_signatures_exact ON link_signatures(exact, num);
        -- The sentence vector (256 int8) of each item a run compares, and the cell it is filed under.
        CREATE TABLE link_vectors (num INTEGER PRIMARY KEY, cell INTEGER NOT NULL, vector BLOB NOT NULL);
        CREATE INDEX link_vectors_cell ON link_vectors(cell);
        -- The centre (64 float32) of each cell of similar vectors.
        CREATE TABLE link_cells (cell INTEGER PRIMARY KEY, centre BLOB NOT NULL);
        -- A cluster's members in id order, a page at a time, whatever its size.
        CREATE INDEX items_cluster_members ON items(cluster_id, id);
        DELETE FROM link_signatures;
        DELETE FROM link_blocks;
        DELETE FROM link_keys;
        INSERT INTO link_queue (num) SELECT num FROM items;
        """
    )


@migrations()
def m013_factchecks(db: Database) -> None:
    """Archives of published fact-checks (ClaimReview and the like), their verdicts' history,
    and the matches between items and archive entries that a reviewer confirms or rejects."""
    db.executescript(
        """
        -- One row per published fact-check of one claim. key: what makes an entry the same
        -- across imports (its review URL, publisher and claim), so a re-import changes nothing.
        CREATE TABLE factchecks (
            id INTEGER PRIMARY KEY,
            key TEXT NOT NULL UNIQUE,
            claim TEXT NOT NULL,
            claimant TEXT,
            claim_date TEXT,
            publisher TEXT,
            publisher_site TEXT,
            url TEXT,
            title TEXT,
            review_date TEXT,
            rating TEXT,
            rating_value REAL,
            best_rating REAL,
            worst_rating REAL,
            language TEXT,
            numbers TEXT NOT NULL DEFAULT '[]',
            origin TEXT NOT NULL,
            format TEXT NOT NULL,
            imported_at TEXT NOT NULL,
            updated_at TEXT NOT NULL,
            matched_at TEXT
        );
        CREATE INDEX factchecks_unmatched ON factchecks(matched_at) WHERE matched_at IS NULL;
        -- The verdict an entry had before a later import changed it (append-only).
        CREATE TABLE factcheck_history (
            id INTEGER PRIMARY KEY,
            factcheck_id INTEGER NOT NULL REFERENCES factchecks(id),
            title TEXT,
            review_date TEXT,
            rating TEXT,
            rating_value REAL,
            best_rating REAL,
            worst_rating REAL,
            origin TEXT NOT NULL,
            replaced_at TEXT NOT NULL
        );
        CREATE INDEX factcheck_history_entry ON factcheck_history(factcheck_id, id);
        -- An item that may repeat a claim an archive entry checked, kept like a link.
        CREATE TABLE factcheck_matches (
            item_id TEXT NOT NULL,
            factcheck_id INTEGER NOT NULL REFERENCES factchecks(id),
            score REAL NOT NULL,
            method TEXT NOT NULL,
            state TEXT NOT NULL DEFAULT 'suggested' CHECK (state IN ('suggested', 'confirmed', 'rejected')),
            created_at TEXT NOT NULL,
            decided_by TEXT,
            decided_at TEXT,
            PRIMARY KEY (item_id, factcheck_id)
        );
        CREATE INDEX factcheck_matches_entry ON factcheck_matches(factcheck_id);
        -- The highest items.num matched against the whole archive.
        CREATE TABLE factcheck_progress (id INTEGER PRIMARY KEY CHECK (id = 1), items_through INTEGER NOT NULL);
        INSERT INTO factcheck_progress VALUES (1, 0);
        -- Every way an item was checked before: a match nobody rejected (via 'archive'), or a
        -- link nobody rejected to an item with a verdict of this desk (via 'desk').
        CREATE VIEW checked_before AS
            SELECT m.item_id, 'archive' AS via, m.state, m.score, f.publisher AS checked_by, f.rating,
                   f.review_date AS checked_at, f.url, f.id AS factcheck_id, NULL AS other_item_id
            FROM factcheck_matches m JOIN factchecks f ON f.id = m.factcheck_id
            WHERE m.state != 'rejected'
            UNION ALL
            SELECT links.item_a, 'desk', links.state, links.score, reviews.reviewer, other.status,
                   reviews.created_at, NULL, NULL, other.id
            FROM links JOIN items other ON other.id = links.item_b JOIN reviews ON reviews.id = other.review_id
            WHERE links.state != 'rejected' AND links.method != 'number-conflict'
              AND other.status NOT IN (SELECT id FROM statuses WHERE NOT verdict)
            UNION ALL
            SELECT links.item_b, 'desk', links.state, links.score, reviews.reviewer, other.status,
                   reviews.created_at, NULL, NULL, other.id
            FROM links JOIN items other ON other.id = links.item_a JOIN reviews ON reviews.id = other.review_id
            WHERE links.state != 'rejected' AND links.method != 'number-conflict'
              AND other.status NOT IN (SELECT id FROM statuses WHERE NOT verdict);
        """
    )


@migrations()
def m014_desk(db: Database) -> None:
    """The desk (``workbench serve``): reviewers' accounts, who is connected now, and
    every login attempt (failures slow the next ones down)."""
    db.executescript(
        """
        -- One row per reviewer allowed in; the password only as an scrypt hash with its salt and parameters.
        CREATE TABLE desk_reviewers (
            name TEXT PRIMARY KEY,
            salt BLOB NOT NULL,
            password_hash BLOB NOT NULL,
            scrypt_n INTEGER NOT NULL,
            scrypt_r INTEGER NOT NULL,
            scrypt_p INTEGER NOT NULL,
            created_at TEXT NOT NULL,
            changed_at TEXT NOT NULL
        );
        -- One row per browser connection running the review screen now.
        CREATE TABLE desk_presence (
            connection TEXT PRIMARY KEY,
            reviewer TEXT NOT NULL,
            started_at TEXT NOT NULL,
            seen_at TEXT NOT NULL
        );
        CREATE TABLE desk_logins (
            id INTEGER PRIMARY KEY,
            reviewer TEXT NOT NULL,
            remote TEXT NOT NULL,
            ok INTEGER NOT NULL,
            at TEXT NOT NULL
        );
        CREATE INDEX desk_logins_recent ON desk_logins(at);
        """
    )


@migrations()
def m015_speakers(db: Database) -> None:
    """Full person names seen in any source, with the surname each is known by alone: a
    one-word speaker is written as the one full name with that surname (store/speakers.py).
    Filled from the stored speakers, by the writer's rule (``short_name``)."""
    db.executescript(
        """
        CREATE TABLE speakers (
            full_name TEXT PRIMARY KEY,
            short_name TEXT NOT NULL
        );
        CREATE INDEX speakers_short_name ON speakers(short_name);
        """
    )
    names = (row[0] for row in db.execute("SELECT DISTINCT speaker FROM items WHERE speaker LIKE '% %'"))
    db.conn.executemany(
        "INSERT INTO speakers (full_name, short_name) VALUES (?, ?)",
        [(name, short) for name in names if (short := short_name(name))],
    )


@migrations()
def m017_undo_rows(db: Database) -> None:
    """``reviews.undoes``: the review an undo takes back (NULL for every other review)."""
    db.execute("ALTER TABLE reviews ADD COLUMN undoes INTEGER")


@migrations()
def m018_factcheck_index(db: Database) -> None:
    """``factcheck_index``: the archive's matching index as the matcher last built it (arrays
    in parts, and the archive state it was built from), so a run reads it instead of
    rebuilding it while the archive is unchanged (link/factchecks.py)."""
    db.execute(
        """
        CREATE TABLE factcheck_index (
            name TEXT NOT NULL,
            part INTEGER NOT NULL,
            value BLOB NOT NULL,
            PRIMARY KEY (name, part)
        )
        """
    )


MIGRATION_NAMES = [migration.name for migration in migrations.pending(Database(memory=True, execute_plugins=False))]
SCHEMA_VERSION = len(MIGRATION_NAMES)
