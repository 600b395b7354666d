"""What a reviewer types in the search box, as a safe FTS5 query, and the words to highlight.

The FTS5 syntax the README promises works: ``"a phrase"``, ``OR``, ``AND``, ``NOT``,
brackets, ``word*`` and the column filters ``text:`` and ``speaker:``. Every bare word is a
prefix (search as you type). Nothing typed is passed to SQLite as written: each word and
phrase is rebuilt from its word characters, so no input can inject FTS syntax or fail the
query. A half-typed query (an open quote or bracket, a last ``OR``) searches what is there
without a word; what cannot be searched (``NOT`` first, an unknown column) is left out and
said in :attr:`Search.problem`, one line.
"""

from __future__ import annotations

import re
import sqlite3
import threading
from dataclasses import dataclass
from functools import lru_cache

COLUMNS = ("text", "speaker")
OPERATORS = ("OR", "AND", "NOT")
SEARCH_CHARS = 1000  # of what is typed (or pasted) into the box
# A phrase (its closing quote may not be typed yet), a bracket, or a run of anything else.
TOKEN = re.compile(r'"[^"]*"?|[()]|[^\s()"]+')
WORD = re.compile(r"\w+")
COLUMN = re.compile(r"(\w+):(.*)", re.DOTALL)


@dataclass(frozen=True)
class Search:
    """``query``: the FTS5 query (None: nothing to search); ``problem``: what was left out
    and why; ``words``: the words searched for, to highlight."""

    query: str | None
    problem: str | None = None
    words: tuple[str, ...] = ()


class _Builder:
    """The query, token by token: operands, operators and brackets only where FTS5 takes them."""

    def __init__(self) -> None:
        self.parts: list[str] = []
        self.words: list[str] = []
        self.problem: str | None = None
        self.column: str | None = None
        self.depth = 0

    @property
    def wants_operand(self) -> bool:
        return not self.parts or self.parts[-1] in OPERATORS or self.parts[-1].endswith("(")

    def operand(self, words: list[str], phrase: bool) -> None:
        if not words:
            return
        self.words += words
        expression = '"' + " ".join(words) + '"' if phrase else " ".join(f'"{word}"*' for word in words)
        if self.column is not None:
            expression = f"{self.column} : ({expression})"
            self.column = None
        self.parts.append(expression)

    def token(self, token: str) -> None:
        if token == "(":
            self.parts.append(f"{self.column} : (" if self.column else "(")
            self.column = None
            self.depth += 1
        elif token == ")":
            self.close()
        elif token in OPERATORS:
            if self.wants_operand:
                self.problem = f"{token} needs something on each side (a {token} b)"
            else:
                self.parts.append(token)
        elif token.startswith('"'):
            self.operand(WORD.findall(token), phrase=True)
        elif (found := COLUMN.fullmatch(token)) and found.group(1).lower() in COLUMNS:
            self.column = found.group(1).lower()
            self.operand(WORD.findall(found.group(2)), phrase=False)
        else:
            if found:
                self.problem = f"{found.group(1)}: is not a column (text: or speaker:)"
            self.operand(WORD.findall(token), phrase=False)

    def close(self) -> None:
        if not self.depth:
            self.problem = "a ) without its ("
            return
        self.depth -= 1
        while self.parts and self.parts[-1] in OPERATORS:  # "(a OR )"
            self.parts.pop()
        if self.parts[-1].endswith("("):  # "()"
            self.parts.pop()
        else:
            self.parts.append(")")

    def query(self) -> str | None:
        while self.depth:  # brackets still open: closed, as if typed
            self.close()
        while self.parts and self.parts[-1] in OPERATORS:  # "a OR", still being typed
            self.parts.pop()
        return " ".join(self.parts) or None


def parse(text: str) -> Search:
    """The search ``text`` as a safe FTS5 query (see the module's description)."""
    builder = _Builder()
    for token in TOKEN.findall(text[:SEARCH_CHARS]):
        builder.token(token)
    query = builder.query()
    problem = builder.problem
    if query is not None and (refused := _refusal(query)) is not None:
        query, problem = None, refused
    return Search(query, problem, tuple(dict.fromkeys(builder.words)))


_PROBE_LOCK = threading.Lock()  # list workers parse searches too


@lru_cache(maxsize=1)
def _probe() -> sqlite3.Connection:
    conn = sqlite3.connect(":memory:", check_same_thread=False)
    conn.execute(f"CREATE VIRTUAL TABLE probe USING fts5({', '.join(COLUMNS)})")
    return conn


def _refusal(query: str) -> str | None:
    """What FTS5 says of ``query`` on an empty table (None: it takes it): a last safety net."""
    try:
        with _PROBE_LOCK:
            _probe().execute("SELECT 1 FROM probe WHERE probe MATCH ?", [query]).fetchall()
    except sqlite3.Error as error:
        return f"cannot search for this ({error})"
    return None


def highlighter(words: tuple[str, ...]) -> re.Pattern | None:
    """A pattern finding the words (as prefixes) of a search in a line of the list."""
    if not words:
        return None
    alternatives = "|".join(re.escape(word) for word in sorted(words, key=len, reverse=True))
    return re.compile(rf"(?<!\w)(?:{alternatives})\w*", re.IGNORECASE)
