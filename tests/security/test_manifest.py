"""security.manifest: signed SM3 manifest of the program files (module 259)."""
from __future__ import annotations

import json
from pathlib import Path
from types import SimpleNamespace

import pytest
from flask import Flask

from security import keys, manifest
from security.manifest import ManifestError, ManifestReport, build, sign, startup_check, verify, write
from security.sm import sm2_generate_keypair, sm3

pytestmark = pytest.mark.module(259)

FILES = {
    "app.py": "print('绿容通')\n",
    "templates/x.html": "<p>{{ x }}</p>\n",
    "assets/y.css": "body { color: green; }\n",
    "assets/data/districts.geojson": '{"type": "FeatureCollection", "features": []}\n',
    "pkg/__init__.py": "",
    "pkg/mod.py": "X = 1\n",
    "pkg/page.jinja": "{{ y }}",
    "pkg/model.mako": "${z}",
    "pkg/ref.tsv": "a\tb\n",
    "pkg/ref.csv": "a,b\n",
    "pkg/notes.txt": "说明\n",
    "pkg/script.js": "let a = 1;\n",
    "pkg/conf.json": "{}",
    # Not shipped: excluded directories and suffixes.
    "tests/t.py": "def test(): pass\n",
    "pkg/__pycache__/deep/x.py": "",
    "pkg/node_modules/m.js": "",
    "pkg/docs/help.py": "HELP = 1\n",  # a package's own docs folder is shipped code
    "instance/k.json": '{"secret": 1}\n',
    "test-artifacts/report.json": "{}",
    "pkg/__pycache__/mod.cpython-311.pyc": "x",
    "bench/results/run.json": "{}",
    "bench/runner.py": "RUN = 1\n",
    ".ci/pipeline.json": "{}",
    ".hidden/h.py": "",
    ".git/config.txt": "",
    "docs/design.txt": "",
    "node_modules/lib/index.js": "",
    "README.md": "# readme\n",
    "assets/logo.png": "\x89PNG",
    "pkg/mod.pyc": "",
}
SHIPPED = sorted(["app.py", "templates/x.html", "assets/y.css", "assets/data/districts.geojson",
                  "pkg/__init__.py", "pkg/mod.py", "pkg/page.jinja", "pkg/model.mako", "pkg/ref.tsv",
                  "pkg/ref.csv", "pkg/notes.txt", "pkg/script.js", "pkg/conf.json", "bench/runner.py",
                  "pkg/docs/help.py"])


@pytest.fixture()
def tree(tmp_path) -> Path:
    """A small fake project tree."""
    root = tmp_path / "project"
    for rel, content in FILES.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(content, encoding="utf-8")
    return root


@pytest.fixture(scope="module")
def keypair():
    return sm2_generate_keypair()


@pytest.fixture()
def signed(tree, keypair, tmp_path) -> Path:
    """The tree's manifest, signed and written outside the tree."""
    path = tmp_path / "instance" / "manifest.json"
    write(tree, path, keypair[0])
    return path


# ---------------------------------------------------------------- build / sign / verify

def test_build_lists_shipped_files_only(tree):
    result = build(tree)
    assert list(result["files"]) == SHIPPED
    assert result["count"] == len(SHIPPED)
    assert result["files"]["app.py"] == sm3("print('绿容通')\n".encode()).hex()
    assert result["created_at"].endswith("Z")
    assert all("\\" not in name and not name.startswith("/") for name in result["files"])


def test_build_of_the_real_project_has_app_py_and_no_tests():
    files = build(manifest.ROOT)["files"]
    assert "app.py" in files and "security/manifest.py" in files
    assert not any(name.startswith(("tests/", "instance/", "docs/", ".git/")) for name in files)
    assert not any("__pycache__" in name for name in files)


def test_sign_and_verify_ok(tree, signed, keypair):
    data = json.loads(signed.read_text(encoding="utf-8"))
    assert data["public_key"] == keypair[1] and data["count"] == len(SHIPPED)
    report = verify(tree, signed, keypair[1])
    assert report == ManifestReport(signature_ok=True)
    assert report.ok


def test_modified_file_is_changed(tree, signed, keypair):
    (tree / "templates/x.html").write_text("<p>{{ x|safe }}</p>\n", encoding="utf-8")
    report = verify(tree, signed, keypair[1])
    assert report.signature_ok and report.changed == ["templates/x.html"]
    assert not report.missing and not report.added and not report.ok


def test_deleted_file_is_missing(tree, signed, keypair):
    (tree / "assets/y.css").unlink()
    report = verify(tree, signed, keypair[1])
    assert report.missing == ["assets/y.css"] and not report.ok


def test_added_file_is_added(tree, signed, keypair):
    (tree / "pkg/backdoor.py").write_text("import os\n", encoding="utf-8")
    (tree / "tests/new_test.py").write_text("", encoding="utf-8")  # excluded: not reported
    report = verify(tree, signed, keypair[1])
    assert report.added == ["pkg/backdoor.py"] and not report.ok


def test_manifest_resigned_with_another_key_fails_signature(tree, signed, keypair):
    """Someone changes a file and regenerates the manifest with their own key."""
    (tree / "app.py").write_text("print('evil')\n", encoding="utf-8")
    intruder = sm2_generate_keypair()
    write(tree, signed, intruder[0])
    report = verify(tree, signed, keypair[1])
    assert report.signature_ok is False and not report.changed and not report.ok
    assert "签名无效" in report.summary()


