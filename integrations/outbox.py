"""The outbox: business transactions write messages here; a worker delivers them afterwards.

``enqueue`` runs in the caller's transaction, so a message exists exactly when the business change
committed. ``deliver`` takes due messages one at a time, sends each through the adapter of its topic with
its idempotency key, and records the outcome: delivered, or retried later with exponential backoff, or
dead-lettered after ``MAX_ATTEMPTS``. Two workers never send the same message: on PostgreSQL a worker
holds the message row (``SELECT … FOR UPDATE SKIP LOCKED``) while it sends; on SQLite, which has no row
locks, it first claims the row by writing its token and a lease, then sends outside the transaction.
"""
from __future__ import annotations

import json
import secrets
from contextlib import AbstractContextManager
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import Callable, Mapping, Protocol

from sqlalchemy import and_, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from db.integrations import TOPICS, OutboxMessage
from security import audit

MAX_ATTEMPTS = 8
BASE_DELAY = timedelta(seconds=30)
MAX_DELAY = timedelta(hours=2)
LEASE = timedelta(minutes=5)
WORKER = "integrations"

__all__ = ["ON_DELIVERED", "Adapter", "DeliveryError", "OutboxError", "backoff", "deliver", "enqueue", "retry"]


class OutboxError(ValueError):
    """A message that cannot be queued or retried; ``str()`` is a Chinese message."""


class DeliveryError(Exception):
    """The counterpart did not accept a message (down, refused, malformed answer)."""


class Adapter(Protocol):
    """Sends one message to one counterpart; returns the counterpart's JSON answer or raises DeliveryError."""

    def send(self, *, topic: str, key: str, payload: dict) -> dict: ...


# Engine hooks run in the delivering transaction with the counterpart's answer, e.g. the national unique
# code of a plant quarantine certificate: topic -> fn(session, message, answer).
ON_DELIVERED: dict[str, Callable[[Session, OutboxMessage, dict], None]] = {}


@dataclass
class DeliveryCounts:
    """What one ``deliver`` run did."""

    delivered: int = 0
    retried: int = 0
    dead: int = 0

    def as_dict(self) -> dict[str, int]:
        """The counts as a plain dict (CLI output, tests)."""
        return {"delivered": self.delivered, "retried": self.retried, "dead": self.dead}


def _utc(now: datetime | None) -> datetime:
    now = now or datetime.now(timezone.utc)
    return now if now.tzinfo else now.replace(tzinfo=timezone.utc)


def enqueue(session: Session, *, topic: str, key: str, payload: dict,
            now: datetime | None = None) -> OutboxMessage:
    """Queue ``payload`` for ``topic`` in the caller's transaction; a key queued before is left as it is."""
    if topic not in TOPICS:
        raise OutboxError(f"未知的对接系统：{topic}")
    key = (key or "").strip()
    if not key or len(key) > 128:
        raise OutboxError("幂等键不能为空且不超过 128 个字符")
    try:
        body = json.loads(json.dumps(payload, ensure_ascii=False, default=str))
    except (TypeError, ValueError) as exc:
        raise OutboxError("消息内容必须可以转换为 JSON") from exc
    existing = session.scalar(select(OutboxMessage).where(OutboxMessage.key == key))
    if existing is not None:
        return existing
    now = _utc(now)
    message = OutboxMessage(topic=topic, key=key, payload=body, created_at=now, attempts=0, next_attempt_at=now,
                            dead=False)
    try:
        with session.begin_nested():  # a concurrent transaction may queue the same key first
            session.add(message)
    except IntegrityError:
        return session.scalar(select(OutboxMessage).where(OutboxMessage.key == key))
    return message


def backoff(attempts: int) -> timedelta:
    """Delay before the next try after ``attempts`` failed ones: 30 s, 1 min, 2 min … at most 2 h."""
    return min(BASE_DELAY * (2 ** max(attempts - 1, 0)), MAX_DELAY)


def _due(now: datetime):
    return and_(OutboxMessage.delivered_at.is_(None), OutboxMessage.dead.is_(False),
                OutboxMessage.next_attempt_at <= now)


def _send(adapters: Mapping[str, Adapter], message: OutboxMessage) -> dict:
    adapter = adapters.get(message.topic)
    if adapter is None:
        raise DeliveryError(f"没有配置“{TOPICS.get(message.topic, message.topic)}”的接口")
    return adapter.send(topic=message.topic, key=message.key, payload=message.payload)


