"""The 12319 generator: volumes, reference consistency, seasonality and typhoons, deadlines, handling, evaluation,
encrypted callers, rollups and determinism (demo data of the ``app`` fixture, seed 7)."""
from __future__ import annotations

import datetime as dt
import re

import numpy as np
import pandas as pd
import pytest
from sqlalchemy import func, select, text

from analytics.workdays import add_working_days
from datagen.domains.hotline12319 import DEADLINE_DAYS, data_window
from db import db
from db.hotline12319 import (BUSINESS_LINES, CHANNELS, SATISFACTION, STATUSES, URGENCIES, RollupLine, RollupStreet,
                             Ticket, TicketEvent)
from db.reference import District, Street
from security.columns import blind_index

PHONE = re.compile(r"1[3-9]\d{9}")
GENERATED = Ticket.ticket_no.like("12319%") & Ticket.batch_id.is_(None)  # other tests add their own tickets
TREE = ["树木倒伏", "树枝折断"]


@pytest.fixture(scope="module")
def tickets(app) -> pd.DataFrame:
    """The generated tickets without the encrypted columns."""
    cols = [c for c in Ticket.__table__.columns if c.name not in ("caller_name", "caller_phone")]
    df = pd.read_sql(select(*cols).where(GENERATED), db.engine)
    for c in ("received_at", "deadline_at", "dispatched_at", "replied_at", "closed_at"):
        df[c] = pd.to_datetime(df[c])
    for c in ("supervised", "hot"):
        df[c] = df[c].astype(bool)
    return df


@pytest.fixture(scope="module")
def events(app) -> pd.DataFrame:
    df = pd.read_sql(select(TicketEvent.id, TicketEvent.ticket_no, TicketEvent.at, TicketEvent.action,
                            TicketEvent.actor, TicketEvent.note).where(TicketEvent.ticket_no.like("12319%")), db.engine)
    df["at"] = pd.to_datetime(df["at"])
    return df.sort_values(["ticket_no", "at", "id"]).reset_index(drop=True)


def _daily(df: pd.DataFrame, first: dt.date, last: dt.date) -> pd.Series:
    days = pd.date_range(first, last, freq="D")
    return df.groupby(df.received_at.dt.normalize()).size().reindex(days, fill_value=0)


def test_demo_volume_and_window(tickets):
    assert 27_000 <= len(tickets) <= 33_000
    assert tickets.ticket_no.is_unique
    first, last = data_window()
    assert (last - first).days > 1000 and first.day == 1
    assert tickets.received_at.min().date() >= first and tickets.received_at.max().date() <= last
    assert tickets.received_at.max().date() >= last - dt.timedelta(days=1)
    assert tickets.received_month.nunique() == 36
    assert (pd.to_datetime(tickets.received_month) == tickets.received_at.dt.to_period("M").dt.to_timestamp()).all()


def test_vocabularies(tickets):
    assert set(tickets.business_line) == set(BUSINESS_LINES)
    assert set(tickets.channel) <= set(CHANNELS) and set(tickets.urgency) == set(URGENCIES)
    assert set(tickets.status) <= set(STATUSES)
    assert set(tickets.eval_satisfaction.dropna()) == set(SATISFACTION)
    per_line = tickets.groupby("business_line").category.nunique()
    assert (per_line >= 3).all(), per_line
    assert tickets.subcategory.notna().all() and tickets.handling_unit.notna().all()
    lengths = tickets.content.str.len()
    assert lengths.between(30, 150).all(), (lengths.min(), lengths.max())
    assert tickets.content.nunique() > 0.9 * len(tickets)  # composed, not a handful of fixed sentences
    assert tickets.content.str.contains("树").groupby(tickets.business_line).mean()["绿化林业"] > 0.5


def test_places_agree_with_the_reference(app, tickets):
    streets = pd.read_sql(select(Street.code, Street.district_code, Street.lon, Street.lat), db.engine)
    districts = pd.read_sql(select(District.code, District.name), db.engine)
    assert tickets.street_code.notna().all()
    merged = tickets.merge(streets, left_on="street_code", right_on="code", how="left", suffixes=("", "_s"))
    assert merged.code.notna().all(), "a ticket names a street that is not in the reference"
    assert (merged.district_code == merged.district_code_s).all()
    assert set(tickets.district_code) == set(districts.code)
    names = dict(zip(districts.code, districts.name))
    assert all(a.startswith(names[d]) for a, d in zip(tickets.address, tickets.district_code))
    missing = tickets.lon.isna()
    assert (missing == tickets.lat.isna()).all() and 0.015 < missing.mean() < 0.05
    located = merged[~missing]
    assert located.lon.between(120.8, 122.2).all() and located.lat.between(30.6, 31.9).all()
    assert ((located.lon - located.lon_s).abs() < 0.15).all() and ((located.lat - located.lat_s).abs() < 0.15).all()


