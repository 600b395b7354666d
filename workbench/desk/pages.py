"""The desk's own pages: login, and why a request was refused. Every value is escaped."""

from __future__ import annotations

import re
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


# textual-serve's page takes its font from Google; the desk serves the copy textual-serve ships.
GOOGLE_FONT = re.compile(r'<link\s[^>]*href="https://fonts\.googleapis\.com/[^"]*"[^>]*>')
LOCAL_FONT = """<style>@font-face{{font-family:"Roboto Mono";font-style:normal;
src:url("{static}fonts/RobotoMono-VariableFont_wght.ttf") format("truetype")}}
@font-face{{font-family:"Roboto Mono";font-style:italic;
src:url("{static}fonts/RobotoMono-Italic-VariableFont_wght.ttf") format("truetype")}}</style>"""
# The addresses a page loads from (absolute ones: relative ones are the desk's own).
LOADED_FROM = re.compile(
    r"""(?:src|href)\s*=\s*["']?((?:https?:)?//[^"'\s>]*)|url\(\s*["']?((?:https?:)?//[^"')\s]*)""", re.IGNORECASE
)


def foreign_urls(page: str, own: str) -> list[str]:
    """The absolute addresses ``page`` loads from that are not under ``own`` (the desk's address)."""
    own = own.rstrip("/") + "/"
    return [url for match in LOADED_FROM.finditer(page) for url in match.groups() if url and not url.startswith(own)]


def app_page(textual_page: str, reviewer: str, static_url: str) -> str:
    """textual-serve's page of the app: its font served by the desk, and a button to log out.

    Raises ValueError if it would load anything from another site (a newer textual-serve's
    page): reviewers' browsers fetch nothing from the internet on the desk's account.
    """
    page = GOOGLE_FONT.sub(lambda _: LOCAL_FONT.format(static=escape(static_url)), textual_page)
    page = page.replace("</body>", LOGOUT_FORM.format(name=escape(reviewer)) + "</body>", 1)
    foreign = foreign_urls(page, static_url.removesuffix("static/"))
    if foreign:
        raise ValueError(f"textual-serve's page loads from another site: {foreign[0]}")
    return page
