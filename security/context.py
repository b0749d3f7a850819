"""The current user as pages and callbacks see it: permissions and district scope (no Flask internals)."""
from __future__ import annotations

from flask_login import current_user


def can(permission: str | None) -> bool:
    """True when the signed-in user holds ``permission`` (None: any signed-in user)."""
    return bool(getattr(current_user, "is_authenticated", False)) and current_user.can(permission)


def district_scope() -> str | None:
    """The district the user is limited to (None: the whole city)."""
    return getattr(current_user, "district_code", None)


def username() -> str:
    """The signed-in user name, or "-"."""
    return getattr(current_user, "username", "-") or "-"


def display_name() -> str:
    """The signed-in user's display name, or ""."""
    return getattr(current_user, "display_name", "") or ""
