"""The README's run command on an empty embedded database: migrate, build demo data, serve."""
from __future__ import annotations

import os
import subprocess
import sys
import time

import requests

from bench.__main__ import free_port
from tests.conftest import ROOT


def test_python_app_py_bootstraps_and_serves(tmp_path):
    port = free_port()
    env = dict(os.environ, LVRONG_INSTANCE=str(tmp_path / "instance"), PORT=str(port), HOST="127.0.0.1")
    for key in ("DATABASE_URL", "REDIS_URL", "CACHE_DIR"):
        env.pop(key, None)
    proc = subprocess.Popen([sys.executable, "app.py"], cwd=ROOT, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        deadline = time.monotonic() + 120
        ready = None
        while time.monotonic() < deadline and proc.poll() is None:
            try:
                ready = requests.get(f"http://127.0.0.1:{port}/readyz", timeout=2)
                break
            except requests.ConnectionError:
                time.sleep(0.3)
        assert ready is not None and ready.status_code == 200
        from bench.login import login
        from datagen.domains.security import DEMO_PASSWORD

        session = requests.Session()
        login(session, f"http://127.0.0.1:{port}", "leader", DEMO_PASSWORD)  # the demo accounts exist
        layout = session.get(f"http://127.0.0.1:{port}/_dash-layout", timeout=10)
        assert layout.status_code == 200 and "绿容通" in layout.text
    finally:
        proc.terminate()
        out, _ = proc.communicate(timeout=20)
    assert (tmp_path / "instance" / "lvrong.sqlite").exists()
    assert (tmp_path / "instance" / "secrets.json").exists()
    assert "演示数据已生成" in out and "生成 reference" in out  # the progress bar's description