def test_edited_manifest_fails_signature(tree, signed, keypair):
    data = json.loads(signed.read_text(encoding="utf-8"))
    data["files"]["app.py"] = "0" * 64
    signed.write_text(json.dumps(data), encoding="utf-8")
    report = verify(tree, signed, keypair[1])
    assert report.signature_ok is False and report.changed == ["app.py"]


def test_sign_is_over_everything_but_signature(keypair):
    body = {"files": {"a.py": "00"}, "created_at": "2024-06-01T00:00:00Z", "count": 1}
    signed = sign(dict(body, signature="old", public_key="old"), keypair[0])
    assert {k: v for k, v in signed.items() if k not in ("signature", "public_key")} == body
    assert signed["public_key"] == keypair[1]


def test_manifest_inside_the_tree_is_not_listed(tree, keypair):
    path = tree / "pkg" / "manifest.json"
    write(tree, path, keypair[0])
    assert "pkg/manifest.json" not in json.loads(path.read_text(encoding="utf-8"))["files"]
    assert verify(tree, path, keypair[1]).ok


@pytest.mark.parametrize("content", [None, "not json", "[]", '{"files": {}}'])
def test_missing_or_broken_manifest_raises(tree, tmp_path, keypair, content):
    path = tmp_path / "m.json"
    if content is not None:
        path.write_text(content, encoding="utf-8")
    with pytest.raises(ManifestError, match="清单"):
        verify(tree, path, keypair[1])


# ---------------------------------------------------------------- start-up check

def test_startup_check_modes(tree, signed, keypair):
    assert startup_check(tree, signed, keypair[1], "off") is None
    assert startup_check(tree, signed, keypair[1], "refuse").ok
    (tree / "pkg/mod.py").write_text("X = 2\n", encoding="utf-8")
    with pytest.raises(ManifestError) as info:
        startup_check(tree, signed, keypair[1], "refuse")
    assert "pkg/mod.py" in str(info.value) and "拒绝启动" in str(info.value)
    report = startup_check(tree, signed, keypair[1], "degraded")
    assert report is not None and not report.ok and report.changed == ["pkg/mod.py"]
    with pytest.raises(ValueError):
        startup_check(tree, signed, keypair[1], "warn")


def test_startup_check_missing_manifest(tree, tmp_path, keypair):
    with pytest.raises(ManifestError, match="不存在"):
        startup_check(tree, tmp_path / "none.json", keypair[1], "refuse")
    report = startup_check(tree, tmp_path / "none.json", keypair[1], "degraded")
    assert not report.ok and "不存在" in report.error
    assert startup_check(tree, tmp_path / "none.json", keypair[1], "off") is None


def test_refuse_message_names_first_files_only(tree, signed, keypair):
    for i in range(15):
        (tree / f"pkg/extra_{i:02d}.py").write_text("", encoding="utf-8")
    with pytest.raises(ManifestError) as info:
        startup_check(tree, signed, keypair[1], "refuse")
    message = str(info.value)
    assert "pkg/extra_00.py" in message and "pkg/extra_14.py" not in message and "共 15 项" in message


# ---------------------------------------------------------------- flask manifest sign / verify

@pytest.fixture()
def cli(tree, tmp_path, monkeypatch):
    """A minimal Flask app with the manifest commands, a key ring, and ROOT pointing at the fake tree."""
    monkeypatch.setattr(manifest, "ROOT", tree)
    monkeypatch.setattr(keys, "_current", keys._current)  # restored at teardown
    keys.configure(keys.for_tests())
    instance = tmp_path / "instance-cli"
    app = Flask("manifest_test")
    app.config["LVRONG"] = SimpleNamespace(instance_path=instance)
    app.cli.add_command(manifest.manifest_cli)
    runner = app.test_cli_runner()
    return SimpleNamespace(runner=runner, instance=instance, invoke=lambda *args: runner.invoke(
        manifest.manifest_cli, list(args)))


def test_cli_sign_then_verify(cli, tree):
    result = cli.invoke("sign")
    assert result.exit_code == 0, result.output
    assert f"已签名 {len(SHIPPED)} 个文件" in result.output
    path = cli.instance / "manifest.json"
    assert json.loads(path.read_text(encoding="utf-8"))["public_key"] == keys.current().sm2_public

    result = cli.invoke("verify")
    assert result.exit_code == 0, result.output
    assert "校验通过" in result.output

    (tree / "app.py").write_text("print('changed')\n", encoding="utf-8")
    (tree / "assets/y.css").unlink()
    (tree / "pkg/new.py").write_text("", encoding="utf-8")
    result = cli.invoke("verify")
    assert result.exit_code == 1
    assert "校验失败" in result.output
    assert "已修改 (changed): app.py" in result.output
    assert "缺失 (missing): assets/y.css" in result.output
    assert "新增 (added): pkg/new.py" in result.output


def test_cli_custom_paths_and_missing_manifest(cli, tmp_path):
    out = tmp_path / "elsewhere" / "m.json"
    assert cli.invoke("sign", "--output", str(out)).exit_code == 0
    assert cli.invoke("verify", "--manifest", str(out)).exit_code == 0
    result = cli.invoke("verify")  # the default path was never written
    assert result.exit_code == 2
    assert "不存在" in result.output


def test_cli_verify_with_foreign_signature(cli, tree):
    assert cli.invoke("sign").exit_code == 0
    write(tree, cli.instance / "manifest.json", sm2_generate_keypair()[0])
    result = cli.invoke("verify")
    assert result.exit_code == 1 and "签名无效" in result.output


def test_cli_group_is_named_manifest():
    assert manifest.manifest_cli.name == "manifest"
    assert set(manifest.manifest_cli.commands) == {"sign", "verify"}
