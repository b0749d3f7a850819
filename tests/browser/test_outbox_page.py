"""The administrators' outbox page: dead and pending messages in the grid, 重新投递 re-queues the selected
dead letter (audited), with no console or callback errors."""
from __future__ import annotations

import secrets
import time
from datetime import datetime, timezone

import pytest
from selenium.webdriver.common.by import By
from sqlalchemy import delete, func, select

from datagen.domains.security import DEMO_PASSWORD
from db import db
from db.integrations import OutboxMessage
from db.security import AuditLog
from integrations.outbox import enqueue
from tests.browser import open_page, sign_in, wait_for_dash

pytestmark = [pytest.mark.browser, pytest.mark.module(66)]
FAR_FUTURE = datetime(2099, 1, 1, tzinfo=timezone.utc)  # never due for a worker in another test


def test_outbox_page_lists_and_retries_dead_letters(app, live_server, browser):
    prefix = f"tst-ui-{secrets.token_hex(3)}-"
    with db.session() as s:
        dead = enqueue(s, topic="case_library", key=f"{prefix}dead", payload={"case_no": "X"}, now=FAR_FUTURE)
        dead.dead, dead.attempts, dead.last_error = True, 8, "HTTP 503：办件库（模拟）暂时不可用"
        enqueue(s, topic="one_netcom", key=f"{prefix}pending", payload={"case_no": "Y"}, now=FAR_FUTURE)
        s.flush()
        dead_id = dead.id
    try:
        sign_in(browser, live_server, "system_admin", DEMO_PASSWORD)
        assert open_page(browser, f"{live_server}/system/outbox") == []
        row = browser.find_element(By.CSS_SELECTOR, f"#system-outbox-grid .ag-row[row-id='{dead_id}']")
        assert "死信" in row.text and "办件库" in row.text
        assert f"{prefix}pending" in browser.find_element(By.ID, "system-outbox-grid").text
        assert int(browser.find_element(By.ID, "system-outbox-k-dead").text.replace(",", "")) >= 1
        row.find_element(By.CSS_SELECTOR, "input[type=checkbox]").click()
        browser.find_element(By.ID, "system-outbox-retry").click()
        deadline = time.monotonic() + 20
        while "已重新排队" not in browser.find_element(By.ID, "system-outbox-result").text and time.monotonic() < deadline:
            time.sleep(0.2)
        wait_for_dash(browser)
        assert browser.find_element(By.ID, "system-outbox-result").text == "已重新排队 1 条消息，将由投递程序立即投递"
        with db.session() as s:
            message = s.get(OutboxMessage, dead_id)
            assert not message.dead and message.attempts == 0
            assert s.scalar(select(func.count()).select_from(AuditLog).where(
                AuditLog.action == "outbox.retry", AuditLog.object_id == f"{prefix}dead",
                AuditLog.username == "system_admin")) == 1
        row = browser.find_element(By.CSS_SELECTOR, f"#system-outbox-grid .ag-row[row-id='{dead_id}']")
        assert "等待投递" in row.text
        assert app.server.config["TEST_SERVER_ERRORS"] == []
    finally:
        with db.session() as s:
            s.execute(delete(OutboxMessage).where(OutboxMessage.key.like(f"{prefix}%")))


def test_outbox_callbacks_are_for_administrators_only(client_as):
    """The retry callback runs only for a user holding the page's permission (system.users)."""
    body = {"output": "..system-outbox-result.children...system-outbox-refresh.data..",
            "outputs": [{"id": "system-outbox-result", "property": "children"},
                        {"id": "system-outbox-refresh", "property": "data"}],
            "inputs": [{"id": "system-outbox-retry", "property": "n_clicks", "value": 1}],
            "state": [{"id": "system-outbox-grid", "property": "selectedRows", "value": []},
                      {"id": "system-outbox-refresh", "property": "data", "value": 0}],
            "changedPropIds": ["system-outbox-retry.n_clicks"]}
    assert client_as("analyst").post("/_dash-update-component", json=body).status_code == 403
    r = client_as("system_admin").post("/_dash-update-component", json=body)
    assert r.status_code == 200 and "请先勾选" in r.get_data(as_text=True)
