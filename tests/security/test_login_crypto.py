"""Browser-side SM2 password encryption (sm2-form.js + vendored sm-crypto) and its server side, login_crypto.

The pure-Python tests use ``security.sm.sm2_encrypt`` in the browser's place. The interop tests run the
vendored ``sm2.js`` and ``sm2-form.js`` under Node (skipped without ``node`` on PATH) in a ``vm`` context
that stands in for ``window`` (with Web Crypto), and decrypt their output in Python. The submit handler is
driven through a minimal fake DOM; the real-browser end-to-end sign-in is tested elsewhere (Chromium).
"""
from __future__ import annotations

import hashlib
import json
import shutil
import subprocess
from pathlib import Path

import pytest

from security.login_crypto import (
    CHALLENGE_HEX_LEN,
    MAX_CIPHER_HEX,
    LoginCipherError,
    decrypt_field,
    new_challenge,
)
from security.sm import sm2_decrypt, sm2_encrypt, sm2_generate_keypair

pytestmark = pytest.mark.module(258)

ROOT = Path(__file__).resolve().parents[2]
VENDOR = ROOT / "admin" / "static" / "vendor" / "sm-crypto" / "sm2.js"
FORM_JS = ROOT / "admin" / "static" / "js" / "sm2-form.js"
VENDOR_SHA256 = "eb352d6c48a2bc6210b5687d3b80cfeed034a3cd6095118762fe4b076642c5a6"  # sm-crypto 0.5.8 dist/sm2.js

EXPIRED = "登录信息已失效，请刷新页面后重试"
FAILED = "密码解密失败，请刷新页面后重试"
PASSWORDS = ["Pa55word!", "绿容通@2024密码", "with space and \"quotes\" <&>", "line\nbreak", "😀emoji",
             "x" * 300, ""]


@pytest.fixture(scope="module")
def keypair() -> tuple[str, str]:
    return sm2_generate_keypair()


def _cipher(public: str, password: str, challenge: str) -> str:
    """What sm2-form.js posts, made in Python: hex of 04 || x1 || y1 || C3 || C2."""
    return sm2_encrypt(public, f"{password}\n{challenge}".encode("utf-8")).hex()


# ---------------------------------------------------------------- pure Python

def test_new_challenge():
    values = {new_challenge() for _ in range(100)}
    assert len(values) == 100
    for v in values:
        assert len(v) == CHALLENGE_HEX_LEN == 32 and all(c in "0123456789abcdef" for c in v)


@pytest.mark.parametrize("password", PASSWORDS)
def test_round_trip(keypair, password):
    private, public = keypair
    challenge = new_challenge()
    cipher = _cipher(public, password, challenge)
    assert cipher.startswith("04")
    assert decrypt_field(cipher, private, challenge) == password


def test_without_04_prefix_upper_case_and_whitespace(keypair):
    private, public = keypair
    challenge = new_challenge()
    cipher = _cipher(public, "Pa55word!", challenge)
    assert decrypt_field(cipher[2:], private, challenge) == "Pa55word!"
    assert decrypt_field(cipher.upper(), private, challenge) == "Pa55word!"
    assert decrypt_field(f"  {cipher[2:].upper()}\n", private, challenge) == "Pa55word!"


def test_without_prefix_when_x1_starts_with_04(keypair):
    """A prefix-less cipher whose x1 begins with byte 04 looks prefixed; it must still decrypt."""
    private, public = keypair
    challenge = new_challenge()
    for _ in range(5000):
        cipher = _cipher(public, "Pa55word!", challenge)
        if cipher[2:4] == "04":
            break
    else:
        pytest.fail("no x1 starting with 04 in 5000 tries")
    assert decrypt_field(cipher[2:], private, challenge) == "Pa55word!"
    assert decrypt_field(cipher, private, challenge) == "Pa55word!"


