"""workbench: pull claims and quotes out of news articles, cross-link them, review them.

Data flow, one package per stage, each importing only those before it: ``readers`` (files
to clean articles) and ``extract`` (claims, quotes, speakers, numbers), ``store`` (the
SQLite database), ``link`` (the same claim or quote across sources), ``pipeline`` (the
whole path of an article), ``reports`` (exports) and ``tui`` (the review screen), ``cli``
(the commands). Only ``tui`` imports Textual. See docs/ARCHITECTURE.md.
"""

__version__ = "0.1.0"
