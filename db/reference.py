"""Reference data: Shanghai's 16 districts and their street-level units (街道, 镇, 乡)."""
from __future__ import annotations

from sqlalchemy import Boolean, Float, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from db import Base


class District(Base):
    """A district (区) with its NBS code, area and WGS84 boundary as GeoJSON text."""

    __tablename__ = "district"

    code: Mapped[str] = mapped_column(String(6), primary_key=True)
    name: Mapped[str] = mapped_column(String(32), nullable=False, unique=True)
    area_km2: Mapped[float] = mapped_column(Float, nullable=False)
    lon: Mapped[float] = mapped_column(Float, nullable=False)  # representative point
    lat: Mapped[float] = mapped_column(Float, nullable=False)
    boundary: Mapped[str] = mapped_column(Text, nullable=False)
    sort_order: Mapped[int] = mapped_column(Integer, nullable=False, default=0)


class Street(Base):
    """A street-level unit (街道/镇/乡) with its 9-digit NBS code and an approximate boundary."""

    __tablename__ = "street"

    code: Mapped[str] = mapped_column(String(9), primary_key=True)
    name: Mapped[str] = mapped_column(String(64), nullable=False)
    district_code: Mapped[str] = mapped_column(
        String(6), ForeignKey("district.code"), nullable=False, index=True
    )
    kind: Mapped[str] = mapped_column(String(8), nullable=False)
    lon: Mapped[float] = mapped_column(Float, nullable=False)
    lat: Mapped[float] = mapped_column(Float, nullable=False)
    boundary: Mapped[str | None] = mapped_column(Text)
    boundary_approximate: Mapped[bool] = mapped_column(Boolean, nullable=False, default=True)