def test_district_volumes(tickets):
    share = tickets.district_code.value_counts(normalize=True)
    assert share.index[0] == "310115"  # Pudong: the largest
    assert share["310151"] == share.min()  # Chongming: the lowest
    # Central districts are dense: more tickets per km² than the suburbs by far.
    area = pd.read_sql(select(District.code, District.area_km2), db.engine).set_index("code").area_km2
    density = tickets.district_code.value_counts() / area
    assert density[["310101", "310106", "310109"]].min() > 5 * density[["310116", "310118", "310120", "310151"]].max()


def test_summer_busier_than_winter_and_weekdays_than_weekends(tickets):
    first, last = data_window()
    daily = _daily(tickets, first, last)
    summer = daily[daily.index.month.isin([6, 7, 8, 9])].mean()
    winter = daily[daily.index.month.isin([12, 1, 2])].mean()
    assert summer > 1.25 * winter, (summer, winter)
    weekday = daily[daily.index.day_of_week < 5].mean()
    weekend = daily[daily.index.day_of_week >= 5].mean()
    assert weekday > 1.15 * weekend
    hours = tickets.received_at.dt.hour.value_counts(normalize=True)
    assert hours[[9, 10, 11, 14, 15]].min() > 3 * hours[[2, 3, 4]].max()  # daytime peak


def test_spring_festival_dip(tickets):
    first, last = data_window()
    daily = _daily(tickets, first, last)
    for eve in (dt.date(2025, 1, 28), dt.date(2026, 2, 16)):  # the first days of the holiday
        if first <= eve <= last:
            holiday = daily[pd.Timestamp(eve):pd.Timestamp(eve + dt.timedelta(days=6))].mean()
            before = daily[pd.Timestamp(eve - dt.timedelta(days=28)):pd.Timestamp(eve - dt.timedelta(days=8))].mean()
            assert holiday < 0.8 * before, (eve, holiday, before)


def test_typhoon_spikes_of_tree_categories(tickets):
    first, last = data_window()
    daily = _daily(tickets[tickets.category.isin(TREE)], first, last)
    baseline = max(daily.median(), 1)
    spikes = daily[daily >= 8 * baseline]
    assert len(spikes) >= 3, daily.sort_values().tail(10)
    assert spikes.index.month.isin([7, 8, 9]).all()
    assert daily.max() >= 12 * baseline
    summers = {y for y in range(first.year, last.year + 1) if first <= dt.date(y, 7, 1) and dt.date(y, 9, 30) <= last}
    assert set(spikes.index.year) == summers  # every summer of the window has its typhoons
    # The rest of the hotline does not spike with the trees.
    others = _daily(tickets[~tickets.category.isin(TREE)], first, last)
    assert (others[spikes.index] < 2 * others.median()).all()


def test_shares_of_channels_urgency_and_flags(tickets):
    channel = tickets.channel.value_counts(normalize=True)
    assert 0.55 < channel["电话"] < 0.65 and set(channel.index) == set(CHANNELS)
    urgency = tickets.urgency.value_counts(normalize=True)
    assert 0.81 < urgency["一般"] < 0.89 and 0.09 < urgency["紧急"] < 0.16 and 0.015 < urgency["特急"] < 0.05
    assert tickets[tickets.category == "燃气泄漏"].urgency.eq("特急").mean() > 0.4
    assert 0.015 < tickets.supervised.mean() < 0.05
    assert 0.01 < tickets.hot.mean() < 0.035


def test_repeat_tickets_point_at_an_earlier_ticket_of_the_same_street_and_category(tickets):
    repeats = tickets[tickets.repeat_of.notna()]
    assert 0.035 < len(repeats) / len(tickets) < 0.065
    original = repeats.merge(tickets, left_on="repeat_of", right_on="ticket_no", suffixes=("", "_o"))
    assert len(original) == len(repeats)
    assert (original.street_code == original.street_code_o).all()
    assert (original.category == original.category_o).all()
    assert (original.received_at > original.received_at_o).all()
    assert original.repeat_of_o.isna().all()  # repeats point at the first report
    assert original.content.str.contains("再次").mean() > 0.9
    # Hot tickets are mostly those reported again.
    assert tickets[tickets.hot].ticket_no.isin(repeats.repeat_of).mean() > 0.4


def test_deadlines_are_working_days_by_urgency(tickets):
    cache = {}

    def due(received, urgency):
        key = (received, urgency)
        if key not in cache:
            cache[key] = add_working_days(received, DEADLINE_DAYS[urgency])
        return cache[key]

    expected = [due(r.to_pydatetime(), u) for r, u in zip(tickets.received_at, tickets.urgency)]
    assert (pd.to_datetime(pd.Series(expected)) == tickets.deadline_at.reset_index(drop=True)).all()
    assert DEADLINE_DAYS == {"一般": 15, "紧急": 5, "特急": 1}


