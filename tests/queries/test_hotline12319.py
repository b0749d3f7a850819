"""12319 queries against hand-made tickets in a month no generated data uses (known answers)."""
from __future__ import annotations

from datetime import date, datetime

import pytest
from sqlalchemy import delete, insert, select

from db import db
from db.hotline12319 import Ticket, TicketEvent, month_of, refresh_rollups, ticket_row_hash
from db.meta import bump_version
from queries import hotline12319 as q

MONTH = date(2019, 1, 1)


def _ticket(no, district, line, *, closed=None, deadline=datetime(2019, 1, 20), sat=None, responded=None,
            resolved=None, supervised=False, hot=False, street=None, category="道路保洁", repeat_of=None):
    row = dict(ticket_no=no, received_at=datetime(2019, 1, 10, 9), received_month=MONTH, channel="电话",
               caller_name=None, caller_phone=None, caller_phone_index=None, address="测试路1号",
               district_code=district, street_code=street, lon=None, lat=None, business_line=line,
               category=category, subcategory=None, content="测试诉求内容", urgency="一般", supervised=supervised,
               hot=hot, deadline_at=deadline, handling_unit="测试单位", status="已办结" if closed else "处理中",
               dispatched_at=None, replied_at=None, closed_at=closed, eval_responded=responded, eval_resolved=resolved,
               eval_satisfaction=sat, repeat_of=repeat_of, batch_id=None)
    row["row_hash"] = ticket_row_hash(row)
    return row


ROWS = [
    # Huangpu, 市容环卫: 3 tickets, 2 closed (1 on time), 2 evaluated (满意, 不满意)
    _ticket("T-Q-1", "310101", "市容环卫", closed=datetime(2019, 1, 12, 9), sat="满意", responded=True, resolved=True,
            street="310101013", supervised=True, hot=True),
    _ticket("T-Q-2", "310101", "市容环卫", closed=datetime(2019, 1, 25, 9), sat="不满意", responded=True, resolved=False,
            street="310101013", supervised=True),
    _ticket("T-Q-3", "310101", "市容环卫", street="310101002", repeat_of="T-Q-1", category="乱设摊"),
    # Xuhui, 绿化林业: 2 tickets, both closed on time, 1 evaluated 基本满意
    _ticket("T-Q-4", "310104", "绿化林业", closed=datetime(2019, 1, 11, 9), sat="基本满意", responded=False,
            resolved=True, category="树木倒伏"),
    _ticket("T-Q-5", "310104", "绿化林业", closed=datetime(2019, 1, 11, 21), category="树木倒伏"),
]


@pytest.fixture(scope="module")
def known(app):
    with db.engine.begin() as conn:
        conn.execute(insert(Ticket), ROWS)
        conn.execute(insert(TicketEvent), [
            {"ticket_no": "T-Q-1", "at": datetime(2019, 1, 10, 9), "action": "受理", "actor": "12319 热线", "note": None},
            {"ticket_no": "T-Q-1", "at": datetime(2019, 1, 10, 10), "action": "派单", "actor": "黄浦区绿化市容局", "note": None},
            {"ticket_no": "T-Q-1", "at": datetime(2019, 1, 12, 9), "action": "办结", "actor": "黄浦区绿化市容局", "note": "已清理"},
        ])
        refresh_rollups(conn, [MONTH])
        bump_version(conn, "hotline12319")
    yield
    with db.engine.begin() as conn:
        conn.execute(delete(TicketEvent).where(TicketEvent.ticket_no.like("T-Q-%")))
        conn.execute(delete(Ticket).where(Ticket.ticket_no.like("T-Q-%")))
        refresh_rollups(conn, [MONTH])
        bump_version(conn, "hotline12319")


