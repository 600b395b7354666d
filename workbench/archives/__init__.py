"""Archives of published fact-checks: files in, :class:`~.entry.ArchiveEntry` records out.

No database here: ``workbench.store.factchecks`` stores what these modules read. Each
format is a module that registers itself (:mod:`.registry`); every problem with a file or
one of its entries is one line naming the file (and the entry), never an exception, and
the rest of the file goes in.
"""
