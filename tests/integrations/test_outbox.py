"""The outbox: queued in the business transaction, delivered with backoff and idempotency keys, dead-lettered
after N attempts, nothing lost while the counterpart is down and each message delivered exactly once when it
returns, also with two workers at once. Messages here live in the year 2000 so that other tests' messages
(queued at the real time) are never due in these runs, and vice versa they are removed afterwards."""
from __future__ import annotations

import secrets
import threading
from datetime import datetime, timedelta, timezone
from urllib.parse import urlparse

import pytest
from sqlalchemy import delete, func, select

from db import db
from db.integrations import OutboxMessage
from db.security import AuditLog
from integrations import outbox
from integrations.adapters import JsonAdapter, default_adapters, endpoint, urllib_post
from integrations.outbox import MAX_ATTEMPTS, DeliveryError, OutboxError, backoff, deliver, enqueue, retry

T0 = datetime(2000, 1, 3, 9, 0, tzinfo=timezone.utc)


@pytest.fixture()
def prefix(app):
    """A key prefix of this test; its messages are deleted afterwards."""
    p = f"tst-{secrets.token_hex(4)}-"
    yield p
    with db.session() as s:
        s.execute(delete(OutboxMessage).where(OutboxMessage.key.like(f"{p}%")))


@pytest.fixture()
def stub(app):
    """Drive the local stubs in-process: (adapters posting through a test client, control, hits-of-key)."""
    client = app.server.test_client()

    def post(url: str, body: bytes, headers: dict[str, str], timeout: float) -> tuple[int, bytes]:
        r = client.post(urlparse(url).path, data=body, headers=headers)
        return r.status_code, r.data

    def fail(system: str, failing: bool) -> None:
        assert client.post(f"/stub/{system}/control", json={"fail": failing}).status_code == 200

    def hits(system: str, prefix: str) -> dict[str, int]:
        with app.server.app_context():
            from integrations.stub import state

            return {k: n for k, n in state(system).hits.items() if k.startswith(prefix)}

    yield default_adapters("http://stub.invalid", post), fail, hits
    for system in ("case_library", "forestry_national", "one_netcom", "sms"):
        fail(system, False)


def _queue(prefix: str, n: int, topic: str = "case_library") -> list[str]:
    keys = [f"{prefix}{i}" for i in range(n)]
    with db.session() as s:
        for key in keys:
            enqueue(s, topic=topic, key=key, payload={"case_no": key, "event": "受理"}, now=T0)
    return keys


def _messages(prefix: str) -> list[OutboxMessage]:
    with db.session() as s:
        return list(s.scalars(select(OutboxMessage).where(OutboxMessage.key.like(f"{prefix}%"))
                              .order_by(OutboxMessage.id)))


@pytest.mark.module(66)
def test_enqueue_joins_the_business_transaction(prefix):
    with pytest.raises(RuntimeError):
        with db.session() as s:
            enqueue(s, topic="case_library", key=f"{prefix}rolled-back", payload={"x": 1}, now=T0)
            raise RuntimeError("the business write failed")
    assert _messages(prefix) == []
    with db.session() as s:
        enqueue(s, topic="case_library", key=f"{prefix}a", payload={"n": 1, "on": T0.date()}, now=T0)
        again = enqueue(s, topic="case_library", key=f"{prefix}a", payload={"n": 2}, now=T0)
        assert again.payload["n"] == 1
    with db.session() as s:  # a later transaction queueing the same key is a no-op too
        enqueue(s, topic="case_library", key=f"{prefix}a", payload={"n": 3}, now=T0)
    [message] = _messages(prefix)
    assert message.payload == {"n": 1, "on": "2000-01-03"} and message.attempts == 0


def test_enqueue_refuses_bad_messages(app):
    with db.session() as s:
        with pytest.raises(OutboxError, match="未知的对接系统"):
            enqueue(s, topic="nowhere", key="k", payload={})
        with pytest.raises(OutboxError, match="幂等键"):
            enqueue(s, topic="case_library", key=" ", payload={})


def test_backoff_doubles_up_to_a_ceiling():
    assert [backoff(n).total_seconds() for n in (1, 2, 3, 4)] == [30, 60, 120, 240]
    assert backoff(30) == outbox.MAX_DELAY


@pytest.mark.module(66)
def test_counterpart_down_then_back_delivers_each_message_once(prefix, stub):
    adapters, fail, hits = stub
    keys = _queue(prefix, 5)
    fail("case_library", True)
    assert deliver(db.session, adapters, now=T0) == {"delivered": 0, "retried": 5, "dead": 0}
    rows = _messages(prefix)
    assert all(m.attempts == 1 and m.delivered_at is None and "503" in m.last_error for m in rows)
    assert all(m.next_attempt_at.replace(tzinfo=timezone.utc) == T0 + timedelta(seconds=30) for m in rows)
    # Not due before the backoff has passed: nothing is sent.
    assert deliver(db.session, adapters, now=T0 + timedelta(seconds=29)) == {"delivered": 0, "retried": 0, "dead": 0}
    assert deliver(db.session, adapters, now=T0 + timedelta(seconds=30))["retried"] == 5
    assert {m.attempts for m in _messages(prefix)} == {2}
    fail("case_library", False)
    assert deliver(db.session, adapters, now=T0 + timedelta(minutes=2)) == {"delivered": 5, "retried": 0, "dead": 0}
    assert deliver(db.session, adapters, now=T0 + timedelta(days=1)) == {"delivered": 0, "retried": 0, "dead": 0}
    # The counterpart, once up, received each message exactly once.
    assert hits("case_library", prefix) == {k: 1 for k in keys}
    assert all(m.delivered_at is not None and m.response["accepted"] for m in _messages(prefix))


