"""A camera's live picture: an HTML5 video that ``assets/video.js`` feeds from an HLS playlist (hls.js)."""
from __future__ import annotations

from dash import html


def video_player(code: str, name: str, src: str, *, online: bool = True, subtitle: str = "") -> html.Div:
    """A titled player for one camera; an offline camera shows a notice instead of a picture."""
    picture = (html.Video(id=f"video-{code}", controls=True, muted=True, autoPlay=True, loop=True,
                          className="video-picture", **{"data-hls": src})
               if online else html.Div("摄像头离线", className="video-offline"))
    return html.Div(className="video-tile", children=[
        html.Div([html.B(name), html.Span(f"  {subtitle}" if subtitle else "", className="caption")], className="video-title"),
        picture,
        html.Div("", className="video-note"),
    ])
