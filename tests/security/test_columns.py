"""security.columns: SM4-encrypted columns, blind index and masking."""
from __future__ import annotations

import base64
import dataclasses
import os
import re
import secrets

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sqlalchemy import Column, Integer, MetaData, String, Table, create_engine, insert, select, text, update
from sqlalchemy.exc import StatementError
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column

from security import keys
from security.columns import (
    EncryptedString,
    blind_index,
    mask,
    mask_id_number,
    mask_name,
    mask_phone,
    normalise_for_index,
)
from security.sm import IntegrityError, UnknownKeyIdError, blob_key_id, sm4_decrypt


@pytest.fixture()
def ring(monkeypatch):
    """A fresh key ring for this test; the process's previous ring comes back afterwards."""
    monkeypatch.setattr(keys, "_current", keys._current)  # restored by monkeypatch at teardown
    fresh = keys.for_tests()
    keys.configure(fresh)
    return fresh


def _table(name: str = "secret_note") -> Table:
    meta = MetaData()
    return Table(name, meta,
                 Column("id", Integer, primary_key=True),
                 Column("phone", EncryptedString("test.phone")),
                 Column("id_number", EncryptedString("test.id_number")),
                 Column("phone_index", String(64)))


@pytest.fixture()
def engine():
    """A private in-memory SQLite database with the throwaway table."""
    eng = create_engine("sqlite://")
    table = _table()
    table.metadata.create_all(eng)
    yield eng, table
    eng.dispose()


def _raw(eng, table, column, row_id):
    with eng.connect() as conn:
        sql = text(f"SELECT {column} FROM {table.name} WHERE id = :id")
        return conn.execute(sql, {"id": row_id}).scalar_one()


def _set_raw(eng, table, column, row_id, value):
    with eng.begin() as conn:
        sql = text(f"UPDATE {table.name} SET {column} = :v WHERE id = :id")
        conn.execute(sql, {"v": value, "id": row_id})


# ---------------------------------------------------------------- encryption at rest

def test_stored_text_is_ciphertext_under_the_active_key(ring, engine):
    eng, table = engine
    with eng.begin() as conn:
        conn.execute(insert(table).values(id=1, phone="13812341234", id_number="310101199001011234"))
    raw = _raw(eng, table, "phone", 1)
    assert "13812341234" not in raw
    blob = base64.b64decode(raw, validate=True)
    assert b"13812341234" not in blob
    assert blob_key_id(blob) == ring.sm4_active == "k1"
    assert sm4_decrypt(ring.sm4_keys, blob, aad=b"test.phone") == b"13812341234"
    with eng.connect() as conn:
        row = conn.execute(select(table.c.phone, table.c.id_number).where(table.c.id == 1)).one()
    assert tuple(row) == ("13812341234", "310101199001011234")


def test_same_value_encrypts_differently_each_time(ring, engine):
    eng, table = engine
    with eng.begin() as conn:
        conn.execute(insert(table), [{"id": 1, "phone": "13812341234"}, {"id": 2, "phone": "13812341234"}])
    assert _raw(eng, table, "phone", 1) != _raw(eng, table, "phone", 2)


def test_null_and_empty_and_unicode(ring, engine):
    eng, table = engine
    with eng.begin() as conn:
        conn.execute(insert(table), [{"id": 1, "phone": None}, {"id": 2, "phone": ""},
                                     {"id": 3, "phone": "上海市黄浦区 人民大道200号 ☎"}])
    assert _raw(eng, table, "phone", 1) is None
    assert _raw(eng, table, "phone", 2) not in (None, "")
    with eng.connect() as conn:
        got = dict(conn.execute(select(table.c.id, table.c.phone)).all())
    assert got == {1: None, 2: "", 3: "上海市黄浦区 人民大道200号 ☎"}


def test_orm_round_trip(ring):
    class Base(DeclarativeBase):
        pass

    class Caller(Base):
        __tablename__ = "caller"
        id: Mapped[int] = mapped_column(primary_key=True)
        phone: Mapped[str | None] = mapped_column(EncryptedString("caller.phone"))
        phone_index: Mapped[str | None] = mapped_column(String(64), index=True)

    eng = create_engine("sqlite://")
    Base.metadata.create_all(eng)
    with Session(eng) as session, session.begin():
        for i, phone in enumerate(["138-1234-1234", "13900001111", "+86 138 1234 1234"], start=1):
            session.add(Caller(id=i, phone=phone, phone_index=blind_index(phone, context="caller.phone")))
    with Session(eng) as session:
        assert session.get(Caller, 2).phone == "13900001111"
        # Equality search through the blind index finds both spellings of the same number.
        wanted = blind_index("13812341234", context="caller.phone")
        found = session.scalars(select(Caller).where(Caller.phone_index == wanted).order_by(Caller.id)).all()
        assert [c.phone for c in found] == ["138-1234-1234", "+86 138 1234 1234"]
    eng.dispose()


