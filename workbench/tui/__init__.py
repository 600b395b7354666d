"""The review screen: a Textual app over the workbench database.

:mod:`.app` starts it. The modules that read and write the database (:mod:`.filters`,
:mod:`.lists`, :mod:`.rows`, :mod:`.detail_query`, :mod:`.marking`, ...), :mod:`.keys`
and :mod:`.text` do not import Textual, so the command line can use them without it.
"""