def test_wrong_or_missing_challenge(keypair):
    private, public = keypair
    challenge = new_challenge()
    cipher = _cipher(public, "Pa55word!", challenge)
    for other in (new_challenge(), challenge[:-1], challenge + "0", challenge.upper(), "挑战"):
        with pytest.raises(LoginCipherError) as exc:
            decrypt_field(cipher, private, other)
        assert str(exc.value) == EXPIRED
    # No challenge in the session: refused even for a cipher made with an empty challenge.
    for empty in ("", None):
        with pytest.raises(LoginCipherError, match=EXPIRED):
            decrypt_field(_cipher(public, "Pa55word!", ""), private, empty)
    # A plaintext without the separator.
    bare = sm2_encrypt(public, challenge.encode()).hex()
    with pytest.raises(LoginCipherError, match=EXPIRED):
        decrypt_field(bare, private, challenge)


def test_wrong_key_or_tampered(keypair):
    private, public = keypair
    challenge = new_challenge()
    cipher = _cipher(public, "Pa55word!", challenge)
    other_private, _ = sm2_generate_keypair()
    with pytest.raises(LoginCipherError, match=FAILED):
        decrypt_field(cipher, other_private, challenge)
    for pos in (10, 140, 200, len(cipher) - 1):  # C1, C3, C2, last digit
        flipped = cipher[:pos] + ("0" if cipher[pos] != "0" else "1") + cipher[pos + 1:]
        with pytest.raises(LoginCipherError, match=FAILED):
            decrypt_field(flipped, private, challenge)
    with pytest.raises(LoginCipherError, match=FAILED):
        decrypt_field(cipher[:-2], private, challenge)


@pytest.mark.parametrize("garbage", [
    "", "04", "not hex at all", "zz" * 120, "0" * 300, "04" + "00" * 200, "ab" * 97, "abc" * 100,
    "０４" * 120,  # full-width digits: str.isdigit-style checks would let them through
    None, 12345, b"04abcd",
])
def test_garbage(keypair, garbage):
    private, _ = keypair
    with pytest.raises(LoginCipherError) as exc:
        decrypt_field(garbage, private, new_challenge())
    assert str(exc.value) == FAILED


def test_not_utf8(keypair):
    private, public = keypair
    challenge = new_challenge()
    cipher = sm2_encrypt(public, b"\xff\xfe\n" + challenge.encode()).hex()
    with pytest.raises(LoginCipherError, match=FAILED):
        decrypt_field(cipher, private, challenge)