def test_handling_times_and_status(tickets):
    closed = tickets[tickets.closed_at.notna()]
    assert (closed.closed_at >= closed.received_at).all()
    assert (tickets.dispatched_at.dropna() >= tickets.received_at[tickets.dispatched_at.notna()]).all()
    both = tickets.replied_at.notna() & tickets.closed_at.notna()
    assert (tickets.replied_at[both] <= tickets.closed_at[both]).all()
    assert ((tickets.status == "已办结") == tickets.closed_at.notna()).all()
    on_time = (closed.closed_at <= closed.deadline_at).mean()
    assert 0.80 < on_time < 0.98, on_time
    dispatch_hours = (tickets.dispatched_at - tickets.received_at).dt.total_seconds() / 3600
    assert dispatch_hours.median() < 3 and dispatch_hours.quantile(0.99) < 16
    age = tickets.received_at.max() - tickets.received_at
    recent, old = tickets[age < pd.Timedelta(days=14)], tickets[age > pd.Timedelta(days=60)]
    assert recent.closed_at.isna().mean() > 0.25  # the last two weeks: often still open
    assert old.closed_at.isna().mean() < 0.01  # older ones: closed, but for a few stuck cases
    assert set(recent.status) >= {"处理中", "已回复", "已办结"}
    late_open = tickets[tickets.closed_at.isna() & (tickets.deadline_at < tickets.received_at.max())]
    assert len(late_open) > 0  # something for the "open and overdue" indicator


def test_evaluation_shares(tickets):
    closed = tickets[tickets.closed_at.notna()]
    assert tickets[tickets.closed_at.isna()].eval_satisfaction.isna().all()
    evaluated = closed[closed.eval_satisfaction.notna()]
    assert 0.62 < len(evaluated) / len(closed) < 0.78
    assert evaluated.eval_responded.notna().all() and evaluated.eval_resolved.notna().all()
    assert 0.92 < evaluated.eval_responded.astype(bool).mean() < 0.98
    assert 0.80 < evaluated.eval_resolved.astype(bool).mean() < 0.90
    shares = evaluated.eval_satisfaction.value_counts(normalize=True)
    assert 0.74 < shares["满意"] < 0.86 and 0.08 < shares["基本满意"] < 0.16 and 0.05 < shares["不满意"] < 0.12
    late = evaluated.closed_at > evaluated.deadline_at
    unhappy = evaluated.eval_satisfaction == "不满意"
    assert unhappy[late].mean() > 2 * unhappy[~late].mean()
    by_district = (evaluated.eval_satisfaction == "满意").groupby(evaluated.district_code).mean()
    assert by_district.max() - by_district.min() > 0.05  # the "ten worst" rankings rank something


def test_caller_columns_are_encrypted_at_rest(app):
    with db.engine.connect() as conn:
        raw = conn.execute(text("SELECT caller_name, caller_phone FROM hotline12319_ticket "
                                "WHERE ticket_no LIKE '12319%' AND batch_id IS NULL LIMIT 300")).all()
    assert raw
    for name, phone in raw:
        assert phone and not PHONE.search(phone) and not re.search(r"[\u4e00-\u9fff]", phone)
        assert name is None or not re.search(r"[\u4e00-\u9fff]", name)
    with db.session() as s:
        rows = s.execute(select(Ticket.caller_name, Ticket.caller_phone).where(GENERATED).limit(300)).all()
    assert all(PHONE.fullmatch(phone) for _, phone in rows)
    names = [name for name, _ in rows if name is not None]
    assert names and all(re.fullmatch(r"[\u4e00-\u9fff]{2,3}", n) for n in names)


def test_blind_index_finds_a_callers_tickets(app, tickets):
    counts = tickets.caller_phone_index.value_counts()
    assert (counts >= 2).sum() > 100  # repeat callers
    index = counts.index[(counts >= 3) & (counts <= 50)][0]
    with db.session() as s:
        phone = s.scalar(select(Ticket.caller_phone).where(Ticket.caller_phone_index == index).limit(1))
        assert blind_index(phone, context="hotline12319.caller_phone") == index
        found = s.execute(select(Ticket.caller_phone).where(
            Ticket.caller_phone_index == blind_index(phone, context="hotline12319.caller_phone"))).scalars().all()
    assert len(found) == counts[index] >= 3 and set(found) == {phone}


