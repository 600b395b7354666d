"""What makes two rows the same source or the same item.

A source is found by its article's ``key`` (see :class:`workbench.model.Article`); whether
a stored source and an incoming article are the same article, edited, is told by the
sentences they share (:func:`same_article`), and :class:`Batch` knows, during one ingest,
which stored sources their files no longer hold. An item is identified by its source, kind
and canonical text, so re-ingesting an unchanged article gives every item the id it had,
and a reviewer's verdict stays on it.
"""

from __future__ import annotations

import hashlib
import os
import re
import unicodedata
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field

from sqlite_utils import Database

from ..model import ExtractedItem
from ..readers.article import url_key

# Replaced one by one (str.replace): a translate table walks a non-ASCII text character by
# character in Python-level lookups, several times slower.
QUOTE_CHARS = (
    ("“", '"'), ("”", '"'), ("„", '"'), ("«", '"'), ("»", '"'),
    ("‘", "'"), ("’", "'"), ("‚", "'"), ("–", "-"), ("—", "-"), ("\u00a0", " "),
)  # fmt: skip
# A sentence ends at a line break or at . ! ? followed by blanks (a one-character look-behind:
# linear in the text, whatever it holds).
SENTENCE_BREAK = re.compile(r"\n|(?<=[.!?…])\s+")
# An undecodable byte of a file name, as the store writes it (\x80 to \xff).
ESCAPED_BYTE = re.compile(r"\\x([89a-f][0-9a-f])")
# Two versions of an article are the same article when at least this share of the sentences
# of the longer one appear in both.
SAME_ARTICLE_SHARE = 0.5


def canonical_text(text: str) -> str:
    """The form item ids are derived from: case, quote style and spacing do not count."""
    if not text.isascii():  # NFKC and the quote styles leave ASCII as it is
        text = unicodedata.normalize("NFKC", text)
        for styled, plain in QUOTE_CHARS:
            if styled in text:
                text = text.replace(styled, plain)
    # str.split() splits at exactly the characters ``\s`` matches (str.isspace()).
    return " ".join(text.casefold().split()).strip(" .,;:!?\"'")


def _digest(basis: str, length: int) -> str:
    return hashlib.sha1(basis.encode("utf-8", "surrogatepass")).hexdigest()[:length]


def source_id(key: str) -> str:
    return _digest(key, 12)


def item_ids(source: str, items: Iterable[ExtractedItem]) -> list[str]:
    """Stable ids: the same sentence in the same source keeps its id across re-ingests.

    A sentence repeated within one source gets its occurrence number mixed in.
    """
    seen: Counter[tuple[str, str]] = Counter()
    ids = []
    for item in items:
        identity = (item.kind, canonical_text(item.text))
        seen[identity] += 1
        ids.append(_digest("\x1f".join((source, *identity, str(seen[identity]))), 16))
    return ids


def sentence_hashes(text: str) -> frozenset[int]:
    """The article's distinct sentences in canonical form, hashed (stable across processes)."""
    hashes = set()
    for sentence in SENTENCE_BREAK.split(text):
        canonical = canonical_text(sentence)
        if canonical:
            digest = hashlib.blake2b(canonical.encode("utf-8", "surrogatepass"), digest_size=8).digest()
            hashes.add(int.from_bytes(digest, "big"))
    return frozenset(hashes)


def shared_share(first: frozenset[int], second: frozenset[int]) -> float:
    """The share of the longer text's sentences that the two texts have in common."""
    longer = max(len(first), len(second))
    return len(first & second) / longer if longer else 0.0


def same_article(first: frozenset[int], second: frozenset[int]) -> bool:
    """Whether two texts are versions of one article (see :data:`SAME_ARTICLE_SHARE`)."""
    return shared_share(first, second) >= SAME_ARTICLE_SHARE


def compatible(url: str | None, other_url: str | None) -> bool:
    """Two articles whose URLs differ are never one article."""
    return not (url and other_url and url_key(url) != url_key(other_url))


@dataclass
class Stored:
    """A stored source, as placing an article needs it."""

    id: str
    key: str
    path: str
    file: str | None
    sha256: str
    extractor: str
    url: str | None
    gone_at: str | None


def stored(db: Database, where: str, params: list) -> list[Stored]:
    """The sources matching the SQL condition ``where``, in id order."""
    return [
        Stored(*row)
        for row in db.execute(
            f"SELECT id, key, path, file, sha256, extractor, url, gone_at FROM sources WHERE {where} ORDER BY id",
            params,
        )
    ]


def missing(file: str | None) -> bool:
    """Whether ``file`` is known not to exist (an unreadable folder is not a deletion).

    A stored name may have the undecodable bytes of a name that is not UTF-8 written as
    ``\\xNN`` (:func:`workbench.readers.storable_text`): such a name is looked for both ways.
    """
    if not file:
        return True
    names = [file]
    if "\\x" in file:
        names.append(ESCAPED_BYTE.sub(lambda match: chr(0xDC00 + int(match[1], 16)), file))
    for name in names:
        try:
            os.stat(name)
        except (FileNotFoundError, NotADirectoryError):
            continue
        except (OSError, ValueError):
            return False
        return False
    return True