def test_value_comparison_on_encrypted_column_is_refused(ring, engine):
    _, table = engine
    with pytest.raises(TypeError, match="blind_index"):
        table.c.phone == "13812341234"  # noqa: B015 - would silently never match
    with pytest.raises(TypeError):
        table.c.phone.like("138%")
    with pytest.raises(TypeError):
        table.c.phone.in_(["1"])
    assert "IS NULL" in str(select(table).where(table.c.phone == None))  # noqa: E711
    assert "IS NOT NULL" in str(select(table).where(table.c.phone.is_not(None)))


def test_rejects_non_str_and_empty_context(ring, engine):
    eng, table = engine
    with pytest.raises(StatementError) as info:
        with eng.begin() as conn:
            conn.execute(insert(table).values(id=1, phone=13812341234))
    assert isinstance(info.value.orig, TypeError)
    with pytest.raises(ValueError):
        EncryptedString("")


def test_key_rotation_old_rows_still_read(ring, engine):
    eng, table = engine
    with eng.begin() as conn:
        conn.execute(insert(table).values(id=1, phone="13800000001"))
    rotated = dataclasses.replace(ring, sm4_keys={**ring.sm4_keys, "k2": os.urandom(16)}, sm4_active="k2")
    keys.configure(rotated)
    with eng.begin() as conn:
        conn.execute(insert(table).values(id=2, phone="13800000002"))
    assert blob_key_id(base64.b64decode(_raw(eng, table, "phone", 1))) == "k1"
    assert blob_key_id(base64.b64decode(_raw(eng, table, "phone", 2))) == "k2"
    with eng.connect() as conn:
        rows = dict(conn.execute(select(table.c.id, table.c.phone)).all())
    assert rows == {1: "13800000001", 2: "13800000002"}
    # A ring that lost k1 cannot read the old row: UnknownKeyIdError, an IntegrityError.
    keys.configure(dataclasses.replace(rotated, sm4_keys={"k2": rotated.sm4_keys["k2"]}))
    with eng.connect() as conn:
        with pytest.raises(UnknownKeyIdError):
            conn.execute(select(table.c.phone).where(table.c.id == 1)).scalar_one()


@pytest.mark.parametrize("position", [0, 2, 10, -17, -1])
def test_changed_stored_byte_raises_integrity_error(ring, engine, position):
    eng, table = engine
    with eng.begin() as conn:
        conn.execute(insert(table).values(id=1, phone="13812341234"))
    blob = bytearray(base64.b64decode(_raw(eng, table, "phone", 1)))
    blob[position] ^= 0x04
    _set_raw(eng, table, "phone", 1, base64.b64encode(bytes(blob)).decode())
    with eng.connect() as conn:
        with pytest.raises(IntegrityError):
            conn.execute(select(table.c.phone)).scalar_one()


@pytest.mark.parametrize("garbage", ["not base64!", "AAAA", ""])
def test_garbage_in_column_raises_integrity_error(ring, engine, garbage):
    eng, table = engine
    with eng.begin() as conn:
        conn.execute(insert(table).values(id=1))
    _set_raw(eng, table, "phone", 1, garbage)
    with eng.connect() as conn:
        with pytest.raises(IntegrityError):
            conn.execute(select(table.c.phone)).scalar_one()


def test_blob_copied_to_another_context_fails(ring, engine):
    """AAD binding: a phone ciphertext pasted into the id_number column does not decrypt."""
    eng, table = engine
    with eng.begin() as conn:
        conn.execute(insert(table).values(id=1, phone="13812341234", id_number="310101199001011234"))
    _set_raw(eng, table, "id_number", 1, _raw(eng, table, "phone", 1))
    with eng.connect() as conn:
        assert conn.execute(select(table.c.phone)).scalar_one() == "13812341234"
        with pytest.raises(IntegrityError):
            conn.execute(select(table.c.id_number)).scalar_one()


def test_statement_cache_keeps_contexts_apart(ring):
    """cache_ok=True: two columns with different contexts must not share a cached processor."""
    assert EncryptedString("a.b")._static_cache_key != EncryptedString("a.c")._static_cache_key


