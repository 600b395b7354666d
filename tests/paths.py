"""Where the repository and its demo corpus are, for tests at any depth of this folder."""

from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "fixtures"