def test_oversize_refused_before_decrypting(keypair, monkeypatch):
    private, public = keypair
    challenge = new_challenge()
    calls = []
    monkeypatch.setattr("security.login_crypto.sm2_decrypt", lambda *a: calls.append(a) or b"")
    # A genuine cipher just over the limit (long password) and absurd inputs.
    too_long = _cipher(public, "p" * (MAX_CIPHER_HEX // 2), challenge)
    assert len(too_long) > MAX_CIPHER_HEX
    for value in (too_long, "0" * (MAX_CIPHER_HEX + 2), "04" * 1_000_000, " " * 10_000_000):
        with pytest.raises(LoginCipherError, match=FAILED):
            decrypt_field(value, private, challenge)
    assert calls == []


def test_longest_accepted_cipher(keypair):
    private, public = keypair
    challenge = new_challenge()
    password = "p" * (MAX_CIPHER_HEX // 2 - 97 - 1 - len(challenge))
    cipher = _cipher(public, password, challenge)
    assert len(cipher) == MAX_CIPHER_HEX
    assert decrypt_field(cipher, private, challenge) == password


def test_bad_private_key_is_a_server_fault(keypair):
    _, public = keypair
    challenge = new_challenge()
    with pytest.raises(ValueError) as exc:
        decrypt_field(_cipher(public, "x", challenge), "00", challenge)
    assert not isinstance(exc.value, LoginCipherError)


# ---------------------------------------------------------------- vendored JavaScript

def test_vendored_bundle_is_the_published_file():
    """sm2.js is sm-crypto 0.5.8's dist/sm2.js byte for byte (see the README next to it)."""
    data = VENDOR.read_bytes()
    assert hashlib.sha256(data).hexdigest() == VENDOR_SHA256
    assert len(data) < 200_000
    for name in ("LICENSE", "LICENSE-jsbn", "README.md"):
        assert (VENDOR.parent / name).is_file()
    assert VENDOR_SHA256 in (VENDOR.parent / "README.md").read_text(encoding="utf-8")


def test_scripts_load_nothing_from_elsewhere():
    """No CDN or other URL is fetched by the page scripts, and sm2-form.js never logs field values."""
    form_js = FORM_JS.read_text(encoding="utf-8")
    for text in (form_js, VENDOR.read_text(encoding="utf-8")):
        for needle in ("http://", "https://", "import(", "XMLHttpRequest", "fetch(", "importScripts"):
            assert needle not in text
    assert "console.log" not in form_js
    assert "console.error('LvRong: SM2 password encryption failed')" in form_js


NODE_HARNESS = r"""
'use strict';
const fs = require('fs');
const vm = require('vm');
const input = JSON.parse(fs.readFileSync(0, 'utf8'));

function browserContext(withSm2) {
  const logs = [];
  const log = (...args) => logs.push(args.map(String).join(' '));
  const ctx = {crypto: globalThis.crypto, console: {log, error: log, warn: log, info: log}, logs};
  ctx.window = ctx;
  ctx.self = ctx;
  vm.createContext(ctx);
  if (withSm2) vm.runInContext(fs.readFileSync(input.vendor, 'utf8'), ctx, {filename: 'sm2.js'});
  return ctx;
}

function loadForm(ctx) {
  vm.runInContext(fs.readFileSync(input.formJs, 'utf8'), ctx, {filename: 'sm2-form.js'});
}

function attempt(fn) {
  try { return {ok: true, value: fn()}; } catch (e) { return {ok: false, error: String(e && e.message)}; }
}

// ---- a minimal DOM: elements with attributes, querySelector(All) for 'tag', '[attr]', 'tag[attr]'
class Element {
  constructor(tag, attrs, children) {
    this.tagName = tag.toUpperCase();
    this.attrs = Object.assign({}, attrs || {});
    this.children = children || [];
    this.value = this.attrs.value || '';
    this.textContent = '';
  }
  getAttribute(n) { return Object.prototype.hasOwnProperty.call(this.attrs, n) ? this.attrs[n] : null; }
  hasAttribute(n) { return Object.prototype.hasOwnProperty.call(this.attrs, n); }
  setAttribute(n, v) { this.attrs[n] = String(v); }
  removeAttribute(n) { delete this.attrs[n]; }
  descendants() { return this.children.reduce((a, c) => a.concat([c], c.descendants()), []); }
  querySelectorAll(sel) {
    const m = /^([a-z]*)(?:\[([a-z0-9-]+)\])?$/.exec(sel);
    if (!m) throw new Error('fake DOM: unsupported selector ' + sel);
    return this.descendants().filter(
      (e) => (!m[1] || e.tagName === m[1].toUpperCase()) && (!m[2] || e.hasAttribute(m[2])));
  }
  querySelector(sel) { return this.querySelectorAll(sel)[0] || null; }
}
const el = (tag, attrs, children) => new Element(tag, attrs, children);

function page(form) {
  const listeners = [];
  const root = el('body', {}, [form]);
  const doc = {
    readyState: 'complete',
    addEventListener(type, fn, capture) { listeners.push({type, fn, capture}); },
    querySelectorAll: (s) => root.querySelectorAll(s),
    querySelector: (s) => root.querySelector(s),
  };
  const submit = () => {
    const ev = {type: 'submit', target: form, prevented: false, stopped: false,
      preventDefault() { this.prevented = true; }, stopImmediatePropagation() { this.stopped = true; }};
    for (const l of listeners) if (l.type === 'submit') l.fn(ev);
    return ev;
  };
  return {doc, listeners, submit};
}

function loginForm(publicKey, challenge, password) {
  return el('form', {method: 'post', 'data-sm2-public': publicKey, 'data-sm2-challenge': challenge}, [
    el('input', {name: 'csrf_token', type: 'hidden', value: 'csrf'}),
    el('input', {name: 'username', type: 'text', value: 'leader'}),
    // name="password" is a template mistake on purpose: sm2-form.js must strip it.
    el('input', {id: 'password', type: 'password', name: 'password', 'data-sm2-target': 'password_cipher',
                 value: password}),
    el('input', {type: 'hidden', name: 'password_cipher', value: ''}),
    el('div', {'data-sm2-error': '', hidden: ''}),
  ]);
}

function formCase(withSm2, publicKey, challenge, password) {
  const ctx = browserContext(withSm2);
  const form = loginForm(publicKey, challenge, password);
  const p = page(form);
  ctx.document = p.doc;
  loadForm(ctx);
  const named = form.querySelectorAll('input').filter((e) => e.hasAttribute('data-sm2-target'))
    .map((e) => e.getAttribute('name'));
  const ev = p.submit();
  const box = form.querySelector('[data-sm2-error]');
  return {
    listeners: p.listeners.map((l) => [l.type, !!l.capture]),
    namesAfterLoad: named,
    prevented: ev.prevented,
    cipher: form.querySelectorAll('input').filter((e) => e.getAttribute('name') === 'password_cipher')[0].value,
    errorText: box.textContent,
    errorHidden: box.hasAttribute('hidden'),
    logs: ctx.logs,
  };
}

const out = {};
{
  const ctx = browserContext(true);
  const sm2 = ctx.sm2;
  out.globals = Object.keys(ctx).filter((k) => !['crypto', 'console', 'logs', 'window', 'self'].includes(k));
  out.raw = attempt(() => sm2.doEncrypt(input.message, input.publicKey, 1));
  out.rawC1C2C3 = attempt(() => sm2.doEncrypt(input.message, input.publicKey, 0));
  out.rawUpper = attempt(() => sm2.doEncrypt(input.message, input.publicKey.toUpperCase(), 1));
  out.rawNo04 = attempt(() => sm2.doEncrypt(input.message, input.publicKey.slice(2), 1));
  loadForm(ctx);  // no document: only defines window.lvrongSm2Encrypt
  out.fn = typeof ctx.lvrongSm2Encrypt;
  out.encrypted = input.passwords.map((pw) => attempt(() => ctx.lvrongSm2Encrypt(pw, input.challenge, input.publicKey)));
  out.badKey = attempt(() => ctx.lvrongSm2Encrypt('pw', input.challenge, input.publicKey.slice(2)));
  out.badChallenge = attempt(() => ctx.lvrongSm2Encrypt('pw', '', input.publicKey));
  out.logs = ctx.logs;
}
{
  const ctx = browserContext(false);
  loadForm(ctx);
  out.noLibrary = attempt(() => ctx.lvrongSm2Encrypt('pw', input.challenge, input.publicKey));
}
{
  // The bundle refuses to load without crypto.getRandomValues rather than use a weak generator.
  const ctx = {console};
  ctx.window = ctx; ctx.self = ctx;
  vm.createContext(ctx);
  out.noWebCrypto = attempt(() => vm.runInContext(fs.readFileSync(input.vendor, 'utf8'), ctx));
}
out.formOk = formCase(true, input.publicKey, input.challenge, input.formPassword);
out.formBadKey = formCase(true, input.publicKey.slice(0, -2), input.challenge, input.formPassword);
out.formNoLibrary = formCase(false, input.publicKey, input.challenge, input.formPassword);
process.stdout.write(JSON.stringify(out));
"""


@pytest.fixture(scope="module")
def node_run(keypair, tmp_path_factory):
    node = shutil.which("node")
    if not node:
        pytest.skip("node is not on PATH: the browser-side SM2 interop tests need Node.js")
    _, public = keypair
    harness = tmp_path_factory.mktemp("sm2js") / "harness.js"
    harness.write_text(NODE_HARNESS, encoding="utf-8")
    challenge = new_challenge()
    request = {"vendor": str(VENDOR), "formJs": str(FORM_JS), "publicKey": public, "challenge": challenge,
               "message": "Pa55word!\n" + challenge, "passwords": PASSWORDS,
               "formPassword": "表单Pa55word!"}
    proc = subprocess.run([node, str(harness)], input=json.dumps(request), capture_output=True, text=True,
                          timeout=120, check=False)
    assert proc.returncode == 0, proc.stderr
    return request, json.loads(proc.stdout)


def test_vendored_bundle_ciphertext_format(keypair, node_run):
    """doEncrypt(msg, "04…", 1) is hex of x1 || y1 || C3 || C2: C1 lacks the 04 byte."""
    private, _ = keypair
    request, out = node_run
    message = request["message"].encode("utf-8")
    assert out["globals"] == ["sm2"]  # the UMD bundle defines window.sm2, not window.smCrypto
    assert out["raw"]["ok"]
    raw = out["raw"]["value"]
    assert len(raw) == 2 * (64 + 32 + len(message)) and raw == raw.lower()
    assert sm2_decrypt(private, bytes.fromhex("04" + raw)) == message
    # Mode 0 is C1 || C2 || C3: not what the server reads.
    c1c2c3 = bytes.fromhex("04" + out["rawC1C2C3"]["value"])
    c2_len = len(message)
    c1c3c2 = c1c2c3[:65] + c1c2c3[65 + c2_len:] + c1c2c3[65:65 + c2_len]
    assert sm2_decrypt(private, c1c3c2) == message
    # Public key: "04" prefix required, case does not matter.
    assert out["rawUpper"]["ok"] and sm2_decrypt(private, bytes.fromhex("04" + out["rawUpper"]["value"])) == message
    assert out["rawNo04"] == {"ok": False, "error": "Invalid public key"}
    assert out["noWebCrypto"]["ok"] is False and "getRandomValues" in out["noWebCrypto"]["error"]


def test_sm2_form_encrypt_interop(keypair, node_run):
    """window.lvrongSm2Encrypt (the call sm2-form.js makes) decrypts in Python with the session challenge."""
    private, _ = keypair
    request, out = node_run
    assert out["fn"] == "function"
    assert len(out["encrypted"]) == len(PASSWORDS)
    for password, result in zip(PASSWORDS, out["encrypted"]):
        assert result["ok"], result
        cipher = result["value"]
        assert cipher.startswith("04")
        assert len(cipher) == 2 * (97 + len(f"{password}\n{request['challenge']}".encode("utf-8")))
        assert decrypt_field(cipher, private, request["challenge"]) == password
        with pytest.raises(LoginCipherError, match=EXPIRED):
            decrypt_field(cipher, private, new_challenge())
    assert out["badKey"]["ok"] is False
    assert out["badChallenge"]["ok"] is False
    assert out["noLibrary"] == {"ok": False, "error": "SM2 library (sm-crypto) is not loaded"}
    assert out["logs"] == []


def test_sm2_form_submit_handler(keypair, node_run):
    """The submit handler fills the hidden field and lets the post go; on failure it blocks and says why."""
    private, _ = keypair
    request, out = node_run
    ok = out["formOk"]
    assert ok["listeners"] == [["submit", True]]
    assert ok["namesAfterLoad"] == [None]  # a stray name on the clear input is removed
    assert ok["prevented"] is False
    assert decrypt_field(ok["cipher"], private, request["challenge"]) == request["formPassword"]
    assert ok["errorHidden"] is True and ok["logs"] == []
    for case in (out["formBadKey"], out["formNoLibrary"]):
        assert case["prevented"] is True
        assert case["cipher"] == ""
        assert case["errorText"] == "密码加密失败，请刷新页面后重试" and case["errorHidden"] is False
        assert case["logs"] == ["LvRong: SM2 password encryption failed"]
        assert all(request["formPassword"] not in line for line in case["logs"])
