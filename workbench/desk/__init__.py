"""The desk: the review screen served to browsers (``workbench serve``).

``server`` is textual-serve's server behind a login: each browser connection runs
``workbench review --db FILE --reviewer NAME`` as its own process, NAME taken from the
server's session, never from the browser. ``sessions`` holds logins, connections and the
limits on them; ``pages`` the login and refusal pages; ``replicate`` runs Litestream.
Textual itself is never imported here (textual-serve only starts processes that run it).
"""
