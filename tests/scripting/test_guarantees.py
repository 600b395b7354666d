"""db/README.md's "Guarantees" names the tests that prove each promise: they must exist."""

from __future__ import annotations

import re

from paths import ROOT

README = ROOT / "db" / "README.md"
REFERENCE = re.compile(r"`(tests/[\w/]+\.py)(?:::(\w+))?`")


def guarantees_section() -> str:
    text = README.read_text(encoding="utf-8")
    start = text.index("## Guarantees")
    return text[start : text.index("\n## ", start + 1)]


def test_every_test_named_in_the_guarantees_exists():
    references = REFERENCE.findall(guarantees_section())
    assert len(references) >= 30
    missing = []
    for path, name in references:
        source = ROOT / path
        if not source.is_file() or (name and not re.search(rf"^(async )?def {name}\(", source.read_text(), re.M)):
            missing.append(f"{path}::{name}" if name else path)
    assert missing == []
