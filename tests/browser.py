"""Headless Chromium helpers for browser tests: start, open a Dash page, wait, collect errors."""
from __future__ import annotations

import shutil
import time
from pathlib import Path

from selenium import webdriver
from selenium.webdriver.chrome.service import Service

CHROMIUM_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                  "--disable-quic", "--no-first-run", "--disable-component-update", "--disable-sync",
                  "--disable-dev-shm-usage", "--window-size=1600,1000", "--lang=zh-CN"]

# Pending callbacks in the Dash renderer's store (the same test as dash.testing's wait_for_callbacks).
_PENDING_JS = """
const s = window.store && window.store.getState();
if (!s) { return -1; }
const cbs = Object.assign({}, s.callbacks); delete cbs.stored; delete cbs.completed;
return Object.values(cbs).reduce((n, v) => n + (Array.isArray(v) ? v.length : 0), 0)
     + document.querySelectorAll('[data-dash-is-loading="true"]').length;
"""


def start_chromium(profile_dir: Path) -> webdriver.Chrome:
    """Start Debian's chromium (``/usr/bin/chromium``) with its chromedriver."""
    options = webdriver.ChromeOptions()
    options.binary_location = shutil.which("chromium") or "/usr/bin/chromium"
    for flag in CHROMIUM_FLAGS:
        options.add_argument(flag)
    options.add_argument(f"--user-data-dir={profile_dir}")
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    service = Service(shutil.which("chromedriver") or "/usr/bin/chromedriver")
    return webdriver.Chrome(service=service, options=options)


def wait_for_dash(driver, timeout: float = 30.0, settle: float = 0.4) -> None:
    """Wait until the renderer has started and no callback is pending for ``settle`` seconds."""
    deadline = time.monotonic() + timeout
    quiet_since = None
    while time.monotonic() < deadline:
        pending = driver.execute_script(_PENDING_JS)
        if pending == 0:
            quiet_since = quiet_since or time.monotonic()
            if time.monotonic() - quiet_since >= settle:
                return
        else:
            quiet_since = None
        time.sleep(0.1)
    raise TimeoutError(f"Dash callbacks still pending after {timeout} s")


def console_errors(driver) -> list[str]:
    """SEVERE console entries since the last call (the log is drained by reading it)."""
    return [e["message"] for e in driver.get_log("browser") if e["level"] == "SEVERE"]


def drawn(driver, css: str, timeout: float = 10.0) -> list:
    """The elements matching ``css`` once there are any (Plotly draws after the callbacks settle; on a busy
    machine a chart can still be drawing when ``wait_for_dash`` returns); [] after ``timeout``."""
    deadline = time.monotonic() + timeout
    while True:
        found = driver.find_elements("css selector", css)
        if found or time.monotonic() > deadline:
            return found
        time.sleep(0.1)


def open_page(driver, url: str, timeout: float = 30.0) -> list[str]:
    """Load ``url``, wait for its callbacks, return the console errors it produced."""
    console_errors(driver)  # drain what earlier pages left
    driver.get(url)
    wait_for_dash(driver, timeout)
    return console_errors(driver)


def open_server_page(driver, url: str, timeout: float = 15.0) -> list[str]:
    """Load a server-rendered (non-Dash) page, wait until it has loaded, return its console errors."""
    console_errors(driver)
    driver.get(url)
    deadline = time.monotonic() + timeout
    while driver.execute_script("return document.readyState") != "complete" and time.monotonic() < deadline:
        time.sleep(0.05)
    return console_errors(driver)


def server_page_failures(driver, base: str, pages: list[tuple[str, str, str]], ids: dict, password: str) -> dict:
    """Open each (account, path template, text it must show) as that account; {account path: what went wrong}
    for every page with console errors, without its text, or showing the refusal or not-found page."""
    failures, current = {}, None
    for account, template, text in pages:
        if account != current:
            sign_in(driver, base, account, password)
            current = account
        path = template.format(**ids)
        errors = open_server_page(driver, f"{base}{path}")
        body = driver.find_element("tag name", "body").text
        if errors:
            failures[f"{account} {path}"] = errors
        elif text not in body or "您没有访问" in body or "页面不存在" in body:
            failures[f"{account} {path}"] = f"expected {text!r}; got {body[-300:]!r}"
    return failures


def sign_in(driver, base: str, username: str, password: str) -> None:
    """Sign in through the real form: the page's JavaScript SM2-encrypts the password."""
    from selenium.webdriver.common.by import By

    driver.delete_all_cookies()
    driver.get(f"{base}/login")
    driver.find_element(By.ID, "username").send_keys(username)
    driver.find_element(By.ID, "password").send_keys(password)
    driver.find_element(By.ID, "login-submit").click()
    deadline = time.monotonic() + 15
    while "/login" in driver.current_url and time.monotonic() < deadline:
        time.sleep(0.1)
    if "/login" in driver.current_url:
        raise RuntimeError(f"browser sign-in as {username} failed")
