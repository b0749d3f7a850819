"""To-dos and messages per user (the beginning of the unified message module 54).

A to-do names either one user or a permission (every holder sees it, e.g. "the bureau's queue"); it is
closed when its item moves on. Messages are addressed to one user and marked read when opened.
"""
from __future__ import annotations

from datetime import datetime, timezone

from sqlalchemy import or_, select, update
from sqlalchemy.orm import Session

from db.workflow import Message, Todo


def _now() -> datetime:
    return datetime.now(timezone.utc)


def add_todo(session: Session, *, title: str, link: str, item_type: str, item_id: int,
             username: str | None = None, permission: str | None = None) -> Todo:
    """Open a to-do for ``username`` or for every holder of ``permission``."""
    if not (username or permission):
        raise ValueError("a to-do needs a user or a permission")
    todo = Todo(username=username, permission=permission, title=title[:200], link=link, item_type=item_type,
                item_id=item_id, created_at=_now())
    session.add(todo)
    return todo


def close_todos(session: Session, item_type: str, item_id: int) -> int:
    """Close every open to-do of one item (it has moved on); returns how many."""
    return session.execute(update(Todo).where(Todo.item_type == item_type, Todo.item_id == item_id,
                                              Todo.done_at.is_(None)).values(done_at=_now())).rowcount or 0


def open_todos(session: Session, username: str, permissions: frozenset[str] | set[str], limit: int = 200) -> list[Todo]:
    """Open to-dos of a user: addressed to them or to a permission they hold, newest first."""
    who = [Todo.username == username]
    if permissions:
        who.append(Todo.permission.in_(sorted(permissions)))
    return list(session.scalars(select(Todo).where(Todo.done_at.is_(None), or_(*who))
                                .order_by(Todo.id.desc()).limit(limit)))


def send_message(session: Session, *, username: str, title: str, body: str = "", link: str | None = None) -> Message:
    """Leave a message for one user."""
    msg = Message(username=username, title=title[:200], body=body, link=link, created_at=_now())
    session.add(msg)
    return msg


def messages(session: Session, username: str, limit: int = 100) -> list[Message]:
    """A user's messages, newest first."""
    return list(session.scalars(select(Message).where(Message.username == username)
                                .order_by(Message.id.desc()).limit(limit)))


def mark_read(session: Session, username: str) -> int:
    """Mark every unread message of a user as read; returns how many."""
    return session.execute(update(Message).where(Message.username == username, Message.read_at.is_(None))
                           .values(read_at=_now())).rowcount or 0