def test_events_tell_each_ticket_story(tickets, events):
    first = events.drop_duplicates("ticket_no").set_index("ticket_no")
    assert set(first.index) == set(tickets.ticket_no)
    assert (first.action == "受理").all()
    by_ticket = tickets.set_index("ticket_no")
    assert (first["at"] == by_ticket.received_at[first.index]).all()
    closing = events[events.action == "办结"].set_index("ticket_no")
    assert closing.index.is_unique and set(closing.index) == set(tickets.ticket_no[tickets.closed_at.notna()])
    assert (closing["at"] == by_ticket.closed_at[closing.index]).all()
    assert (closing.actor == by_ticket.handling_unit[closing.index]).all()
    supervised = events[events.action == "督办"]
    assert set(supervised.ticket_no) == set(tickets.ticket_no[tickets.supervised])
    assert supervised.note.notna().all()
    returned = events[events.action == "退单"].ticket_no
    assert 0.01 < returned.nunique() / len(tickets) < 0.03
    dispatches = events[events.action == "派单"].groupby("ticket_no").size()
    waiting = by_ticket.status[returned] == "已派单"  # returned just before the data's "now"
    assert ((dispatches[returned] >= 2).to_numpy() | waiting.to_numpy()).all() and waiting.sum() <= 3
    assert set(events.action) == {"受理", "派单", "签收", "回复", "办结", "督办", "退单"}


def test_rollups_equal_aggregates_of_the_raw_tickets(app, tickets):
    month = tickets.received_month.value_counts().idxmax()
    district = "310104"
    raw = tickets[(tickets.received_month == month) & (tickets.district_code == district)].copy()
    raw["on_time"] = raw.closed_at.notna() & (raw.closed_at <= raw.deadline_at)
    raw["hours"] = (raw.closed_at - raw.received_at).dt.total_seconds().fillna(0) / 3600
    expected = raw.groupby("business_line").agg(
        received=("ticket_no", "size"), closed=("closed_at", "count"), closed_on_time=("on_time", "sum"),
        supervised=("supervised", "sum"), evaluated=("eval_satisfaction", "count"),
        responded=("eval_responded", lambda s: (s == True).sum()),  # noqa: E712
        resolved=("eval_resolved", lambda s: (s == True).sum()),  # noqa: E712
        satisfied=("eval_satisfaction", lambda s: (s == "满意").sum()),
        basically_satisfied=("eval_satisfaction", lambda s: (s == "基本满意").sum()),
        handling_hours=("hours", "sum"))
    rollup = pd.read_sql(select(RollupLine).where(RollupLine.month == month, RollupLine.district_code == district),
                         db.engine).set_index("business_line").sort_index()
    expected = expected.sort_index()
    assert list(rollup.index) == list(expected.index)
    for col in expected.columns.drop("handling_hours"):
        assert (rollup[col].astype(int) == expected[col].astype(int)).all(), col
    assert np.allclose(rollup.handling_hours, expected.handling_hours, rtol=1e-6)
    with db.engine.connect() as conn:
        total = conn.execute(select(func.sum(RollupStreet.received)).where(RollupStreet.month == month)).scalar()
    assert total == (tickets.received_month == month).sum()


def test_build_is_deterministic(app, tickets, tmp_path, monkeypatch):
    """The same seed gives the same tickets (numbers, clear-value hashes) and events on fresh databases, and
    the same as the app's own build (seed 7) on whatever database the suite runs on."""
    from datagen.core import build
    from db import make_engine
    from db.migrate import upgrade
    from security import keys

    monkeypatch.setattr(keys, "_current", keys._current)  # restored after the test
    keys.configure(keys.for_tests())
    snapshots = []
    for name in ("a", "b"):
        url = f"sqlite:///{tmp_path / name}.sqlite"
        upgrade(url)
        engine = make_engine(url)
        counts = build(engine, scale="demo", seed=7, only=["reference", "security", "hotline12319"], progress=False)
        with engine.connect() as conn:
            rows = conn.execute(select(Ticket.ticket_no, Ticket.row_hash).order_by(Ticket.ticket_no)).all()
            evs = conn.execute(select(TicketEvent.ticket_no, TicketEvent.at, TicketEvent.action, TicketEvent.actor,
                                      TicketEvent.note).order_by(TicketEvent.id)).all()
            ciphers = conn.execute(text("SELECT caller_phone FROM hotline12319_ticket ORDER BY ticket_no LIMIT 5")
                                   ).scalars().all()
        engine.dispose()
        counts.pop("_seconds")
        snapshots.append((counts, rows, evs, ciphers))
    (c1, r1, e1, x1), (c2, r2, e2, x2) = snapshots
    assert c1 == c2 and r1 == r2 and e1 == e2
    assert x1 != x2  # random nonces: equal clear values never give equal ciphertexts
    own = sorted(zip(tickets.ticket_no, tickets.row_hash))
    assert [tuple(r) for r in r1] == own
