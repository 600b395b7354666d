"""Verdict reports and data exports: Markdown, HTML, CSV, JSON, JSON lines, ClaimReview.

Every format reads the same filtered item stream (:mod:`.query`) and writes as it
reads, so exporting a million items needs no more memory than exporting ten.
"""
