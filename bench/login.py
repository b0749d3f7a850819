"""Sign in the way the browser does: read the form, SM2-encrypt password + challenge, post."""
from __future__ import annotations

import re

from security.sm import sm2_encrypt

_CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')
_PUBLIC = re.compile(r'data-sm2-public="([0-9a-fA-F]+)"')
_CHALLENGE = re.compile(r'data-sm2-challenge="([0-9a-fA-F]+)"')


def parse_form(html: str) -> tuple[str, str, str]:
    """(csrf token, SM2 public key, challenge) of a sign-in or password form."""
    csrf, public, challenge = _CSRF.search(html), _PUBLIC.search(html), _CHALLENGE.search(html)
    if not (csrf and public and challenge):
        raise ValueError("not an SM2 form page")
    return csrf.group(1), public.group(1), challenge.group(1)


def encrypt(password: str, public_key: str, challenge: str) -> str:
    """What sm2-form.js posts: hex of SM2(C1C3C2) over ``password + "\\n" + challenge``."""
    return sm2_encrypt(public_key, f"{password}\n{challenge}".encode("utf-8")).hex()


def login(session, base: str, username: str, password: str) -> None:
    """Sign a ``requests.Session`` in; raises when the server refuses."""
    page = session.get(f"{base}/login", timeout=30)
    csrf, public, challenge = parse_form(page.text)
    r = session.post(f"{base}/login", data={"csrf_token": csrf, "username": username,
                                            "password_cipher": encrypt(password, public, challenge)},
                     headers={"Referer": f"{base}/login"}, timeout=30, allow_redirects=False)
    if r.status_code != 302:
        raise RuntimeError(f"sign-in as {username} failed: HTTP {r.status_code}")
