"""Run ``workbench`` with one more export format, for tests that stop or break an export
midway: ``python stalling_export.py READY_FILE stall|fail workbench-arguments...``.

``stall`` writes part of a report, creates READY_FILE and waits to be stopped;
``fail`` writes part of a report and then fails the way a full disk does.
"""

from __future__ import annotations

import errno
import sys
import time
from pathlib import Path

from workbench.cli import main
from workbench.reports.formats import ExportFormat, register

READY = Path(sys.argv[1])


def stall(selection, out) -> int:
    out.write("part of a report\n" * 1000)
    out.flush()
    READY.touch()
    time.sleep(120)  # stopped by the test long before this
    return 0


def fail(selection, out) -> int:
    out.write("part of a report\n" * 1000)
    out.flush()
    raise OSError(errno.ENOSPC, "No space left on device")


register(ExportFormat("stall", (".stall",), stall))
register(ExportFormat("fail", (".fail",), fail))
sys.argv = ["workbench", *sys.argv[3:], "--format", sys.argv[2]]
main()
