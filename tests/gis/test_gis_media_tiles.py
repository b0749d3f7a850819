"""Offline basemap tiles from MBTiles and demo camera streams: served by the app, permission-checked."""
from __future__ import annotations

import sqlite3

import pytest

from queries import cameras as q

PNG_1PX = bytes.fromhex("89504e470d0a1a0a0000000d4948445200000001000000010806000000"
                        "1f15c4890000000d49444154789c6360f8cfc0000003010100c9fe92ef0000000049454e44ae426082")


@pytest.fixture()
def tileset(app):
    """A one-tile MBTiles file in the instance folder: zoom 1, column 1, TMS row 0 (XYZ y = 1)."""
    folder = app.server.instance_path
    import pathlib

    path = pathlib.Path(folder) / "tiles" / "test-base.mbtiles"
    path.parent.mkdir(exist_ok=True)
    with sqlite3.connect(path) as conn:
        conn.execute("CREATE TABLE IF NOT EXISTS metadata (name TEXT, value TEXT)")
        conn.execute("CREATE TABLE IF NOT EXISTS tiles (zoom_level INT, tile_column INT, tile_row INT, tile_data BLOB)")
        conn.execute("DELETE FROM metadata")
        conn.execute("DELETE FROM tiles")
        conn.executemany("INSERT INTO metadata VALUES (?, ?)", [("name", "测试底图"), ("format", "png"), ("minzoom", "0"),
                                                               ("maxzoom", "1")])
        conn.execute("INSERT INTO tiles VALUES (1, 1, 0, ?)", (PNG_1PX,))
    yield path
    path.unlink()


@pytest.mark.module(32)
def test_mbtiles_are_served_with_tms_rows_flipped(client_as, tileset, client):
    c = client_as("gis_staff")
    sets = c.get("/tiles/").get_json()
    assert {"id": "test-base", "name": "测试底图", "url": "/tiles/test-base/{z}/{x}/{y}.png"}.items() <= sets[0].items()
    r = c.get("/tiles/test-base/1/1/1.png")
    assert r.status_code == 200 and r.mimetype == "image/png" and r.data == PNG_1PX
    assert c.get("/tiles/test-base/1/1/0.png").status_code == 404  # TMS row 0 is XYZ y 1, not 0
    assert c.get("/tiles/no-such/1/1/1.png").status_code == 404
    assert c.get("/tiles/test.base/1/1/1.png").status_code == 404  # names are plain words only
    assert c.get("/tiles/test-base/1/1/1.exe").status_code == 404
    assert client_as("applicant").get("/tiles/test-base/1/1/1.png").status_code == 403
    assert client.get("/tiles/test-base/1/1/1.png").status_code in (302, 401)


@pytest.mark.module(33)
def test_demo_streams_are_made_locally_and_served(client_as):
    c = client_as("gis_staff")
    playlist = c.get("/media/demo/0/index.m3u8")
    assert playlist.status_code == 200 and playlist.mimetype == "application/vnd.apple.mpegurl"
    text = playlist.get_data(as_text=True)
    assert text.startswith("#EXTM3U") and "#EXT-X-ENDLIST" in text
    segment = [line for line in text.splitlines() if line.endswith(".ts")][0]
    ts = c.get(f"/media/demo/0/{segment}")
    assert ts.status_code == 200 and ts.mimetype == "video/mp2t" and ts.data[:1] == b"\x47"  # MPEG-TS sync byte
    for bad in ("/media/demo/99/index.m3u8", "/media/demo/0/.hidden.ts", "/media/demo/0/secret.json"):
        assert c.get(bad).status_code == 404
    assert client_as("applicant").get("/media/demo/0/index.m3u8").status_code == 403


def test_cameras_follow_district_scope(app):
    everyone = q.cameras()
    assert len(everyone) == 200 and set(everyone["status"]) == {"在线", "离线"}
    xuhui = q.cameras(scope="310104")
    assert 0 < len(xuhui) < len(everyone) and set(xuhui["district_code"]) == {"310104"}
    assert q.cameras("310101", scope="310104")["district_code"].eq("310104").all()  # scope wins over the request
    outside = everyone[everyone["district_code"] != "310104"].iloc[0]["code"]
    assert q.camera(outside, scope="310104") is None and q.camera(outside)["code"] == outside
