"""The desk's own pages: login, and why a request was refused. Every value is escaped."""

from __future__ import annotations

from html import escape

STYLE = """body{background:#0c181f;color:#eee;font-family:system-ui,sans-serif;display:flex;
justify-content:center;margin-top:10vh}main{background:#12232d;padding:2em 3em;max-width:32em}
input{display:block;margin:.3em 0 1em;padding:.4em;width:100%}button{padding:.5em 1.5em}
.error{color:#ff8a80}"""


def page(title: str, body: str, status_line: str = "") -> str:
    return (
        f'<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>{escape(title)}</title>'
        f"<style>{STYLE}</style></head><body><main><h1>{escape(title)}</h1>{status_line}{body}</main></body></html>"
    )


def login_page(desk: str, error: str | None = None, name: str = "") -> str:
    message = f'<p class="error" role="alert">{escape(error)}</p>' if error else ""
    form = (
        '<form method="post" action="login">'
        f'<label>Reviewer <input name="name" autocomplete="username" required value="{escape(name)}"></label>'
        '<label>Password <input name="password" type="password" autocomplete="current-password" required></label>'
        '<button type="submit">Log in</button></form>'
    )
    return page(f"{desk}: log in", form, message)


def message_page(title: str, message: str, link: tuple[str, str] | None = None) -> str:
    body = f"<p>{escape(message)}</p>"
    if link:
        body += f'<p><a href="{escape(link[0])}">{escape(link[1])}</a></p>'
    return page(title, body)


LOGOUT_FORM = """<form method="post" action="logout" style="position:fixed;top:0;right:0;z-index:30;margin:0">
<button type="submit" title="Log out of the desk" style="font-size:11px;padding:2px 8px">log out {name}</button></form>"""


def with_logout(app_page: str, reviewer: str) -> str:
    """textual-serve's page of the app, with a button to log out."""
    return app_page.replace("</body>", LOGOUT_FORM.format(name=escape(reviewer)) + "</body>", 1)
