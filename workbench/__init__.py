"""workbench: pull claims and quotes out of news articles, cross-link them, review them.

Data flow, one package per stage: ``readers`` (files to clean articles), ``extract``
(claims, quotes, speakers, numbers), ``store`` (the SQLite database, ingest, reviews),
``link`` (the same claim or quote across sources), ``reports`` (exports) and ``tui``
(the review screen). Only ``tui`` imports Textual.
"""

__version__ = "0.1.0"
