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

``[keys]``
    The review screen's key map: a binding id (``?`` in the review screen lists them)
    and the key or comma-separated keys that run it, e.g. ``note = "N"``.

Reading a file never touches the database: :func:`workbench.store.statuses.mirror_statuses`
writes the vocabulary into the ``statuses`` table.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from pathlib import Path

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
    # Binding id -> key(s) that replace its default in the review screen.
    keys: dict[str, str] = field(default_factory=dict)

    def ratings(self) -> dict[str, int | float]:
        """Status id -> place on the ClaimReview scale (statuses without one are absent)."""
        if self.statuses is None:
            return dict(DEFAULT_RATINGS)
        return {status.id: status.rating for status in self.statuses if status.rating is not None}


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
    config.keys = _parse_keys(_table(data, "keys", path), path)
    return config


def _parse_keys(table: dict, path: Path | None) -> dict[str, str]:
    keys = {}
    for binding_id, value in table.items():
        if not isinstance(value, str) or not value.strip():
            raise ConfigError(f'{path}: [keys] {binding_id} must be a key name such as "n" or "ctrl+n"')
        keys[binding_id] = value.strip()
    return keys


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
