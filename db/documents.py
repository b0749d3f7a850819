"""Document numbering: one counter row per number prefix and year (certificate and notice numbers)."""
from __future__ import annotations

from sqlalchemy import Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from db import Base


class DocumentCounter(Base):
    """The last number issued for ``prefix`` in ``year``; updated inside the issuing transaction."""

    __tablename__ = "doc_counter"

    prefix: Mapped[str] = mapped_column(String(32), primary_key=True)
    year: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    value: Mapped[int] = mapped_column(Integer, nullable=False)