def test_dead_letter_after_max_attempts_then_retry(prefix, stub):
    adapters, fail, hits = stub
    [key] = _queue(prefix, 1, topic="one_netcom")
    fail("one_netcom", True)
    now = T0
    for attempt in range(1, MAX_ATTEMPTS + 1):
        counts = deliver(db.session, adapters, now=now)
        assert counts == ({"delivered": 0, "retried": 0, "dead": 1} if attempt == MAX_ATTEMPTS
                          else {"delivered": 0, "retried": 1, "dead": 0})
        now += backoff(attempt)
    [message] = _messages(prefix)
    assert message.dead and message.attempts == MAX_ATTEMPTS
    assert deliver(db.session, adapters, now=now + timedelta(days=30)) == {"delivered": 0, "retried": 0, "dead": 0}
    with db.session() as s:
        assert s.scalar(select(func.count()).select_from(AuditLog)
                        .where(AuditLog.action == "outbox.dead", AuditLog.object_id == key)) == 1
    fail("one_netcom", False)
    with db.session() as s:
        retry(s, message.id, actor="system_admin", source_ip="127.0.0.1", now=now)
        assert s.scalar(select(func.count()).select_from(AuditLog)
                        .where(AuditLog.action == "outbox.retry", AuditLog.object_id == key)) == 1
    assert deliver(db.session, adapters, now=now) == {"delivered": 1, "retried": 0, "dead": 0}
    assert hits("one_netcom", prefix) == {key: 1}
    with db.session() as s, pytest.raises(OutboxError, match="已投递"):
        retry(s, message.id, actor="system_admin", source_ip="127.0.0.1")


def test_lost_answer_is_resent_and_deduplicated_by_the_counterpart(prefix, stub):
    adapters, _fail, hits = stub
    [key] = _queue(prefix, 1)
    real = adapters["case_library"]

    class LostAnswer:
        """Delivers, but the answer never arrives (a timeout after the counterpart committed)."""

        def send(self, **kw):
            real.send(**kw)
            raise DeliveryError("读取应答超时")

    assert deliver(db.session, {"case_library": LostAnswer()}, now=T0)["retried"] == 1
    assert deliver(db.session, adapters, now=T0 + timedelta(minutes=1))["delivered"] == 1
    [message] = _messages(prefix)
    assert message.response["duplicate"] is True  # the counterpart recognised the idempotency key
    assert hits("case_library", prefix) == {key: 2}


def test_two_workers_deliver_each_message_exactly_once(prefix, stub):
    adapters, _fail, hits = stub
    keys = _queue(prefix, 40)
    results: list[dict] = []
    errors: list[BaseException] = []
    start = threading.Barrier(2)

    def worker() -> None:
        try:
            start.wait()
            results.append(deliver(db.session, adapters, now=T0, batch=100))
        except BaseException as exc:  # reported below
            errors.append(exc)

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert sum(r["delivered"] for r in results) == 40
    assert hits("case_library", prefix) == {k: 1 for k in keys}
    assert all(m.delivered_at is not None for m in _messages(prefix))


@pytest.mark.module(60)
def test_national_forestry_answers_with_a_unique_code_and_the_hook_gets_it(prefix, stub, monkeypatch):
    adapters, _fail, _hits = stub
    seen: dict[str, str] = {}
    monkeypatch.setitem(outbox.ON_DELIVERED, "forestry_national",
                        lambda session, message, answer: seen.__setitem__(message.key, answer["national_code"]))
    with db.session() as s:
        enqueue(s, topic="forestry_national", key=f"{prefix}cert", now=T0,
                payload={"number": f"{prefix}沪林检〔2000〕000001号", "plant_name": "香樟"})
    assert deliver(db.session, adapters, now=T0)["delivered"] == 1
    [message] = _messages(prefix)
    assert seen == {message.key: message.response["national_code"]}
    assert message.response["national_code"].startswith("LC") and len(message.response["national_code"]) == 20


def test_missing_adapter_is_retried_not_lost(prefix):
    _queue(prefix, 1, topic="sms")
    assert deliver(db.session, {}, now=T0) == {"delivered": 0, "retried": 1, "dead": 0}
    [message] = _messages(prefix)
    assert "没有配置" in message.last_error and not message.dead


def test_adapter_over_real_http_to_the_public_stub(live_server, prefix):
    """urllib through the WSGI server: /stub/ needs no sign-in; the key travels in the header."""
    adapter = JsonAdapter(endpoint("case_library", live_server), urllib_post)
    key = f"{prefix}http"
    first = adapter.send(topic="case_library", key=key, payload={"case_no": key})
    second = adapter.send(topic="case_library", key=key, payload={"case_no": key})
    assert first["accepted"] and "duplicate" not in first and second["duplicate"] is True
    with pytest.raises(DeliveryError, match="无法连接"):
        JsonAdapter("http://127.0.0.1:9/stub/case_library/", urllib_post, timeout=2).send(
            topic="case_library", key=key, payload={})


def test_endpoint_comes_from_the_environment(monkeypatch):
    monkeypatch.setenv("LVRONG_ONE_NETCOM_URL", "https://ywtb.example.gov.cn/api/push")
    assert endpoint("one_netcom", "http://127.0.0.1:8050") == "https://ywtb.example.gov.cn/api/push"
    assert endpoint("case_library", "http://127.0.0.1:8050") == "http://127.0.0.1:8050/stub/case_library/"
