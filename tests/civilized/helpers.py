"""Shared helpers of the civilized-units HTTP tests: CSRF tokens and form posts."""
from __future__ import annotations

import re

BASE = "/admin/civilized"
_TOKEN = re.compile(r'name="csrf_token"(?: type="hidden")? value="([^"]+)"')


def token(client, path: str = BASE + "/") -> str:
    """The session's CSRF token, read from a page the client may open."""
    page = client.get(path).get_data(as_text=True)
    return _TOKEN.search(page).group(1)


def post(client, path: str, data: dict | None = None, **kwargs):
    """POST a form with the client's CSRF token."""
    body = {"csrf_token": token(client)}
    body.update(data or {})
    return client.post(BASE + path, data=body, **kwargs)


def flashes(client) -> str:
    """The page after a redirect, as text (flashed messages included)."""
    return client.get(BASE + "/").get_data(as_text=True)
