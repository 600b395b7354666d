"""Project configuration: the status vocabulary and report settings, from TOML.

The file is ``workbench.toml`` beside the database unless ``--config`` names another.
Every key is optional (see ``workbench.toml.example`` at the repository root):

``[report] title``
    Heading of Markdown and HTML reports.
``[organization] name, url``
    Who publishes the verdicts: the ``author`` of every ClaimReview.
``[claimreview] url``
    Template of each ClaimReview's ``url`` (the page of the fact-check); ``{id}`` is
    replaced by the item id. Default: the organization URL with ``#{id}``.
``[[statuses]] id, label, description, color, rating, verdict``
    The status vocabulary, in display order. ``rating`` places a status on the
    ClaimReview scale (higher is truer; leave it out for statuses such as
    ``unverifiable``); ``verdict = false`` marks workflow states (``unreviewed``,
    ``in-progress``) that are not verdicts and so are left out of ``--reviewed-only``
    exports and ClaimReview.

:func:`apply_config` mirrors the vocabulary into the ``statuses`` table.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from sqlite_utils import Database

CONFIG_NAME = "workbench.toml"
# Ratings for the built-in vocabulary (schema.DEFAULT_STATUSES) when no file says otherwise.
DEFAULT_RATINGS = {"false": 1, "misleading": 2, "mostly-true": 3, "true": 4}
DEFAULT_NON_VERDICTS = frozenset({"unreviewed", "in-progress"})
STATUS_KEYS = {"id", "label", "description", "color", "rating", "verdict"}


class ConfigError(Exception):
    """The configuration file cannot be used; the message is one line for the user."""


@dataclass
class StatusConfig:
    id: str
    label: str
    description: str | None = None
    color: str | None = None
    rating: int | float | None = None
    verdict: bool = True


@dataclass
class Config:
    """Settings read from a configuration file (defaults when there is none)."""

    path: Path | None = None
    title: str = "Verdict report"
    organization_name: str | None = None
    organization_url: str | None = None
    claimreview_url: str | None = None
    # None: the file does not define the vocabulary, so the database's is left alone.
    statuses: list[StatusConfig] | None = None

    def ratings(self) -> dict[str, int | float]:
        """Status id -> place on the ClaimReview scale (statuses without one are absent)."""
        if self.statuses is None:
            return dict(DEFAULT_RATINGS)
        return {status.id: status.rating for status in self.statuses if status.rating is not None}

    def non_verdicts(self) -> set[str]:
        """Status ids that are workflow states, not verdicts."""
        if self.statuses is None:
            return set(DEFAULT_NON_VERDICTS)
        configured = {status.id: status.verdict for status in self.statuses}
        # ``unreviewed`` is never a verdict, whatever the file says or leaves out.
        return {id_ for id_, verdict in configured.items() if not verdict} | {"unreviewed"}


@dataclass
class ApplyResult:
    changed: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


def config_path_for(db_path: str | Path) -> Path:
    """Where the configuration of the database at ``db_path`` lives by default."""
    return Path(db_path).resolve().parent / CONFIG_NAME


def load_config(path: str | Path | None = None, *, db_path: str | Path | None = None) -> Config:
    """Read the configuration at ``path``, else the ``workbench.toml`` beside ``db_path``.

    An explicit ``path`` must exist; a missing default file means default settings.
    """
    if path is None:
        if db_path is None:
            return Config()
        path = config_path_for(db_path)
        if not path.exists():
            return Config()
    path = Path(path)
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ConfigError(f"{path}: no such configuration file") from None
    except (OSError, UnicodeDecodeError) as error:
        raise ConfigError(f"{path}: cannot read ({error})") from None
    except tomllib.TOMLDecodeError as error:
        raise ConfigError(f"{path}: not valid TOML ({error})") from None
    return parse_config(data, path)


def _table(data: dict, key: str, path: Path | None) -> dict:
    value = data.get(key, {})
    if not isinstance(value, dict):
        raise ConfigError(f"{path}: [{key}] must be a table")
    return value


def _string(table: dict, key: str, where: str) -> str | None:
    value = table.get(key)
    if value is not None and not isinstance(value, str):
        raise ConfigError(f"{where}: {key} must be a string")
    return value


def parse_config(data: dict, path: Path | None = None) -> Config:
    """Validate parsed TOML into a :class:`Config` (errors name the file and key)."""
    report = _table(data, "report", path)
    organization = _table(data, "organization", path)
    claimreview = _table(data, "claimreview", path)
    config = Config(
        path=path,
        title=_string(report, "title", f"{path}: [report]") or Config.title,
        organization_name=_string(organization, "name", f"{path}: [organization]"),
        organization_url=_string(organization, "url", f"{path}: [organization]"),
        claimreview_url=_string(claimreview, "url", f"{path}: [claimreview]"),
    )
    if "statuses" in data:
        config.statuses = _parse_statuses(data["statuses"], path)
    return config


def _parse_statuses(entries: object, path: Path | None) -> list[StatusConfig]:
    if not isinstance(entries, list) or not all(isinstance(entry, dict) for entry in entries):
        raise ConfigError(f"{path}: statuses must be an array of tables ([[statuses]])")
    statuses: list[StatusConfig] = []
    for number, entry in enumerate(entries, 1):
        where = f"{path}: status #{number}"
        unknown = set(entry) - STATUS_KEYS
        if unknown:
            raise ConfigError(f"{where}: unknown key {sorted(unknown)[0]!r} (known: {', '.join(sorted(STATUS_KEYS))})")
        id_ = _string(entry, "id", where)
        if not id_ or not id_.strip() or id_ != id_.strip():
            raise ConfigError(f"{where}: id must be a non-empty string without surrounding spaces")
        if id_ in {status.id for status in statuses}:
            raise ConfigError(f"{where}: status {id_!r} is defined twice")
        rating = entry.get("rating")
        if rating is not None and (isinstance(rating, bool) or not isinstance(rating, (int, float))):
            raise ConfigError(f"{where} ({id_}): rating must be a number")
        verdict = entry.get("verdict", id_ not in DEFAULT_NON_VERDICTS)
        if not isinstance(verdict, bool):
            raise ConfigError(f"{where} ({id_}): verdict must be true or false")
        statuses.append(
            StatusConfig(
                id=id_,
                label=_string(entry, "label", where) or id_,
                description=_string(entry, "description", where),
                color=_string(entry, "color", where),
                rating=rating,
                verdict=verdict,
            )
        )
    return statuses


def _plan(db: Database, config: Config) -> tuple[list[tuple], ApplyResult]:
    """The statements that make the ``statuses`` table match ``config``, and what they do."""
    result = ApplyResult()
    actions: list[tuple] = []
    wanted = {
        status.id: (status.label, status.description, status.color, position)
        for position, status in enumerate(config.statuses or [])
    }
    current = {
        row[0]: tuple(row[1:]) for row in db.execute("SELECT id, label, description, color, position FROM statuses")
    }
    position = len(wanted)
    for id_ in sorted((id_ for id_ in current if id_ not in wanted), key=lambda id_: current[id_][3]):
        in_use = db.execute(
            "SELECT EXISTS (SELECT 1 FROM reviews WHERE status = ?) OR EXISTS (SELECT 1 FROM items WHERE status = ?)",
            [id_, id_],
        ).fetchone()[0]
        if in_use or id_ == "unreviewed":
            if in_use and id_ != "unreviewed":
                result.warnings.append(
                    f"status {id_!r} is not in {config.path or 'the configuration'} but reviews use it; kept"
                )
            wanted[id_] = (*current[id_][:3], position)
            position += 1
        else:
            actions.append(("DELETE FROM statuses WHERE id = ?", [id_]))
            result.changed.append(f"removed {id_}")
    for id_, row in wanted.items():
        if current.get(id_) != row:
            actions.append(
                (
                    "INSERT INTO statuses (id, label, description, color, position) VALUES (?, ?, ?, ?, ?) "
                    "ON CONFLICT (id) DO UPDATE SET label = excluded.label, description = excluded.description, "
                    "color = excluded.color, position = excluded.position",
                    [id_, *row],
                )
            )
            result.changed.append(f"{'updated' if id_ in current else 'added'} {id_}")
    return actions, result


def apply_config(db: Database, config: Config) -> ApplyResult:
    """Mirror the configured status vocabulary into the ``statuses`` table.

    Labels, descriptions, colours and positions are upserted. A status the file no
    longer lists is deleted only if no review or item uses it; otherwise it is kept
    (after the configured ones) and a warning says so. ``unreviewed`` is always kept
    because new items start with it. When the table already matches, nothing is
    written and no write lock is taken. Returns what changed and the warnings.
    """
    from .store.database import write_transaction

    if config.statuses is None:
        return ApplyResult()
    actions, result = _plan(db, config)
    if not actions:
        return result
    with write_transaction(db):
        # Plan again inside the lock: a review may have arrived since.
        actions, result = _plan(db, config)
        for sql, params in actions:
            db.execute(sql, params)
    return result
