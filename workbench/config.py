"""Project configuration: the status vocabulary and report settings, from TOML.

The file is ``workbench.toml`` beside the database unless ``--config`` names another.
Every key is optional (see ``workbench.toml.example`` at the repository root):

``[report] title``
    Heading of Markdown and HTML reports.
``[organization] name, url``
    Who publishes the verdicts: the ``author`` of every ClaimReview (``workbench export
    --organization NAME --organization-url URL`` overrides them; ``workbench init``
    writes them). The placeholder of ``workbench.toml.example`` is refused.
``[claimreview] url``
    Template of each ClaimReview's ``url`` (the page of the fact-check); ``{id}`` is
    replaced by the item id. Default: the organization URL with ``#{id}``.
``[[statuses]] id, label, description, color, rating, verdict``
    The status vocabulary, in display order. ``rating`` places a status on the
    ClaimReview scale (higher is truer; leave it out for statuses such as
    ``unverifiable``); ``verdict = false`` marks workflow states (``unreviewed``,
    ``in-progress``) that are not verdicts and so are left out of ``--reviewed-only``
    exports and ClaimReview.

``[ratings]``
    Published fact-checks' textual ratings and the status each one stands for, e.g.
    ``"Pants on Fire" = "false"``: adopting a matched fact-check's verdict uses it (case,
    spacing and punctuation aside). Without the table, :data:`DEFAULT_RATING_MAP` serves
    the built-in vocabulary; ``workbench factchecks ratings`` lists ratings it lacks.

``[desk] max_sessions, max_sessions_per_reviewer, idle_minutes, session_hours``
    ``workbench serve``: browser sessions open at once in all and per reviewer, minutes
    without a key before a session ends (every mark is already saved), hours a login lasts.
``[replicate] destination``
    Where ``workbench serve`` replicates the database with Litestream: a folder, an
    ``sftp://`` or an ``s3://`` URL (``--replicate`` overrides it).

``[keys]``
    The review screen's key map: a binding id (``?`` in the review screen lists them)
    and the key or comma-separated keys that run it, e.g. ``note = "N"``.

Configuration text is untrusted like corpus text: a colour must be a Rich colour name or
``#rrggbb`` and no string may hold a control, format or other unprintable character; the
first problem is a one-line :class:`ConfigError` naming the file and key. Colours read
back from the database go through :func:`safe_color`.

Reading a file never touches the database: :func:`workbench.store.statuses.mirror_statuses`
writes the vocabulary into the ``statuses`` table.
"""

from __future__ import annotations

import re
import tomllib
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

