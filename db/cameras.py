"""Video cameras on the map (module 33): where each camera is and where its stream is served.

``stream_url`` is what the browser's player opens: an HLS playlist (``.m3u8``), either on the bureau's video
gateway (which transcodes the cameras' RTSP/GB/T 28181 feeds to HLS) or, for the demo, on this app's
``/media/`` route.
"""
from __future__ import annotations

from sqlalchemy import Float, ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from db import Base

DATASET = "cameras"
KINDS = ["公园", "道路", "垃圾中转站", "湿地", "绿地", "广场"]
STATUSES = ["在线", "离线"]


class Camera(Base):
    """One camera."""

    __tablename__ = "camera"
    __table_args__ = (Index("ix_camera_lon_lat", "lon", "lat"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    code: Mapped[str] = mapped_column(String(24), nullable=False, unique=True)
    name: Mapped[str] = mapped_column(String(64), nullable=False)
    kind: Mapped[str] = mapped_column(String(8), nullable=False)
    district_code: Mapped[str] = mapped_column(ForeignKey("district.code"), nullable=False, index=True)
    street_code: Mapped[str | None] = mapped_column(ForeignKey("street.code"))
    lon: Mapped[float] = mapped_column(Float, nullable=False)  # WGS84
    lat: Mapped[float] = mapped_column(Float, nullable=False)
    stream_url: Mapped[str] = mapped_column(String(255), nullable=False)
    status: Mapped[str] = mapped_column(String(4), nullable=False)
