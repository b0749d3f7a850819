"""Demo video streams for the camera layer: a handful of short HLS streams generated locally with PyAV (its
wheels carry FFmpeg with libx264), never fetched. Each is a few seconds of a moving test pattern in its own
colour, H.264 in MPEG-TS segments with a VOD playlist, which hls.js plays through Media Source Extensions.

Generated on first request into ``instance/media/demo/<n>/``; real cameras point their ``stream_url`` at the
bureau's video gateway instead.
"""
from __future__ import annotations

import threading
from pathlib import Path

import numpy as np

DEMO_STREAMS = 6
SECONDS, FPS, WIDTH, HEIGHT = 4, 10, 320, 180
COLOURS = [(46, 125, 91), (43, 123, 217), (217, 130, 43), (155, 77, 202), (192, 57, 43), (122, 143, 58)]
_lock = threading.Lock()


def demo_url(n: int) -> str:
    """The playlist URL of demo stream ``n`` (0-based, wraps around)."""
    return f"/media/demo/{n % DEMO_STREAMS}/index.m3u8"


def _frames(n: int):
    base = np.array(COLOURS[n % len(COLOURS)], dtype=np.uint8)
    for i in range(SECONDS * FPS):
        frame = np.empty((HEIGHT, WIDTH, 3), dtype=np.uint8)
        frame[:] = base
        frame[::20, :] = 255  # a grid, so that motion is visible
        frame[:, ::20] = 255
        x = int((i / (SECONDS * FPS)) * (WIDTH - 40))
        frame[70:110, x:x + 40] = (255, 255, 255)  # a block crossing the picture
        frame[70:110, x + 10:x + 30] = (20, 20, 20)
        yield frame


def write_stream(folder: Path, n: int) -> Path:
    """Encode demo stream ``n`` into ``folder`` (index.m3u8 + seg*.ts); returns the playlist path."""
    import av

    folder.mkdir(parents=True, exist_ok=True)
    playlist = folder / "index.m3u8"
    options = {"hls_time": "2", "hls_playlist_type": "vod", "hls_segment_filename": str(folder / "seg%03d.ts")}
    with av.open(str(playlist), mode="w", format="hls", options=options) as container:
        stream = container.add_stream("libx264", rate=FPS, options={"preset": "ultrafast", "tune": "zerolatency",
                                                                   "g": str(FPS * 2), "keyint_min": str(FPS * 2)})
        stream.width, stream.height, stream.pix_fmt = WIDTH, HEIGHT, "yuv420p"
        for frame in _frames(n):
            for packet in stream.encode(av.VideoFrame.from_ndarray(frame, format="rgb24")):
                container.mux(packet)
        for packet in stream.encode():
            container.mux(packet)
    return playlist


def ensure_demo_stream(media_root: Path, n: int) -> Path:
    """The folder of demo stream ``n``, generating it the first time (serialised across threads)."""
    folder = media_root / "demo" / str(n)
    if (folder / "index.m3u8").exists():
        return folder
    with _lock:
        if not (folder / "index.m3u8").exists():
            tmp = media_root / "demo" / f".{n}.tmp"
            write_stream(tmp, n)
            tmp.rename(folder)
    return folder
