"""Which earlier checks an item repeats, for every format: the ``checked_before`` view's
rows (published fact-checks matched and nobody rejected; this desk's verdicts on linked
items, by status label) as one JSON column of the selection, and the sentence reports show."""

from __future__ import annotations

# Earlier checks listed per item (confirmed first, then by score).
SHOWN_CHECKS = 5


def checks_column() -> str:
    """SQL: a JSON array of the item's earlier checks (``items`` is the item's table)."""
    return f"""(SELECT json_group_array(json(found)) FROM (
            SELECT json_object('via', c.via, 'state', c.state, 'score', c.score, 'checked_by', c.checked_by,
                               'rating', coalesce(s.label, c.rating), 'checked_at', c.checked_at, 'url', c.url,
                               'factcheck_id', c.factcheck_id, 'other_item_id', c.other_item_id,
                               'claim', f.claim) AS found
            FROM checked_before c LEFT JOIN factchecks f ON f.id = c.factcheck_id
            LEFT JOIN statuses s ON c.via = 'desk' AND s.id = c.rating
            WHERE c.item_id = items.id
            ORDER BY c.state = 'confirmed' DESC, c.score DESC, c.factcheck_id, c.other_item_id
            LIMIT {SHOWN_CHECKS})) AS checks"""


def check_parts(check: dict) -> tuple[str, str, str | None]:
    """``(who, what they said, url)`` of one earlier check, as plain text: the publisher
    and rating of a fact-check, or "this desk" and the status label of a desk verdict,
    with "suggested" said of a match nobody confirmed."""
    if check["via"] == "desk":
        who, rating = f"this desk ({check['checked_by'] or 'a reviewer'})", check["rating"]
    else:
        who, rating = check["checked_by"] or "an unnamed publisher", check["rating"] or "no rating"
    day = f", {check['checked_at'][:10]}" if check.get("checked_at") else ""
    pending = "" if check["state"] == "confirmed" else f"; a suggested match, score {check['score']:g}"
    return who, f"{rating}{day}{pending}", check.get("url")
