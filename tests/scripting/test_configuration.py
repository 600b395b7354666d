"""Configuration text is untrusted like corpus text: ``workbench.toml`` is checked when it
is read (colours, unprintable characters), and whatever a script writes into the
``statuses`` table falls back to something safe instead of crashing or styling the
terminal."""

from __future__ import annotations

import json

import pytest
import rich.color
from click.testing import CliRunner
from rich.style import Style

from workbench.cli import cli
from workbench.config import COLOR_NAMES, ConfigError, load_config, safe_color
from workbench.store.database import open_db, write_transaction

# What a status colour may be stored as by a script, and what every display gets instead.
STORED_COLORS = {
    "red": "red",
    "RED": "red",
    "#FF2200": "#ff2200",
    "grey50": "grey50",
    "bluee": "default",
    "#fff": "default",
    "#ff220": "default",
    "#ff22000": "default",
    "#gg0000": "default",
    " red": "default",
    "red ": "default",
    "red on blue": "default",
    "bold red": "default",
    "red link https://evil.example": "default",
    "link https://evil.example": "default",
    "rgb(255,0,0)": "default",
    "color(9)": "default",
    "red\x1b]0;pwned\x07": "default",
    "\x1b[31m": "default",
    "re\u200bd": "default",
    "ｒｅｄ": "default",
    "": "default",
    None: "default",
    7: "default",
    b"red": "default",
}


def write(tmp_path, text: str):
    path = tmp_path / "workbench.toml"
    path.write_text(text, encoding="utf-8")
    return path


def toml(text: str) -> str:
    """``text`` as a TOML basic string (every non-ASCII character as a \\U escape)."""
    escaped = "".join(char if " " <= char <= "~" and char not in '"\\' else f"\\U{ord(char):08X}" for char in text)
    return f'"{escaped}"'


def status(**fields: str) -> str:
    return "[[statuses]]\n" + "".join(f"{key} = {toml(value)}\n" for key, value in fields.items())


def test_the_colour_names_are_those_rich_knows():
    assert frozenset(rich.color.ANSI_COLOR_NAMES) | {"default"} == COLOR_NAMES


@pytest.mark.parametrize(("stored", "shown"), list(STORED_COLORS.items()))
def test_any_stored_colour_gives_a_colour_every_display_can_use(stored, shown):
    assert safe_color(stored) == shown
    # Every display styles with it: Rich parses it as one plain colour, no link, no other style.
    assert Style.parse(f"bold {safe_color(stored)}") == Style(bold=True, color=shown)
    assert safe_color(stored, fallback=None) == (None if shown == "default" and stored != "default" else shown)


def test_an_invalid_colour_is_one_line_naming_the_status_and_the_key(tmp_path):
    path = write(tmp_path, status(id="unreviewed") + status(id="true") + status(id="false", color="bluee"))
    with pytest.raises(ConfigError) as raised:
        load_config(path)
    assert str(raised.value) == f'{path}: status #3 (false): color "bluee" is not a colour name or #rrggbb'


@pytest.mark.parametrize("color", [value for value, shown in STORED_COLORS.items() if shown == "default" and value])
def test_every_colour_that_is_not_one_is_refused(tmp_path, color):
    if not isinstance(color, str):
        text = status(id="x") + f"color = {json.dumps(color) if isinstance(color, int) else '[1]'}\n"
        message = "color must be a string"
    else:
        text = status(id="x", color=color)
        message = "is not a colour name or #rrggbb" if color.isprintable() else "unprintable character"
    with pytest.raises(ConfigError, match=message) as raised:
        load_config(write(tmp_path, text))
    assert "\n" not in str(raised.value) and "(x)" in str(raised.value)


def test_colour_names_and_hex_in_any_case_are_read_in_lower_case(tmp_path):
    config = load_config(write(tmp_path, status(id="a", color="Dark_Orange") + status(id="b", color="#A0B1C2")))
    assert [entry.color for entry in config.statuses] == ["dark_orange", "#a0b1c2"]


