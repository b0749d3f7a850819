"""The audit hash chain (module 257): append, verify, and every kind of tampering found."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session

from db import make_engine
from db.migrate import upgrade
from db.security import AuditHead, AuditLog
from security import audit, keys

pytestmark = pytest.mark.module(257)


@pytest.fixture()
def chain(tmp_path):
    """A private database with ten chained records."""
    keys.configure(keys.current() if keys._current else keys.for_tests())
    url = f"sqlite:///{tmp_path / 'audit.sqlite'}"
    upgrade(url)
    engine = make_engine(url)
    with Session(engine) as s, s.begin():
        for i in range(10):
            audit.append(s, username=f"u{i}", source_ip="10.0.0.1", action="test.write", object_type="thing",
                         object_id=str(i), detail={"i": i, "名称": "测试"})
    yield engine
    engine.dispose()


def _verify(engine):
    with Session(engine) as s:
        return audit.verify(s)


def test_intact_chain_verifies(chain):
    report = _verify(chain)
    assert report.ok and report.checked == 10


def test_changed_record_found(chain):
    with chain.begin() as c:
        c.execute(update(AuditLog).where(AuditLog.seq == 4).values(outcome="failure"))
    report = _verify(chain)
    assert not report.ok and report.first_broken_seq == 4 and "篡改" in report.reason


def test_changed_time_found(chain):
    with chain.begin() as c:
        c.execute(update(AuditLog).where(AuditLog.seq == 7).values(at=datetime(2020, 1, 1, tzinfo=timezone.utc)))
    assert _verify(chain).first_broken_seq == 7


def test_deleted_record_found(chain):
    with chain.begin() as c:
        c.execute(delete(AuditLog).where(AuditLog.seq == 5))
    report = _verify(chain)
    assert report.first_broken_seq == 5 and "缺失" in report.reason


def test_reordered_records_found(chain):
    with chain.begin() as c:
        c.execute(update(AuditLog).where(AuditLog.seq == 3).values(seq=-3))
        c.execute(update(AuditLog).where(AuditLog.seq == 6).values(seq=3))
        c.execute(update(AuditLog).where(AuditLog.seq == -3).values(seq=6))
    assert _verify(chain).first_broken_seq == 3


def test_truncated_tail_found(chain):
    with chain.begin() as c:
        c.execute(delete(AuditLog).where(AuditLog.seq >= 9))
    report = _verify(chain)
    assert report.first_broken_seq == 9 and "链尾" in report.reason


def test_rehashed_with_another_key_found(chain):
    """An attacker without the HMAC key cannot rebuild a consistent chain."""
    real = keys.current()
    keys.configure(keys.for_tests())
    try:
        assert _verify(chain).first_broken_seq == 1
    finally:
        keys.configure(real)


def test_purge_keeps_retention_and_reanchors(chain):
    now = datetime.now(timezone.utc)
    with Session(chain) as s, s.begin():
        with pytest.raises(audit.RetentionError, match="180"):
            audit.purge(s, now - timedelta(days=30))
    # records from a year ago, then purge them: the chain still verifies from its anchor
    with Session(chain) as s, s.begin():
        for i in range(3):
            audit.append(s, username="old", source_ip="-", action="old", now=now - timedelta(days=400))
        audit.append(s, username="new", source_ip="-", action="new", now=now)
    with Session(chain) as s, s.begin():
        assert audit.purge(s, now - timedelta(days=200)) == 13
    report = _verify(chain)
    assert report.ok and report.checked == 1
    with Session(chain) as s:
        assert s.get(AuditHead, 1).anchor_seq == 13


def test_cli_verify(app):
    runner = app.server.test_cli_runner()
    result = runner.invoke(args=["audit", "verify"])
    assert result.exit_code == 0 and "chain intact" in result.output
    from db import db

    with db.session() as s:
        seq, outcome = s.execute(select(AuditLog.seq, AuditLog.outcome).order_by(AuditLog.seq).limit(1)).one()
        s.execute(update(AuditLog).where(AuditLog.seq == seq).values(outcome="tampered"))
    try:
        result = runner.invoke(args=["audit", "verify"])
        assert result.exit_code == 1 and f"at record {seq}" in result.output
    finally:
        with db.session() as s:
            s.execute(update(AuditLog).where(AuditLog.seq == seq).values(outcome=outcome))
    assert runner.invoke(args=["audit", "verify"]).exit_code == 0


def test_writes_are_audited(app):
    """Creating a user through the service leaves a user.create record in the same transaction."""
    from db import db
    from security.accounts import create_user

    with db.session() as s:
        create_user(s, actor="security_admin", source_ip="10.1.1.1", username="audited_one",
                    display_name="x", password="Good#pass2026", roles=["leader"])
    with db.session() as s:
        rec = s.scalars(select(AuditLog).where(AuditLog.action == "user.create", AuditLog.object_id == "audited_one")).one()
    assert rec.username == "security_admin" and rec.source_ip == "10.1.1.1"


def test_long_fields_are_cut_to_column_size(app):
    """A long object id (e.g. a callback's output list) is stored cut, and the chain still verifies."""
    from db import db

    with db.session() as s:
        rec = audit.append(s, username="u" * 100, source_ip="-", action="callback", object_id="x" * 500)
    assert len(rec.object_id) == 128 and len(rec.username) == 64
    assert audit.verify_current().ok


def test_a_time_with_an_offset_is_stored_as_utc_and_verifies(app):
    """Engines pass their own clock (e.g. Shanghai time); SQLite keeps no offset, so the record stores UTC."""
    from db import db

    shanghai = timezone(timedelta(hours=8))
    with db.session() as s:
        rec = audit.append(s, username="clock", source_ip="-", action="test.clock",
                           now=datetime(2026, 3, 2, 9, 0, tzinfo=shanghai))
        seq = rec.seq
    with db.session() as s:
        stored = s.scalar(select(AuditLog.at).where(AuditLog.seq == seq))
    assert audit._utc(stored) == datetime(2026, 3, 2, 1, 0, tzinfo=timezone.utc)
    assert audit.verify_current().ok
