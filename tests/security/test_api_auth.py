"""External systems sign in with an SM2-signed challenge (module 254); signed records verify publicly (256)."""
from __future__ import annotations

import base64

import pytest

from api.auth import register_client
from db import db
from security.sm import sm2_generate_keypair, sm2_sign


@pytest.fixture(scope="module")
def api_client_keys(app):
    private, public = sm2_generate_keypair()
    with db.session() as s:
        register_client(s, client_id="ywtb-test", name="一网通办（测试）", public_key=public)
    return private, public


def _token(client, private, client_id="ywtb-test"):
    ch = client.post("/api/v1/auth/challenge", json={"client_id": client_id}).get_json()["challenge"]
    sig = base64.b64encode(sm2_sign(private, ch.encode("ascii"))).decode()
    return ch, client.post("/api/v1/auth/token", json={"client_id": client_id, "challenge": ch, "signature": sig})


@pytest.mark.module(254)
def test_signed_challenge_gives_token(client, api_client_keys):
    private, _ = api_client_keys
    _ch, r = _token(client, private)
    assert r.status_code == 200
    token = r.get_json()["access_token"]
    me = client.get("/api/v1/whoami", headers={"Authorization": f"Bearer {token}"})
    assert me.status_code == 200 and me.get_json() == {"client_id": "ywtb-test", "role": "integration_client"}


@pytest.mark.module(254)
def test_wrong_key_replay_and_missing_token_refused(client, api_client_keys):
    other_private, _ = sm2_generate_keypair()
    assert _token(client, other_private)[1].status_code == 401
    private, _ = api_client_keys
    ch, r = _token(client, private)
    assert r.status_code == 200
    sig = base64.b64encode(sm2_sign(private, ch.encode("ascii"))).decode()
    replay = client.post("/api/v1/auth/token", json={"client_id": "ywtb-test", "challenge": ch, "signature": sig})
    assert replay.status_code == 401  # a challenge is good once
    assert client.get("/api/v1/whoami").status_code == 401
    assert client.get("/api/v1/whoami", headers={"Authorization": "Bearer forged"}).status_code == 401
    assert client.post("/api/v1/auth/challenge", json={"client_id": "nobody"}).status_code == 403


@pytest.mark.module(254)
def test_user_session_cannot_call_api(client_as):
    """A browser session is not an API credential."""
    assert client_as("analyst").get("/api/v1/whoami").status_code == 401


@pytest.mark.module(256)
def test_signed_record_verifies_publicly_and_detects_change(app, client):
    from security.signing import sign_record

    payload = {"decision": "准予许可", "case": "2026-0001", "applicant": "上海某园林公司", "valid_to": "2029-11-27"}
    with db.session() as s:
        row = sign_record(s, kind="decision", ref="2026-0001", payload=payload, actor="approver_city", source_ip="-")
        assert len(row.signature) == 64
    ok = client.post("/api/v1/verify", json={"kind": "decision", "ref": "2026-0001", "payload": payload})
    assert ok.status_code == 200 and ok.get_json()["valid"] is True
    forged = dict(payload, decision="不予许可")
    bad = client.post("/api/v1/verify", json={"kind": "decision", "ref": "2026-0001", "payload": forged}).get_json()
    assert bad["valid"] is False and "已被修改" in bad["message"]
    assert client.post("/api/v1/verify", json={"kind": "x"}).status_code == 400


@pytest.mark.module(256)
def test_signature_checks_with_independent_gmssl(app):
    """The stored signature is a standard SM2 signature: gmssl verifies it with the public key."""
    from gmssl import sm2 as gm

    from security.signing import canonical, sign_record

    payload = {"certificate": "LR-2026-000123", "holder": "测试单位"}
    with db.session() as s:
        row = sign_record(s, kind="certificate", ref="LR-2026-000123", payload=payload, actor="t", source_ip="-")
        signature, public = row.signature, row.public_key
    verifier = gm.CryptSM2(private_key="", public_key=public[2:], mode=1)
    verifier.public_key = public[2:]
    assert verifier.verify_with_sm3(signature.hex(), canonical(payload))
