// Gatehouse API reference: sign "Try it out" requests in the browser with a management access key.
// The key never leaves this tab (sessionStorage); requests are signed as the vendor
// ManagementClient signs them (docs/api.md, "Request signing"): HMAC-SHA1 over the method, the
// sorted x-authing-* headers and the path with its sorted parameters. Browsers may not set the
// Date header, so x-authing-date carries the time (signed like every x-authing-* header).
(function () {
  'use strict';
  var KEY = 'gatehouse.docs.accessKey';
  function stored() {
    try { return JSON.parse(sessionStorage.getItem(KEY) || 'null'); } catch (e) { return null; }
  }
  function b64(buf) {
    var s = '', bytes = new Uint8Array(buf);
    for (var i = 0; i < bytes.length; i++) s += String.fromCharCode(bytes[i]);
    return btoa(s);
  }
  function nonce() {
    var a = new Uint8Array(16); crypto.getRandomValues(a);
    return Array.prototype.map.call(a, function (x) { return ('0' + x.toString(16)).slice(-2); }).join('');
  }
  function value(v) { return v !== null && typeof v === 'object' ? JSON.stringify(v) : String(v); }
  function resource(path, params) {
    var keys = Object.keys(params).sort(), parts = [];
    for (var i = 0; i < keys.length; i++) if (params[keys[i]] !== undefined) parts.push(keys[i] + '=' + value(params[keys[i]]));
    return keys.length ? path + '?' + parts.join('&') : path;
  }
  async function hmac(secret, text) {
    var enc = new TextEncoder();
    var k = await crypto.subtle.importKey('raw', enc.encode(secret), { name: 'HMAC', hash: 'SHA-1' }, false, ['sign']);
    return b64(await crypto.subtle.sign('HMAC', k, enc.encode(text)));
  }
  window.__gatehouseSign = async function (req) {
    var key = stored();
    var url = new URL(req.url, location.href);
    if (!key || !url.pathname.startsWith('/api/v3/')) return req;
    var method = (req.method || 'GET').toUpperCase(), params = {};
    if (method === 'GET' || method === 'HEAD') {
      url.searchParams.forEach(function (v, k) {
        if (k.slice(-2) === '[]') { k = k.slice(0, -2); (params[k] = params[k] || []).push(v); } else params[k] = v;
      });
    } else if (typeof req.body === 'string' && req.body) {
      try { var b = JSON.parse(req.body); if (b && typeof b === 'object' && !Array.isArray(b)) params = b; } catch (e) { /* not JSON: signed as no parameters */ }
    }
    var headers = req.headers || (req.headers = {});
    headers['x-authing-date'] = new Date().toUTCString();
    headers['x-authing-signature-method'] = 'HMAC-SHA1';
    headers['x-authing-signature-version'] = '1.0';
    headers['x-authing-signature-nonce'] = nonce();
    var names = Object.keys(headers).map(function (h) { return h.toLowerCase(); }).filter(function (h) { return h.indexOf('x-authing-') === 0; }).sort();
    var lower = {};
    Object.keys(headers).forEach(function (h) { lower[h.toLowerCase()] = headers[h]; });
    var text = method + '\n' + names.map(function (h) { return h + ':' + String(lower[h]).replace(/[\t\n\r\f]/g, ' ').trim() + '\n'; }).join('') + resource(url.pathname, params);
    headers.authorization = 'authing ' + key.id + ':' + (await hmac(key.secret, text));
    return req;
  };
  function bar() {
    if (document.getElementById('gh-key')) return;
    var host = document.querySelector('#swagger-ui');
    if (!host) return setTimeout(bar, 100);
    var box = document.createElement('section');
    box.id = 'gh-key';
    box.setAttribute('aria-label', 'Access key for Try it out');
    var k = stored();
    box.innerHTML =
      '<p><strong>Try it out</strong> signs management requests in this browser with an access key (kept only in this tab). ' +
      'Use a key of the pool you want to change: <code>npx gatehouse access-key create</code>.</p>' +
      '<label for="gh-key-id">Access key ID</label><input id="gh-key-id" autocomplete="off" spellcheck="false">' +
      '<label for="gh-key-secret">Access key secret</label><input id="gh-key-secret" type="password" autocomplete="off">' +
      '<button type="button" id="gh-key-use">Use this key</button> <button type="button" id="gh-key-forget">Forget</button> <span id="gh-key-state" role="status"></span>';
    host.parentNode.insertBefore(box, host);
    var state = document.getElementById('gh-key-state');
    if (k) { document.getElementById('gh-key-id').value = k.id; state.textContent = 'Signing with ' + k.id; }
    document.getElementById('gh-key-use').addEventListener('click', function () {
      var id = document.getElementById('gh-key-id').value.trim(), secret = document.getElementById('gh-key-secret').value;
      if (!id || !secret) { state.textContent = 'Enter both the ID and the secret.'; return; }
      sessionStorage.setItem(KEY, JSON.stringify({ id: id, secret: secret }));
      document.getElementById('gh-key-secret').value = '';
      state.textContent = 'Signing with ' + id;
    });
    document.getElementById('gh-key-forget').addEventListener('click', function () {
      sessionStorage.removeItem(KEY); state.textContent = 'Not signing';
    });
  }
  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', bar); else bar();
})();