@pytest.mark.module(213)
def test_summary_and_districts(app, known):
    with app.server.app_context():
        s = q.summary(MONTH, MONTH).iloc[0]
        assert (s.received, s.closed, s.closed_on_time, s.evaluated) == (5, 4, 3, 3)
        assert s.satisfaction_rate == pytest.approx(2 / 3)  # 满意 + 基本满意 of 3 evaluations
        assert s.on_time_rate == pytest.approx(3 / 4)
        assert s.avg_hours == pytest.approx((48 + 15 * 24 + 24 + 36) / 4)
        d = q.by_district(MONTH, MONTH).set_index("district_code")
        assert d.loc["310101", "received"] == 3 and d.loc["310104", "received"] == 2
        assert d.loc["310101", "name"] == "黄浦区" and "310115" not in d.index
        assert q.summary(MONTH, MONTH, ["绿化林业"]).iloc[0].received == 2
        streets = q.by_street("310101", MONTH, MONTH).set_index("street")
        assert streets.loc["外滩街道", "received"] == 2 and streets.loc["南京东路街道", "received"] == 1
        cats = q.by_category(MONTH, MONTH).set_index("category")
        assert cats.loc["树木倒伏", "received"] == 2 and cats.loc["道路保洁", "received"] == 2


@pytest.mark.module(213)
def test_scope_overrides_requested_district(app, known):
    with app.server.app_context():
        assert q.summary(MONTH, MONTH, district="310101", scope="310104").iloc[0].received == 2
        assert set(q.by_district(MONTH, MONTH, scope="310104").district_code) == {"310104"}


@pytest.mark.module(214)
def test_supervised_and_hot_and_timeline(app, known):
    with app.server.app_context():
        sup = q.supervised(MONTH, MONTH).set_index("ticket_no")
        assert set(sup.index) == {"T-Q-1", "T-Q-2"}
        assert bool(sup.loc["T-Q-2", "overdue"]) and not bool(sup.loc["T-Q-1", "overdue"])  # closed after deadline
        hot = q.hot(MONTH, MONTH)
        assert list(hot.ticket_no) == ["T-Q-1"] and hot.iloc[0].repeats == 1
        tl = q.timeline("T-Q-1")
        assert list(tl.action) == ["受理", "派单", "办结"]
        assert q.timeline("T-Q-1", scope="310104").empty  # another district's ticket


@pytest.mark.module(215)
def test_rates_by_line(app, known):
    with app.server.app_context():
        lines = q.by_line(MONTH, MONTH).set_index("business_line")
        assert lines.loc["市容环卫", "on_time_rate"] == pytest.approx(1 / 2)
        assert lines.loc["绿化林业", "on_time_rate"] == pytest.approx(1.0)
        assert lines.loc["市容环卫", "response_rate"] == pytest.approx(1.0)
        assert lines.loc["市容环卫", "resolution_rate"] == pytest.approx(1 / 2)


def test_month_of():
    assert month_of(datetime(2024, 2, 29, 23, 59)) == date(2024, 2, 1)


@pytest.mark.module(258)
def test_ticket_detail_masks_caller_unless_allowed(app, known):
    """Caller fields are stored encrypted, shown masked by default, in clear only to a permitted role, and
    never for a ticket outside the user's district."""
    with db.session() as s:
        t = s.scalars(select(Ticket).where(Ticket.ticket_no == "T-Q-4")).one()
        t.caller_name, t.caller_phone = "欧阳明", "13812345678"
    try:
        masked = q.ticket_detail("T-Q-4")
        assert (masked["caller_name"], masked["caller_phone"]) == ("欧**", "138****5678")
        clear = q.ticket_detail("T-Q-4", may_see=True)
        assert (clear["caller_name"], clear["caller_phone"]) == ("欧阳明", "13812345678")
        with db.engine.connect() as conn:  # at rest the column holds ciphertext, not the number
            raw = conn.exec_driver_sql("SELECT caller_phone FROM hotline12319_ticket WHERE ticket_no = 'T-Q-4'").scalar()
        assert raw and "13812345678" not in str(raw)
        assert q.ticket_detail("T-Q-4", scope="310104")["ticket_no"] == "T-Q-4"
        assert q.ticket_detail("T-Q-4", scope="310101") is None
        assert q.ticket_detail("no-such-ticket") is None
    finally:
        with db.session() as s:
            t = s.scalars(select(Ticket).where(Ticket.ticket_no == "T-Q-4")).one()
            t.caller_name = t.caller_phone = None
