"""Generated files mixing good and bad values: nothing is lost (accepted + quarantined = input), every
quarantined row says why in Chinese, and the data version moves when rows land."""
from __future__ import annotations

import re

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from db import db
from db.hotline12319 import Ticket
from db.ingest import QuarantineRow
from ingest import run_import
from ingest.datasets.hotline12319 import HEADERS, load_reference, sample_rows
from queries import data_version
from tests.ingest.files import cleanup, csv_bytes

PREFIX = "T-TEST-H"
CJK = re.compile(r"[\u4e00-\u9fff]")
TOKENS = ["", " ", "是", "否", "Y", "也许", "满意", "很好", "黄浦区", "南京区", "310101", "外滩街道", "徐家汇街道",
          "已办结", "处理中", "完成", "绿化林业", "环境保护", "2019-03-02 10:00", "2019年13月1日", "20190230",
          "45717.33", "1,234.5", "121.5", "999", "-1", "13812345678", "12345", "=1+1", "T-TEST-H0000001",
          "T-TEST-H0000002", "很" * 40]
CELL = st.one_of(st.sampled_from(TOKENS),
                 st.text(st.characters(blacklist_categories=("Cc", "Cs")), max_size=12))


@pytest.fixture(scope="module")
def reference(app):
    return load_reference()


@settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                HealthCheck.too_slow, HealthCheck.data_too_large])
@given(data=st.data())
def test_nothing_is_lost(clean, reference, data):
    n = data.draw(st.integers(200, 700), label="rows")
    rows = sample_rows(n, seed=data.draw(st.integers(0, 10 ** 6), label="seed"), prefix=PREFIX, reference=reference)
    edits = data.draw(st.lists(st.tuples(st.integers(0, n - 1), st.sampled_from(HEADERS), CELL), max_size=n),
                      label="edits")
    for i, header, value in edits:
        rows[i][header] = value
    encoding = data.draw(st.sampled_from(["utf-8", "utf-8-sig", "gb18030"]), label="encoding")
    batch_size = data.draw(st.sampled_from([97, 500, 2000]), label="batch size")
    cleanup(PREFIX)
    version = data_version("hotline12319")

    r = run_import("hotline12319", csv_bytes(rows, encoding), file_name="gen.csv", username="hypothesis",
                   source_ip="-", batch_size=batch_size)
    assert r.ok and r.total == n
    assert r.accepted + r.quarantined == r.total
    with db.engine.connect() as conn:
        # edits may give a row any ticket number ("310101" is valid): count what this batch wrote
        stored = conn.execute(select(func.count()).select_from(Ticket)
                              .where(Ticket.batch_id == r.batch_id)).scalar_one()
        quarantined = conn.execute(select(QuarantineRow.row_number, QuarantineRow.reason)
                                   .where(QuarantineRow.batch_id == r.batch_id)).all()
    assert stored == r.inserted == r.accepted  # a fresh prefix: every accepted row is new
    assert len(quarantined) == r.quarantined == len({number for number, _ in quarantined})
    assert all(1 <= number <= n and reason.strip() and CJK.search(reason) for number, reason in quarantined)
    if r.inserted:
        assert data_version("hotline12319") > version
    cleanup(PREFIX, r.batch_id)
