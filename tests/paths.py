"""Where the repository and its demo corpus are, for tests at any depth of this folder."""

from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "fixtures"

# The demo corpus: the two seed articles and the demo outlets written for it.
FIXTURE_ARTICLES = sum(1 for path in FIXTURES.iterdir() if path.suffix == ".txt")