CONFIG_NAME = "workbench.toml"
# The publisher named in workbench.toml.example: a copy never filled in must not publish
# verdicts under it (ClaimReview refuses it, as it refuses the example's example.org URLs).
EXAMPLE_ORGANIZATION = "Example Fact-Check Desk"
# Ratings for the built-in vocabulary (schema.DEFAULT_STATUSES) when no file says otherwise.
DEFAULT_RATINGS = {"false": 1, "misleading": 2, "mostly-true": 3, "true": 4}
DEFAULT_NON_VERDICTS = frozenset({"unreviewed", "in-progress"})
STATUS_KEYS = {"id", "label", "description", "color", "rating", "verdict"}
# The colour names Rich (the review screen's and the reports' colour parser) knows, as
# ``rich.color.ANSI_COLOR_NAMES`` lists them (a test keeps the two equal), and "default".
# Copied because only presentation code may import Rich; a colour must be checked here,
# when the file is read, not when the review screen first draws it.
COLOR_NAMES = frozenset(
    """
    default black red green yellow blue magenta cyan white bright_black bright_red bright_green bright_yellow
    bright_blue bright_magenta bright_cyan bright_white grey0 gray0 navy_blue dark_blue blue3 blue1 dark_green
    deep_sky_blue4 dodger_blue3 dodger_blue2 green4 spring_green4 turquoise4 deep_sky_blue3 dodger_blue1 green3
    spring_green3 dark_cyan light_sea_green deep_sky_blue2 deep_sky_blue1 spring_green2 cyan3 dark_turquoise
    turquoise2 green1 spring_green1 medium_spring_green cyan2 cyan1 dark_red deep_pink4 purple4 purple3 blue_violet
    orange4 grey37 gray37 medium_purple4 slate_blue3 royal_blue1 chartreuse4 dark_sea_green4 pale_turquoise4
    steel_blue steel_blue3 cornflower_blue chartreuse3 cadet_blue sky_blue3 steel_blue1 pale_green3 sea_green3
    aquamarine3 medium_turquoise chartreuse2 sea_green2 sea_green1 aquamarine1 dark_slate_gray2 dark_magenta
    dark_violet purple light_pink4 plum4 medium_purple3 slate_blue1 yellow4 wheat4 grey53 gray53 light_slate_grey
    light_slate_gray medium_purple light_slate_blue dark_olive_green3 dark_sea_green light_sky_blue3 sky_blue2
    dark_sea_green3 dark_slate_gray3 sky_blue1 chartreuse1 light_green pale_green1 dark_slate_gray1 red3
    medium_violet_red magenta3 dark_orange3 indian_red hot_pink3 medium_orchid3 medium_orchid medium_purple2
    dark_goldenrod light_salmon3 rosy_brown grey63 gray63 medium_purple1 gold3 dark_khaki navajo_white3 grey69
    gray69 light_steel_blue3 light_steel_blue yellow3 dark_sea_green2 light_cyan3 light_sky_blue1 green_yellow
    dark_olive_green2 dark_sea_green1 pale_turquoise1 deep_pink3 magenta2 hot_pink2 orchid medium_orchid1 orange3
    light_pink3 pink3 plum3 violet light_goldenrod3 tan misty_rose3 thistle3 plum2 khaki3 light_goldenrod2
    light_yellow3 grey84 gray84 light_steel_blue1 yellow2 dark_olive_green1 honeydew2 light_cyan1 red1 deep_pink2
    deep_pink1 magenta1 orange_red1 indian_red1 hot_pink dark_orange salmon1 light_coral pale_violet_red1 orchid2
    orchid1 orange1 sandy_brown light_salmon1 light_pink1 pink1 plum1 gold1 navajo_white1 misty_rose1 thistle1
    yellow1 light_goldenrod1 khaki1 wheat1 cornsilk1 grey100 gray100 grey3 gray3 grey7 gray7 grey11 gray11 grey15
    gray15 grey19 gray19 grey23 gray23 grey27 gray27 grey30 gray30 grey35 gray35 grey39 gray39 grey42 gray42
    grey46 gray46 grey50 gray50 grey54 gray54 grey58 gray58 grey62 gray62 grey66 gray66 grey70 gray70 grey74
    gray74 grey78 gray78 grey82 gray82 grey85 gray85 grey89 gray89 grey93 gray93
    """.split()
)
HEX_COLOR = re.compile(r"#[0-9a-f]{6}")
# Common fact-check ratings -> the built-in vocabulary's statuses (schema.DEFAULT_STATUSES).
DEFAULT_RATING_MAP = {
    "false": "false",
    "pants on fire": "false",
    "mostly false": "false",
    "fake": "false",
    "incorrect": "false",
    "misleading": "misleading",
    "missing context": "misleading",
    "half true": "misleading",
    "partly false": "misleading",
    "mixture": "misleading",
    "mostly true": "mostly-true",
    "true": "true",
    "correct": "true",
    "unproven": "unverifiable",
    "unverifiable": "unverifiable",
}
RATING_WORD = re.compile(r"[^\W_]+")


def fold_rating(rating: str) -> str:
    """A textual rating as ``[ratings]`` keys are compared: its words, lower-cased
    ("Pants on Fire!" and "pants-on-fire" are one rating)."""
    return " ".join(RATING_WORD.findall(rating.casefold()))


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
class DeskConfig:
    """``[desk]``: what one host serves (``workbench serve``)."""

    max_sessions: int = 40
    max_sessions_per_reviewer: int = 3
    idle_minutes: float = 30.0
    session_hours: float = 12.0


@dataclass
class Config:
    """Settings read from a configuration file (defaults when there is none)."""

    path: Path | None = None
    title: str = "Verdict report"
    organization_name: str | None = None
    organization_url: str | None = None
    claimreview_url: str | None = None
    desk: DeskConfig = field(default_factory=DeskConfig)
    replicate_to: str | None = None
    # None: the file does not define the vocabulary, so the database's is left alone.
    statuses: list[StatusConfig] | None = None
    # Binding id -> key(s) that replace its default in the review screen.
    keys: dict[str, str] = field(default_factory=dict)
    # Folded textual rating (fold_rating) -> status id, for adopting published verdicts.
    rating_map: dict[str, str] = field(default_factory=lambda: dict(DEFAULT_RATING_MAP))

    def ratings(self) -> dict[str, int | float]:
        """Status id -> place on the ClaimReview scale (statuses without one are absent)."""
        if self.statuses is None:
            return dict(DEFAULT_RATINGS)
        return {status.id: status.rating for status in self.statuses if status.rating is not None}


