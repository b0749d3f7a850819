"""A small, general state-machine engine for administrative processes (civilized units, approvals …).

A ``StateMachine`` names its states and its transitions; each transition lists the source states, the
target (fixed or chosen from the item), the permissions allowed to make it, an optional guard, and
whether a comment is required. ``transition()`` refuses an illegal move with a Chinese message and
otherwise moves the item, records the move in ``wf_history`` and appends an audit record, all in the
caller's transaction, so the move, its history and its audit record commit together or not at all.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any, Callable

from sqlalchemy import select
from sqlalchemy.orm import Session

from db.workflow import WorkflowHistory
from security import audit

__all__ = ["Actor", "StateMachine", "Transition", "TransitionRefused", "history", "transition"]


class TransitionRefused(Exception):
    """An illegal move; ``message`` (Chinese) can be shown to the user as is."""

    def __init__(self, message: str) -> None:
        self.message = message
        super().__init__(message)


@dataclass(frozen=True)
class Actor:
    """Who asks for a move: user name, permissions held, source address (for the audit record) and, for
    district-scoped roles, the district they act for."""

    username: str
    permissions: frozenset[str]
    source_ip: str = "-"
    district_code: str | None = None


Guard = Callable[[Session, Any], "str | None"]  # returns the Chinese reason to refuse, or None


@dataclass(frozen=True)
class Transition:
    """One named move from any of ``sources`` to ``target`` (a state, or a function of the item)."""

    action: str
    label: str
    sources: tuple[str, ...]
    target: str | Callable[[Session, Any], str]
    permissions: tuple[str, ...]
    guard: Guard | None = None
    needs_comment: bool = False

    def target_of(self, session: Session, item: Any) -> str:
        """The state the item moves to."""
        return self.target(session, item) if callable(self.target) else self.target


@dataclass
class StateMachine:
    """States (code → Chinese label) and transitions of one kind of item (``item_type``)."""

    item_type: str
    states: dict[str, str]
    transitions: list[Transition] = field(default_factory=list)

    def __post_init__(self) -> None:
        actions = [t.action for t in self.transitions]
        if len(actions) != len(set(actions)):
            raise ValueError(f"{self.item_type}: duplicate transition names")
        for t in self.transitions:
            unknown = [s for s in t.sources if s not in self.states]
            if unknown or (isinstance(t.target, str) and t.target not in self.states):
                raise ValueError(f"{self.item_type}.{t.action}: unknown state {unknown or t.target}")

    def get(self, action: str) -> Transition | None:
        """The transition called ``action``, if any."""
        return next((t for t in self.transitions if t.action == action), None)

    def label(self, state: str) -> str:
        """The Chinese name of a state."""
        return self.states.get(state, state)

    def allowed(self, item: Any, actor: Actor) -> list[Transition]:
        """The moves ``actor`` may attempt from the item's current state (guards not evaluated)."""
        return [t for t in self.transitions
                if item.state in t.sources and any(p in actor.permissions for p in t.permissions)]

    def check(self, session: Session, item: Any, action: str, actor: Actor, comment: str | None = None) -> Transition:
        """The transition, or TransitionRefused saying why it may not happen now."""
        t = self.get(action)
        if t is None:
            raise TransitionRefused(f"未知的操作：{action}")
        if not any(p in actor.permissions for p in t.permissions):
            raise TransitionRefused(f"您无权执行“{t.label}”")
        if item.state not in t.sources:
            raise TransitionRefused(f"当前状态为“{self.label(item.state)}”，不能执行“{t.label}”")
        if t.needs_comment and not (comment or "").strip():
            raise TransitionRefused(f"“{t.label}”须填写意见或理由")
        if t.guard is not None:
            reason = t.guard(session, item)
            if reason:
                raise TransitionRefused(reason)
        return t


def transition(session: Session, machine: StateMachine, item: Any, action: str, actor: Actor, *,
               comment: str | None = None, now: datetime | None = None) -> str:
    """Move ``item`` by ``action``; history and audit in the same transaction. Returns the new state."""
    t = machine.check(session, item, action, actor, comment)
    before, after = item.state, t.target_of(session, item)
    at = now or datetime.now(timezone.utc)
    item.state = after
    session.add(WorkflowHistory(item_type=machine.item_type, item_id=item.id, action=action, from_state=before,
                                to_state=after, actor=actor.username, comment=(comment or "").strip() or None, at=at))
    audit.append(session, username=actor.username, source_ip=actor.source_ip, action=f"{machine.item_type}.{action}",
                 object_type=machine.item_type, object_id=str(item.id),
                 detail={"from": before, "to": after, "comment": (comment or "")[:200]})
    session.flush()
    return after


def history(session: Session, item_type: str, item_id: int) -> list[WorkflowHistory]:
    """Every recorded move of one item, oldest first."""
    return list(session.scalars(select(WorkflowHistory).where(
        WorkflowHistory.item_type == item_type, WorkflowHistory.item_id == item_id).order_by(WorkflowHistory.id)))
