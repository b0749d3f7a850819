/*
 * 绿容通 (LvRong): SM2-encrypt password fields in the browser before a form is posted.
 *
 * Needs the vendored sm-crypto bundle (admin/static/vendor/sm-crypto/sm2.js, which defines window.sm2)
 * to be loaded first. Plain ES5, no framework, no other script needed.
 *
 * Markup:
 *   <form method="post" data-sm2-public="04…(130 hex)" data-sm2-challenge="(server challenge)">
 *     <input type="password" data-sm2-target="password_cipher">   <- no name: never posted
 *     <input type="hidden" name="password_cipher">                 <- receives the ciphertext
 *     <div data-sm2-error hidden></div>                            <- shows the failure message
 *   </form>
 *
 * On submit every [data-sm2-target] input's value is encrypted as
 *   "04" + sm2.doEncrypt(value + "\n" + challenge, publicKey, 1)
 * i.e. hex of GB/T 32918.4-2016 C1 || C3 || C2 with C1 = 04 || x1 || y1, and written into the hidden
 * input named by data-sm2-target. If anything fails, the submit is blocked, the hidden fields are
 * emptied and "密码加密失败，请刷新页面后重试" is shown. Without JavaScript nothing is encrypted and, as the
 * clear inputs have no name, the password is not posted either (the server then rejects the empty field).
 *
 * Limits: form.submit() called from script fires no submit event and so bypasses this (use
 * form.requestSubmit()). The password is never logged.
 */
(function (root) {
  'use strict';

  var ERROR_TEXT = '密码加密失败，请刷新页面后重试';
  var PUBLIC_KEY = /^04[0-9a-fA-F]{128}$/;
  var CHALLENGE = /^[0-9A-Za-z_-]{16,128}$/;
  var HEX = /^[0-9a-f]+$/;

  function sm2Library() {
    var lib = root.sm2;
    if (lib && typeof lib.doEncrypt === 'function') return lib;
    lib = root.smCrypto && root.smCrypto.sm2;
    if (lib && typeof lib.doEncrypt === 'function') return lib;
    return null;
  }

  /**
   * Hex ciphertext of value + "\n" + challenge under publicKey ("04" + x + y): "04" || x1 || y1 || C3 || C2.
   * Throws on a missing library, a malformed key or challenge, or an unexpected library output.
   */
  function lvrongSm2Encrypt(value, challenge, publicKey) {
    var lib = sm2Library();
    if (!lib) throw new Error('SM2 library (sm-crypto) is not loaded');
    if (typeof value !== 'string') throw new Error('value must be a string');
    if (typeof challenge !== 'string' || !CHALLENGE.test(challenge)) throw new Error('malformed challenge');
    if (typeof publicKey !== 'string' || !PUBLIC_KEY.test(publicKey)) throw new Error('malformed public key');
    var body = lib.doEncrypt(value + '\n' + challenge, publicKey, 1);
    // sm-crypto returns x1 || y1 || C3 || C2 without the 04 byte of C1: 128 + 64 + 2 * len(message) digits.
    if (typeof body !== 'string' || body.length < 128 + 64 + 2 * (challenge.length + 1) ||
        body.length % 2 !== 0 || !HEX.test(body)) {
      throw new Error('unexpected SM2 ciphertext');
    }
    return '04' + body;
  }

  function elementsOf(form, selector) {
    var list = form.querySelectorAll(selector);
    var out = [];
    for (var i = 0; i < list.length; i++) out.push(list[i]);
    return out;
  }

  function hiddenField(form, name) {
    var inputs = elementsOf(form, 'input');
    for (var i = 0; i < inputs.length; i++) {
      var type = (inputs[i].getAttribute('type') || '').toLowerCase();
      if (type === 'hidden' && inputs[i].getAttribute('name') === name) return inputs[i];
    }
    return null;
  }

  // A clear-text input must never be posted, even if a template gives it a name by mistake.
  function stripNames(form) {
    var sources = elementsOf(form, '[data-sm2-target]');
    for (var i = 0; i < sources.length; i++) {
      if (sources[i].hasAttribute('name')) sources[i].removeAttribute('name');
    }
    return sources;
  }

  function showError(form, text) {
    var box = form.querySelector('[data-sm2-error]');
    if (!box) {
      if (text && root.alert) root.alert(text);
      return;
    }
    box.textContent = text;
    if (text) {
      box.removeAttribute('hidden');
      box.setAttribute('role', 'alert');
    } else {
      box.setAttribute('hidden', '');
    }
  }

  /** Fill the hidden cipher fields of one form; true when all of them were filled. */
  function encryptForm(form) {
    var targets = [];
    try {
      var publicKey = form.getAttribute('data-sm2-public') || '';
      var challenge = form.getAttribute('data-sm2-challenge') || '';
      var sources = stripNames(form);
      if (!sources.length) throw new Error('no [data-sm2-target] input');
      for (var i = 0; i < sources.length; i++) {
        var target = hiddenField(form, sources[i].getAttribute('data-sm2-target') || '');
        if (!target) throw new Error('no hidden input for a [data-sm2-target]');
        targets.push(target);
        target.value = lvrongSm2Encrypt(String(sources[i].value), challenge, publicKey);
      }
    } catch (e) {
      for (var j = 0; j < targets.length; j++) targets[j].value = '';
      showError(form, ERROR_TEXT);
      if (root.console && root.console.error) root.console.error('LvRong: SM2 password encryption failed');
      return false;
    }
    showError(form, '');
    return true;
  }

  function onSubmit(event) {
    var form = event.target;
    if (!form || !form.getAttribute || !form.hasAttribute('data-sm2-public')) return;
    if (!encryptForm(form)) {
      event.preventDefault();
      if (event.stopImmediatePropagation) event.stopImmediatePropagation();
    }
  }

  function stripAll() {
    var forms = elementsOf(root.document, 'form[data-sm2-public]');
    for (var i = 0; i < forms.length; i++) stripNames(forms[i]);
  }

  root.lvrongSm2Encrypt = lvrongSm2Encrypt;

  var doc = root.document;
  if (doc && doc.addEventListener) {
    // Capture phase on the document: runs before any handler of the form itself and also covers forms
    // added to the page later.
    doc.addEventListener('submit', onSubmit, true);
    if (doc.readyState === 'loading') doc.addEventListener('DOMContentLoaded', stripAll);
    else stripAll();
  }
}(typeof window !== 'undefined' ? window : this));
