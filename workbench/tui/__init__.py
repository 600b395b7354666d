"""The review screen: a Textual app over the workbench database.

Only :mod:`workbench.tui.app` and the widget modules import Textual; :mod:`.data`,
:mod:`.text` and :mod:`.commands` do not, so the CLI starts without it.
"""
