"""The upload page: a real file through the browser, the background job with its progress bar, counts,
quarantined rows and the collection log (module 39); diskcache by default, Celery with --redis-url."""
from __future__ import annotations

import time

import pytest
from selenium.webdriver.common.by import By
from sqlalchemy import delete

from datagen.domains.security import DEMO_PASSWORD
from db import db
from db.hotline12319 import Ticket, TicketEvent, refresh_rollups
from tests.browser import open_page, sign_in, wait_for_dash
from tests.ingest.test_import import MONTH, csv_bytes, good

pytestmark = [pytest.mark.browser, pytest.mark.module(39)]


def test_upload_runs_in_background_and_reports(live_server, browser, background_worker, tmp_path):
    path = tmp_path / "12319_导出.csv"
    path.write_bytes(csv_bytes([good("TSTUP1"), good("TSTUP2"), good("TSTUP3", **{"所属区": "火星区"})],
                               encoding="gb18030"))
    sign_in(browser, live_server, "analyst", DEMO_PASSWORD)
    assert open_page(browser, f"{live_server}/platform/imports") == []
    browser.find_element(By.CSS_SELECTOR, "#platform-imports-upload input[type=file]").send_keys(str(path))
    deadline = time.monotonic() + 60
    while "导入完成" not in browser.find_element(By.ID, "platform-imports-status").text and time.monotonic() < deadline:
        time.sleep(0.3)
    status = browser.find_element(By.ID, "platform-imports-status").text
    try:
        assert "导入完成" in status and "隔离 1 行" in status and "gb18030" in status
        wait_for_dash(browser)
        assert browser.find_element(By.ID, "platform-imports-k-ins").text == "2"
        assert "火星区" in browser.find_element(By.ID, "platform-imports-quarantine").text
        assert "12319_导出.csv" in browser.find_element(By.ID, "platform-imports-log").text
        assert browser.find_element(By.ID, "platform-imports-progress").get_attribute("value") == "3"
    finally:
        with db.engine.begin() as conn:
            conn.execute(delete(TicketEvent).where(TicketEvent.ticket_no.like("TSTUP%")))
            conn.execute(delete(Ticket).where(Ticket.ticket_no.like("TSTUP%")))
            refresh_rollups(conn, [MONTH])
