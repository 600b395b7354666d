"""The ``workbench`` command line: one module per command, registered in :mod:`.main`."""

from .main import cli, main

__all__ = ["cli", "main"]
