"""Cameras (module 33): the generated layer, the filters of the video page, the player component and the
demo-stream fallback."""
from __future__ import annotations

import pytest

from components.video import video_player
from datagen.domains.cameras import SIZES
from db.cameras import KINDS
from layers.media import DEMO_STREAMS, demo_url
from queries import cameras as q


@pytest.mark.module(33)
def test_demo_cameras_cover_the_city_in_wgs84(app):
    df = q.cameras()
    assert len(df) == SIZES["demo"] and df["code"].is_unique
    assert df["district_code"].nunique() == 16  # every district has cameras
    assert set(df["kind"]) <= set(KINDS) and df["kind"].nunique() >= 4
    # inside Shanghai's extent (120.85–122.2 E, 30.67–31.88 N), WGS84 as stored
    assert df["lon"].between(120.85, 122.2).all() and df["lat"].between(30.67, 31.88).all()
    assert (df["status"] == "离线").mean() < 0.2


def test_streams_are_shared_local_playlists(app):
    urls = set(q.cameras()["stream_url"])
    assert urls == {demo_url(n) for n in range(DEMO_STREAMS)}  # a handful of streams, shared
    assert all(u.startswith("/media/") and u.endswith(".m3u8") for u in urls)  # never fetched from outside


@pytest.mark.parametrize("kinds, status", [(["公园"], None), (["道路", "湿地"], "在线"), (None, "离线")])
def test_filters_by_kind_and_status(app, kinds, status):
    df = q.cameras(kinds=kinds, status=status)
    assert len(df) > 0
    if kinds:
        assert set(df["kind"]) <= set(kinds)
    if status:
        assert set(df["status"]) == {status}


def test_player_plays_online_cameras_and_says_when_offline():
    online = video_player("CAM00001", "某公园1号", "/media/demo/0/index.m3u8")
    video = online.children[1]
    assert video.id == "video-CAM00001" and getattr(video, "data-hls") == "/media/demo/0/index.m3u8"
    assert video.muted and video.autoPlay
    offline = video_player("CAM00002", "某路口", "/media/demo/1/index.m3u8", online=False)
    assert offline.children[1].children == "摄像头离线"


def test_media_route_refuses_traversal_and_strangers(client_as, client):
    c = client_as("gis_staff")
    for bad in ("/media/demo/0/..%2F..%2Fsecrets.json", "/media/../secrets.json", "/media/demo/0/%2e%2e/x.ts",
                "/media/demo/-1/index.m3u8"):
        r = c.get(bad)  # never the file: a 404, or the app's own "page not found" page
        assert r.status_code == 404 or (r.mimetype == "text/html" and b"secret_key" not in r.data)
    assert client.get("/media/demo/0/index.m3u8").status_code in (302, 401, 403)  # not signed in