def safe_color(value: object, fallback: str | None = "default") -> str | None:
    """``value`` as a colour every display can use (a name of :data:`COLOR_NAMES` or
    ``#rrggbb``, lower-cased), else ``fallback``.

    For colours read back from the ``statuses`` table, which a script may have written:
    whatever is stored, the review screen and the reports get a colour, never a crash and
    never extra style words such as ``link https://…``.
    """
    if not isinstance(value, str):
        return fallback
    color = value.lower()
    return color if color in COLOR_NAMES or HEX_COLOR.fullmatch(color) else fallback


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


def _string(table: dict, key: str, where: str, *, lines: bool = False) -> str | None:
    """The string at ``key``. Control, format, separator and other unprintable characters
    are refused (line feeds too, unless ``lines``), as they could drive a terminal or hide
    text; spaces of any width are fine."""
    value = table.get(key)
    if value is None:
        return None
    if not isinstance(value, str):
        raise ConfigError(f"{where}: {key} must be a string")
    unprintable = next(
        (
            char
            for char in value
            if not (char.isprintable() or unicodedata.category(char) == "Zs" or (lines and char == "\n"))
        ),
        None,
    )
    if unprintable is not None:
        raise ConfigError(f"{where}: {key} contains the unprintable character U+{ord(unprintable):04X}")
    return value


def _color(entry: dict, where: str) -> str | None:
    color = _string(entry, "color", where)
    if color is not None and safe_color(color, fallback="") != color.lower():
        raise ConfigError(f'{where}: color "{color}" is not a colour name or #rrggbb')
    return color and color.lower()


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
    config.desk = _parse_desk(_table(data, "desk", path), path)
    config.replicate_to = _string(_table(data, "replicate", path), "destination", f"{path}: [replicate]")
    if "statuses" in data:
        config.statuses = _parse_statuses(data["statuses"], path)
    config.keys = _parse_keys(_table(data, "keys", path), path)
    if "ratings" in data:
        config.rating_map = _parse_rating_map(_table(data, "ratings", path), path)
    return config


def _parse_desk(table: dict, path: Path | None) -> DeskConfig:
    desk = DeskConfig()
    for key, value in table.items():
        if key not in DeskConfig.__dataclass_fields__:
            known = ", ".join(DeskConfig.__dataclass_fields__)
            raise ConfigError(f"{path}: [desk] unknown key {key!r} (known: {known})")
        kind = type(getattr(desk, key))  # a count is an integer, a time may be a fraction
        if isinstance(value, bool) or not isinstance(value, int | kind) or value <= 0:
            raise ConfigError(f"{path}: [desk] {key} must be a positive {'integer' if kind is int else 'number'}")
        setattr(desk, key, kind(value))
    return desk


def _parse_keys(table: dict, path: Path | None) -> dict[str, str]:
    keys = {}
    for binding_id, value in table.items():
        if not isinstance(value, str) or not value.strip():
            raise ConfigError(f'{path}: [keys] {binding_id} must be a key name such as "n" or "ctrl+n"')
        keys[binding_id] = _string(table, binding_id, f"{path}: [keys]").strip()
    return keys


def _parse_rating_map(table: dict, path: Path | None) -> dict[str, str]:
    rating_map = {}
    for rating in table:
        status = _string(table, rating, f"{path}: [ratings]")
        folded = fold_rating(rating)
        if not folded or not status or not status.strip():
            raise ConfigError(f'{path}: [ratings] {rating!r} must map a rating to a status id, e.g. "False" = "false"')
        rating_map[folded] = status.strip()
    return rating_map


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
        where = f"{where} ({id_})"
        rating = entry.get("rating")
        if rating is not None and (isinstance(rating, bool) or not isinstance(rating, (int, float))):
            raise ConfigError(f"{where}: rating must be a number")
        verdict = entry.get("verdict", id_ not in DEFAULT_NON_VERDICTS)
        if not isinstance(verdict, bool):
            raise ConfigError(f"{where}: verdict must be true or false")
        statuses.append(
            StatusConfig(
                id=id_,
                label=_string(entry, "label", where) or id_,
                description=_string(entry, "description", where, lines=True),
                color=_color(entry, where),
                rating=rating,
                verdict=verdict,
            )
        )
    return statuses
