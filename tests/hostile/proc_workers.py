"""Programs the safety tests run as separate processes (so they can be killed for real).

python proc_workers.py mark DB COUNT SEED     # random marks; prints each committed review id
python proc_workers.py ingest DB FOLDER [STOP]
    # ingest a folder, printing "file N" as each file is stored and "link STAGE" as each
    # linking stage starts; on printing the line STOP, wait there to be killed
"""

from __future__ import annotations

import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from workbench.store.database import open_db
from workbench.store.reviews import StaleReview, mark


def run_marks(db_path: str, count: int, seed: int) -> None:
    """Mark random items; every third mark carries the review id it saw, as the TUI does."""
    rng = random.Random(seed)
    db = open_db(db_path)
    items = [row[0] for row in db.execute("SELECT id FROM items")]
    statuses = ["true", "mostly-true", "misleading", "false", "unverifiable", "in-progress"]
    stale = 0
    for n in range(count):
        item = rng.choice(items)
        if n % 3 == 0:
            seen = db.execute("SELECT review_id FROM items WHERE id = ?", [item]).fetchone()[0]
            try:
                result = mark(db, item, rng.choice(statuses), reviewer=f"p{seed}", expected=seen)
            except StaleReview:
                stale += 1
                print("stale", flush=True)
                continue
        else:
            result = mark(db, item, rng.choice(statuses), reviewer=f"p{seed}", note=f"mark {n}")
        print(f"ok {result.review_id}", flush=True)
    print(f"done stale={stale}", flush=True)


def run_ingest(db_path: str, folder: str, stop_at: str | None) -> None:
    from workbench.pipeline import ingest

    def say(line: str) -> None:
        print(line, flush=True)
        if line == stop_at:
            time.sleep(600)  # the test kills the process here

    db = open_db(db_path)
    ingest(
        db,
        [folder],
        workers=1,
        on_file=lambda done, total, items: say(f"file {done}"),
        link_progress=lambda stage, done, total: say(f"link {stage}"),
    )
    print("done", flush=True)


if __name__ == "__main__":
    if sys.argv[1] == "mark":
        run_marks(sys.argv[2], int(sys.argv[3]), int(sys.argv[4]))
    else:
        run_ingest(sys.argv[2], sys.argv[3], sys.argv[4] if len(sys.argv) > 4 else None)