def test_on_the_app_database(app, ring):
    """The same column type on the application's database (SQLite or PostgreSQL)."""
    from db import db

    table = _table(f"tmp_secret_{secrets.token_hex(4)}")
    table.metadata.create_all(db.engine)
    try:
        with db.engine.begin() as conn:
            conn.execute(insert(table).values(id=1, phone="021-62345678"))
            conn.execute(update(table).where(table.c.id == 1)
                         .values(phone_index=blind_index("021-62345678", context="test.phone")))
        raw = _raw(db.engine, table, "phone", 1)
        assert "62345678" not in raw and blob_key_id(base64.b64decode(raw)) == ring.sm4_active
        with db.engine.connect() as conn:
            row = conn.execute(select(table.c.phone, table.c.phone_index)).one()
        assert row.phone == "021-62345678"
        assert row.phone_index == blind_index("02162345678", context="test.phone")
    finally:
        table.metadata.drop_all(db.engine)


# ---------------------------------------------------------------- blind index

def test_blind_index_normalises_and_separates_contexts(ring):
    a = blind_index("13812341234", context="complaint.phone")
    assert re.fullmatch(r"[0-9a-f]{64}", a)
    for same in ["138 1234 1234", "138-1234-1234", "+8613812341234", "+86 138-1234-1234", "0086 13812341234",
                 "8613812341234", "１３８１２３４１２３４"]:
        assert blind_index(same, context="complaint.phone") == a, same
    assert blind_index("13812341235", context="complaint.phone") != a
    assert blind_index("13812341234", context="user.phone") != a


def test_blind_index_depends_on_the_key(ring):
    value = blind_index("13812341234", context="complaint.phone")
    keys.configure(keys.for_tests())
    assert blind_index("13812341234", context="complaint.phone") != value


@pytest.mark.parametrize("raw,normalised", [
    ("021-6234 5678", "02162345678"),
    ("+86 21 6234 5678", "02162345678"),
    ("(021) 62345678", "02162345678"),
    ("31010119900101123x", "31010119900101123X"),
    ("张 三", "张三"),
    ("Zhang San", "ZHANGSAN"),
])
def test_normalise_for_index(raw, normalised):
    assert normalise_for_index(raw) == normalised


# ---------------------------------------------------------------- masking

@pytest.mark.parametrize("raw,masked", [
    ("13812341234", "138****1234"),
    ("138-1234-1234", "138-****-1234"),
    ("+86 138 1234 1234", "+86 138 **** 1234"),
    ("021-62345678", "021-****5678"),
    ("0571-1234567", "0571-****567"),
    ("02162345678", "021****5678"),
    ("62345678", "62****78"),
    ("12345", "1***5"),
    ("12", "*2"),
    ("1", "*"),
    ("", ""),
])
def test_mask_phone_known_answers(raw, masked):
    assert mask_phone(raw) == masked
    assert len(mask_phone(raw)) == len(raw)


@pytest.mark.parametrize("raw,masked", [
    ("310101199001011234", "310101********1234"),
    ("31010119900101123X", "310101********123X"),
    ("310101900101123", "310101*****1123"),
    ("E12345678", "E1*****78"),
    ("", ""),
])
def test_mask_id_number_known_answers(raw, masked):
    assert mask_id_number(raw) == masked


@pytest.mark.parametrize("raw,masked", [
    ("张三", "张*"),
    ("欧阳娜娜", "欧***"),
    ("李", "*"),
    ("阿沛·阿旺晋美", "阿*·****"),
    ("John Smith", "J*** *****"),
    ("", ""),
])
def test_mask_name_known_answers(raw, masked):
    assert mask_name(raw) == masked


def test_mask_dispatch_and_permission():
    assert mask("phone", "13812341234", may_see=False) == "138****1234"
    assert mask("phone", "13812341234", may_see=True) == "13812341234"
    assert mask("id_number", "310101199001011234", may_see=False) == "310101********1234"
    assert mask("name", "欧阳娜娜", may_see=False) == "欧***"
    assert mask("name", None, may_see=False) is None
    with pytest.raises(ValueError):
        mask("address", "x", may_see=True)


def _revealed(raw: str, masked: str) -> int:
    return sum(1 for a, b in zip(raw, masked) if a == b and a.isdigit())


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet="0123456789", min_size=11, max_size=11))
def test_mask_phone_reveals_at_most_7_of_11_digits(number):
    masked = mask_phone(number)
    assert len(masked) == len(number)
    assert _revealed(number, masked) <= 7
    assert all(b in (a, "*") for a, b in zip(number, masked))


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet="0123456789", min_size=1, max_size=10))
def test_mask_phone_short_values_reveal_at_most_half(number):
    masked = mask_phone(number)
    assert len(masked) == len(number)
    assert masked.count("*") >= len(number) - len(number) // 2


@settings(max_examples=200, deadline=None)
@given(st.text(min_size=0, max_size=30))
def test_maskers_keep_length_and_never_reveal_more_than_original(value):
    for masker in (mask_phone, mask_id_number, mask_name):
        masked = masker(value)
        assert len(masked) == len(value)
        assert all(b in (a, "*") for a, b in zip(value, masked))
