"""``python -m ingest`` in a subprocess on a temporary SQLite database: counts and reasons printed, exit
code 0 when the import ran, 2 when the file was refused."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import func, select

from datagen.core import build
from db import make_engine
from db.hotline12319 import Ticket
from db.ingest import ImportBatch
from db.migrate import upgrade
from tests.ingest.files import csv_bytes, row

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture()
def cli_db(tmp_path):
    """A fresh SQLite database holding only the reference tables (districts and streets)."""
    url = f"sqlite:///{tmp_path / 'cli.sqlite'}"
    upgrade(url)
    engine = make_engine(url)
    build(engine, scale="demo", only=["reference"], progress=False)
    yield url, engine
    engine.dispose()


def cli(*args, instance: Path) -> subprocess.CompletedProcess:
    env = dict(os.environ, LVRONG_INSTANCE=str(instance), PYTHONIOENCODING="utf-8")
    return subprocess.run([sys.executable, "-m", "ingest", *map(str, args)], capture_output=True, text=True,
                          encoding="utf-8", env=env, cwd=ROOT, timeout=300)


def test_cli_imports_and_reports(cli_db, tmp_path):
    url, engine = cli_db
    path = tmp_path / "12319.csv"
    path.write_bytes(csv_bytes([row("C1"), row("C2"), row("C3", **{"所属区": "火星区"})], encoding="gb18030"))
    out = cli("hotline12319", path, "--database-url", url, "--user", "ops", "--quiet", instance=tmp_path / "inst")
    assert out.returncode == 0, out.stderr
    assert "共 3 行：入库 2 行（新增 2，更新 0，未变化 0），隔离 1 行；编码 gb18030" in out.stdout
    assert "inserted 2 updated 0 unchanged 0 quarantined 1 total 3 encoding gb18030" in out.stdout
    assert "第 3 行：所属区 不是上海市的区：'火星区'" in out.stdout

    again = cli("hotline12319", path, "--database-url", url, instance=tmp_path / "inst")
    assert again.returncode == 0 and "unchanged 2 quarantined 1" in again.stdout
    assert "已处理 3/3 行" in again.stderr  # progress goes to stderr

    with engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(Ticket)).scalar() == 2
        users = conn.execute(select(ImportBatch.username, ImportBatch.status).order_by(ImportBatch.id)).all()
    assert users[0] == ("ops", "done") and users[1][0].startswith("cli:")


def test_cli_refused_file_exits_2(cli_db, tmp_path):
    url, engine = cli_db
    bad = tmp_path / "bad.csv"
    bad.write_text("甲,乙\n1,2\n", encoding="utf-8")
    out = cli("hotline12319", bad, "--database-url", url, instance=tmp_path / "inst")
    assert out.returncode == 2 and "文件被拒绝：缺少必需的列：工单编号、受理时间" in out.stderr
    with engine.connect() as conn:
        assert conn.execute(select(ImportBatch.status)).scalars().all() == ["failed"]
    missing = cli("hotline12319", tmp_path / "nowhere.csv", "--database-url", url, instance=tmp_path / "inst")
    assert missing.returncode == 2 and "文件无法读取" in missing.stderr
    unknown = cli("trees", bad, "--database-url", url, instance=tmp_path / "inst")
    assert unknown.returncode == 2 and "未知数据集：'trees'" in unknown.stderr
