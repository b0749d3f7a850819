"""Helpers shared by the admin blueprints: CSRF check of plain button forms, form errors as a list, and
sending a stored upload or document back with its SM3 digest checked."""
from __future__ import annotations

from pathlib import Path

from flask import abort, current_app, send_file
from flask_wtf import FlaskForm

from security.sm import sm3


def post_ok() -> None:
    """CSRF check of a plain form (a button, or fields read from ``request.form``); 400 when it fails."""
    if not FlaskForm().validate_on_submit():
        abort(400)


def form_errors(form: FlaskForm) -> list[str]:
    """Every field error of a WTForms form, in field order."""
    return [e for errs in form.errors.values() for e in errs]


def send_stored(rel: str | None, download_name: str, digest: str | None = None):
    """Send a file stored under the instance folder (410 when gone or, with ``digest``, altered)."""
    if not rel:
        abort(404)
    path = Path(current_app.instance_path) / rel
    if not path.exists() or (digest is not None and sm3(path.read_bytes()).hex() != digest):
        abort(410)
    return send_file(path, download_name=download_name, as_attachment=True)