def _record(session: Session, message: OutboxMessage, now: datetime, answer: dict | None,
            error: str | None, counts: DeliveryCounts) -> None:
    """Write the outcome of one attempt into ``message`` (in the caller's transaction)."""
    message.attempts += 1
    message.claimed_by = message.claimed_until = None
    if error is None:
        message.delivered_at, message.response, message.last_error = now, answer, None
        hook = ON_DELIVERED.get(message.topic)
        if hook is not None:
            hook(session, message, answer or {})
        counts.delivered += 1
        return
    message.last_error = error[:2000]
    if message.attempts >= MAX_ATTEMPTS:
        message.dead = True
        counts.dead += 1
        audit.append(session, username=WORKER, source_ip="-", action="outbox.dead", object_type=message.topic,
                     object_id=message.key, outcome="failure",
                     detail={"attempts": message.attempts, "error": message.last_error[:200]}, now=now)
    else:
        message.next_attempt_at = now + backoff(message.attempts)
        counts.retried += 1


def _attempt(adapters: Mapping[str, Adapter], message: OutboxMessage) -> tuple[dict | None, str | None]:
    try:
        return _send(adapters, message), None
    except DeliveryError as exc:
        return None, str(exc) or type(exc).__name__


def _deliver_locked(session_factory, adapters, now: datetime, batch: int, counts: DeliveryCounts) -> None:
    """PostgreSQL: each message in its own transaction, its row locked while it is sent."""
    for _ in range(batch):
        with session_factory() as session:
            message = session.scalar(select(OutboxMessage).where(_due(now)).order_by(OutboxMessage.id)
                                     .limit(1).with_for_update(skip_locked=True))
            if message is None:
                return
            answer, error = _attempt(adapters, message)
            _record(session, message, now, answer, error, counts)


def _deliver_claimed(session_factory, adapters, now: datetime, batch: int, counts: DeliveryCounts) -> None:
    """SQLite: claim a message (token and lease) in a short transaction, send, then record the outcome."""
    token = secrets.token_hex(8)
    for _ in range(batch):
        with session_factory() as session:
            free = or_(OutboxMessage.claimed_until.is_(None), OutboxMessage.claimed_until < now)
            candidate = select(OutboxMessage.id).where(_due(now), free).order_by(OutboxMessage.id).limit(1)
            claimed = session.execute(update(OutboxMessage).where(OutboxMessage.id == candidate.scalar_subquery(),
                                                                  free)
                                      .values(claimed_by=token, claimed_until=now + LEASE)).rowcount
            if not claimed:
                return
            message = session.scalar(select(OutboxMessage).where(OutboxMessage.claimed_by == token))
            message_id, topic, key, payload = message.id, message.topic, message.key, message.payload
        answer, error = _attempt(adapters, OutboxMessage(id=message_id, topic=topic, key=key, payload=payload))
        with session_factory() as session:
            # Write first: a SQLite transaction that reads before writing cannot wait for the write lock.
            still_ours = session.execute(update(OutboxMessage).where(OutboxMessage.id == message_id,
                                                                     OutboxMessage.claimed_by == token)
                                         .values(claimed_until=now + LEASE)).rowcount
            if still_ours:  # otherwise the lease ran out and another worker took the message over
                _record(session, session.get(OutboxMessage, message_id), now, answer, error, counts)


def deliver(session_factory: Callable[[], AbstractContextManager[Session]], adapters: Mapping[str, Adapter],
            now: datetime | None = None, batch: int = 100) -> dict[str, int]:
    """Deliver up to ``batch`` due messages; returns counts of delivered, retried and dead-lettered ones.

    ``session_factory()`` must give a session inside one transaction that commits on exit (``db.session``).
    """
    now = _utc(now)
    counts = DeliveryCounts()
    with session_factory() as session:
        postgres = session.get_bind().dialect.name == "postgresql"
    (_deliver_locked if postgres else _deliver_claimed)(session_factory, adapters, now, batch, counts)
    return counts.as_dict()


def retry(session: Session, message_id: int, *, actor: str, source_ip: str,
          now: datetime | None = None) -> OutboxMessage:
    """An administrator sends a dead or waiting message again now (attempts start over); audited."""
    message = session.get(OutboxMessage, message_id)
    if message is None:
        raise OutboxError("消息不存在")
    if message.delivered_at is not None:
        raise OutboxError("消息已投递，无需重新投递")
    now = _utc(now)
    was_dead = message.dead
    message.dead, message.attempts, message.next_attempt_at = False, 0, now
    message.claimed_by = message.claimed_until = None
    session.flush()
    audit.append(session, username=actor, source_ip=source_ip, action="outbox.retry", object_type=message.topic,
                 object_id=message.key, detail={"was_dead": was_dead, "last_error": (message.last_error or "")[:200]},
                 now=now)
    return message