def under(root: str) -> tuple[str, list[str]]:
    """SQL on ``sources.file`` and its parameters: the file ``root`` or any file below it."""
    prefix = root.rstrip(os.sep) + os.sep
    return "(file = ? OR (file >= ? AND file < ?))", [root, prefix, prefix[:-1] + chr(ord(os.sep) + 1)]


@dataclass
class Batch:
    """One ingest as the writer sees it: the folders and files it was given (resolved),
    the sources it wrote or found unchanged, and the files it read without a failure."""

    roots: list[str]
    seen: set[str] = field(default_factory=set)
    complete_files: set[str] = field(default_factory=set)
    file: str = ""  # the file whose articles come now
    file_keys: set[str] = field(default_factory=set)  # the keys its articles may take
    file_versions: list[tuple[str, frozenset[int]]] = field(default_factory=list)  # their bytes' digest, sentences
    _sentences: dict[str, frozenset[int]] = field(default_factory=dict)
    _left: dict[str, Stored] | None = None  # sources gone or missing under the roots
    _index: dict[int, set[str]] = field(default_factory=dict)  # sentence hash -> ids in _left
    _gone_by_name: dict[str, list[Stored]] = field(default_factory=dict)  # gone elsewhere, by file name

    def begin_file(
        self, file: str, keys: Iterable[str], versions: list[tuple[str, frozenset[int]]], complete: bool
    ) -> None:
        """Say which file's articles come next: the keys they may take, their ``(sha256,
        sentences)``, and whether every record of the file was read."""
        self.file, self.file_keys, self.file_versions = file, set(keys), versions
        if complete:
            self.complete_files.add(file)

    def kept_by_another(self, db: Database, source: Stored, sha256: str, sentences: frozenset[int]) -> bool:
        """Whether another article of the current file (a record of a JSON file) is ``source``,
        so the article ``(sha256, sentences)`` may not replace it."""
        return source.file == self.file and any(
            (other_sha, other) != (sha256, sentences) and self.same(db, source, other_sha, other)
            for other_sha, other in self.file_versions
        )

    def failed(self, file: str) -> None:
        """An article of ``file`` could not be written: what the file holds is not all known."""
        self.complete_files.discard(file)

    def stored(self, source_id: str, sentences: frozenset[int]) -> None:
        """Note that an article with ``sentences`` was written (or found unchanged) as ``source_id``."""
        self.seen.add(source_id)
        self._sentences[source_id] = sentences

    def holds(self, source: Stored) -> bool:
        """Whether the source's file still holds it, as far as this batch can tell."""
        if source.id in self.seen:
            return True
        if source.file == self.file:  # unless one of the file's articles claims it, it left
            return source.key in self.file_keys
        return source.gone_at is None and source.file not in self.complete_files and not missing(source.file)

    def sentences(self, db: Database, source: Stored) -> frozenset[int]:
        if source.id not in self._sentences:
            text = db.execute("SELECT text FROM sources WHERE id = ?", [source.id]).fetchone()[0]
            self._sentences[source.id] = sentence_hashes(text)
        return self._sentences[source.id]

    def same(self, db: Database, source: Stored, sha256: str, sentences: frozenset[int]) -> bool:
        """Whether ``source`` is the article with ``sha256`` and ``sentences``: the same bytes,
        or an edited version."""
        return source.sha256 == sha256 or same_article(self.sentences(db, source), sentences)

    def most_alike(self, db: Database, file: str, sentences: frozenset[int], url: str | None) -> Stored | None:
        """The source that an article read from ``file`` most probably was under another key,
        if it is the same article and their URLs do not differ: one of the file's sources
        that no article of the file claims (an edited JSON record), one that left the
        ingested folders, or one marked gone with the same file name."""
        best, best_share = None, 0.0
        for source in self._candidates(db, file, sentences):
            share = shared_share(self.sentences(db, source), sentences)
            if share > best_share and share >= SAME_ARTICLE_SHARE and compatible(source.url, url):
                best, best_share = source, share
        return best

    def _candidates(self, db: Database, file: str, sentences: frozenset[int]) -> list[Stored]:
        left = self._load(db)
        found = {source.id: source for source in stored(db, "file = ?", [file]) if source.key not in self.file_keys}
        for sentence in sentences:
            for sid in self._index.get(sentence, ()):
                found.setdefault(sid, left[sid])
        for source in self._gone_by_name.get(os.path.basename(file), ()):
            found.setdefault(source.id, source)
        return [source for sid, source in found.items() if sid not in self.seen]

    def _load(self, db: Database) -> dict[str, Stored]:
        """Find the sources that left the ingested folders, once a batch, when first needed."""
        if self._left is None:
            self._left = {}
            for root in self.roots:
                where, params = under(root)
                for source in stored(db, where, params):
                    if source.gone_at or missing(source.file):
                        self._left[source.id] = source
                        for sentence in self.sentences(db, source):
                            self._index.setdefault(sentence, set()).add(source.id)
            for source in stored(db, "gone_at IS NOT NULL", []):
                self._gone_by_name.setdefault(os.path.basename(source.file or ""), []).append(source)
        return self._left