UNPRINTABLE = {
    "escape": "\x1b]0;pwned\x07",
    "csi": "\x1b[2J",
    "c1": "\x9b31m",
    "bell": "\x07",
    "carriage return": "\r",
    "tab": "\t",
    "delete": "\x7f",
    "bidi override": "\u202e",
    "isolate": "\u2066",
    "zero width space": "\u200b",
    "byte order mark": "\ufeff",
    "tag character": "\U000e0041",
    "line separator": "\u2028",
    "paragraph separator": "\u2029",
    "next line": "\x85",
    "private use": "\ue000",
}
PLACES = {
    "title": ("[report]\ntitle = {}\n", "[report]: title"),
    "organization name": ("[organization]\nname = {}\n", "[organization]: name"),
    "organization url": ("[organization]\nurl = {}\n", "[organization]: url"),
    "claimreview url": ("[claimreview]\nurl = {}\n", "[claimreview]: url"),
    "status id": ('[[statuses]]\nid = {}\n', "status #1: id"),
    "status label": ('[[statuses]]\nid = "x"\nlabel = {}\n', "status #1 (x): label"),
    "status description": ('[[statuses]]\nid = "x"\ndescription = {}\n', "status #1 (x): description"),
    "key": ("[keys]\nnote = {}\n", "[keys]: note"),
}  # fmt: skip


@pytest.mark.parametrize("place", PLACES)
@pytest.mark.parametrize("character", UNPRINTABLE)
def test_unprintable_characters_are_refused_wherever_they_are(tmp_path, place, character):
    template, where = PLACES[place]
    text = template.format(toml(f"Tru{UNPRINTABLE[character]}e"))
    with pytest.raises(ConfigError) as raised:
        load_config(write(tmp_path, text))
    message = str(raised.value)
    assert message.startswith(f"{tmp_path / 'workbench.toml'}: {where} contains the unprintable character U+")
    assert message.isprintable()


def test_descriptions_may_have_several_lines_and_labels_any_space(tmp_path):
    text = status(id="x", label="Faux\u00a0!", description="First line.\nSecond line.")
    (entry,) = load_config(write(tmp_path, text)).statuses
    assert (entry.label, entry.description) == ("Faux\u00a0!", "First line.\nSecond line.")


def test_a_bad_configuration_is_refused_before_the_database_is_touched(tmp_path):
    db = open_db(tmp_path / "workbench.db")
    before = db.execute("SELECT * FROM statuses ORDER BY position").fetchall()
    db.close()
    write(tmp_path, status(id="unreviewed") + status(id="false", label="False\x1b]0;pwned\x07", color="bluee"))
    result = CliRunner().invoke(cli, ["export", "--db", str(tmp_path / "workbench.db")])
    assert result.exit_code == 1 and result.stderr.count("\n") == 1 and "\x1b" not in result.stderr
    assert open_db(tmp_path / "workbench.db").execute("SELECT * FROM statuses ORDER BY position").fetchall() == before


def test_statuses_written_by_a_script_export_without_a_crash(tmp_path):
    db = open_db(tmp_path / "workbench.db")
    with write_transaction(db):
        db.execute("UPDATE statuses SET color = 'bluee', label = 'False\x1b]0;pwned\x07' WHERE id = 'false'")
        db.execute("UPDATE statuses SET color = 'red link https://evil.example' WHERE id = 'true'")
        db.execute("UPDATE statuses SET color = NULL WHERE id = 'misleading'")
    db.close()
    for format_ in ("md", "html", "csv", "json"):
        result = CliRunner().invoke(cli, ["export", "--db", str(tmp_path / "workbench.db"), "-f", format_])
        assert result.exit_code == 0, result.stderr
        assert "\x1b" not in result.stdout and "evil" not in result.stdout
    html = CliRunner().invoke(cli, ["export", "--db", str(tmp_path / "workbench.db"), "-f", "html"]).stdout
    assert 'fill="#888888"' in html and "False␛]0;pwned␇" in html


def test_a_status_id_written_by_a_script_is_echoed_literally_by_mark(tmp_path):
    from workbench.pipeline import ingest

    article = tmp_path / "a.txt"
    article.write_text("Visas\n\nPoland issued 1,000 humanitarian visas to Belarusian programmers in a week.\n")
    path = tmp_path / "workbench.db"
    db = open_db(path)
    ingest(db, [str(article)], workers=1)
    item = db.execute("SELECT id FROM items LIMIT 1").fetchone()[0]
    with write_transaction(db):
        db.execute(
            "INSERT INTO statuses (id, label, position, verdict) "
            "SELECT 'x\x1b]0;pwned\x07', 'Hostile', max(position) + 1, 1 FROM statuses"
        )
    db.close()
    result = CliRunner().invoke(cli, ["mark", item, "x\x1b]0;pwned\x07", "--db", str(path)])
    assert result.exit_code == 0, result.output
    assert "\x1b" not in result.output and "x␛]0;pwned␇" in result.output
