"""Start-up integrity check of the program files, wired into create_app (module 259)."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

@pytest.mark.module(259)
def test_app_start_refuses_or_degrades_on_changed_program(app, tmp_path):
    """create_app with a manifest that does not match the program: refuse mode raises, degraded records."""
    import dataclasses

    from app import check_integrity
    from security import keys as keyring
    from security import manifest as mf

    settings = dataclasses.replace(app.server.config["LVRONG"], instance_path=tmp_path, manifest_mode="refuse")
    signed = mf.sign(mf.build(Path(__file__).resolve().parents[2]), keyring.current().sm2_private)
    signed["files"]["app.py"] = "0" * 64  # as if app.py had been changed after signing
    signed = mf.sign({k: v for k, v in signed.items() if k not in ("signature", "public_key")},
                     keyring.current().sm2_private)
    (tmp_path / "manifest.json").write_text(json.dumps(signed), encoding="utf-8")
    with pytest.raises(mf.ManifestError, match="app.py"):
        check_integrity(app.server, settings)
    check_integrity(app.server, dataclasses.replace(settings, manifest_mode="degraded"))
    report = app.server.extensions["lvrong_integrity"]
    assert not report.ok and "app.py" in report.changed
    from sqlalchemy import select

    from db import db
    from db.security import SecurityAlarm

    with db.session() as s:
        assert s.scalar(select(SecurityAlarm.id).where(SecurityAlarm.kind == "manifest.mismatch"))
    app.server.extensions["lvrong_integrity"] = None
