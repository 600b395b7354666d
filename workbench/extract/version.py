"""The extractor's fingerprint, stored with every source: when the extraction code changes,
unchanged files are extracted again on the next ingest."""

from __future__ import annotations

import functools
import hashlib
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent


@functools.cache
def extractor_version() -> str:
    """A hash of every ``.py`` and ``.json`` file of this package (read once, on first use)."""
    digest = hashlib.sha1()
    for path in sorted(PACKAGE.rglob("*")):
        if path.suffix in {".py", ".json"}:
            digest.update(path.read_bytes())
    return digest.hexdigest()[:12]
