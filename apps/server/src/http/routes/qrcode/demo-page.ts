/**
 * The QR-login demo page (issue #6): shows the code, polls, and signs the user in, using only
 * the public V3 endpoints a real web app would call. Pure template; the route adds headers.
 * Values reach the script as JSON with `<` escaped, so nothing from the query can close the tag.
 */
const json = (v: unknown) => JSON.stringify(v).replace(/</g, '\\u003c');

export function demoPage(opts: { appId: string; nonce: string }): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>Gatehouse — QR-code login demo</title>
<style nonce="${opts.nonce}">
body{font-family:system-ui,sans-serif;max-width:46rem;margin:2rem auto;padding:0 1rem;color:#222}
#qr img{width:240px;height:240px;border:1px solid #ddd}#status{font-weight:600}pre{background:#f5f5f5;padding:.75rem;overflow:auto;font-size:.8rem}
</style></head><body>
<h1>QR-code login demo</h1>
<form id="pick"><label>Application ID <input id="appId" name="appId" size="30"></label> <button>Show QR code</button></form>
<div id="qr"></div><p>Status: <span id="status">—</span> <span id="who"></span></p>
<p><button id="again" hidden>New QR code</button></p>
<div id="result"></div>
<h2>Phone side</h2>
<p>A signed-in app user scans the code (its JSON payload holds <code>random</code>) and calls, with the user's access token:</p>
<pre id="phone">(generate a code first)</pre>
<script nonce="${opts.nonce}">
const appId = ${json(opts.appId)};
const $ = (id) => document.getElementById(id);
$('appId').value = appId;
const api = (path, init = {}) => fetch(path, { ...init, headers: { 'content-type': 'application/json', 'x-authing-app-id': $('appId').value, ...(init.headers || {}) } }).then((r) => r.json());
let timer;
function show(text) { $('status').textContent = text; }
async function start() {
  clearInterval(timer); $('result').textContent = ''; $('who').textContent = ''; $('again').hidden = true;
  const r = await api('/api/v3/gene-qrcode', { method: 'POST', body: JSON.stringify({ type: 'MOBILE_APP' }) });
  if (r.statusCode !== 200) { show(r.message); return; }
  const id = r.data.qrcodeId;
  $('qr').innerHTML = '';
  const img = document.createElement('img'); img.alt = 'QR code'; img.src = '/qrcode/' + encodeURIComponent(id) + '.svg'; $('qr').appendChild(img);
  $('phone').textContent = ['SCAN', 'CONFIRM'].map((a) => "curl -s -X POST " + location.origin + "/api/v3/change-qrcode-status -H 'content-type: application/json' -H 'x-authing-app-id: " + $('appId').value + "' -H 'authorization: Bearer $ACCESS_TOKEN' -d '{\\"qrcodeId\\":\\"" + id + "\\",\\"action\\":\\"" + a + "\\"}'").join('\\n');
  show('PENDING — scan with the app');
  timer = setInterval(() => poll(id), 1000);
}
async function poll(id) {
  const r = await api('/api/v3/get-qrcode-status?qrcodeId=' + encodeURIComponent(id));
  if (r.statusCode !== 200) { clearInterval(timer); show(r.message); $('again').hidden = false; return; }
  const d = r.data; show(d.status);
  if (d.briefUserInfo) $('who').textContent = '(scanned by ' + (d.briefUserInfo.displayName || 'a user') + ')';
  if (d.status === 'EXPIRED' || d.status === 'CANCELLED') { clearInterval(timer); $('again').hidden = false; }
  if (d.status === 'AUTHORIZED') { clearInterval(timer); await signIn(d); }
}
async function signIn(d) {
  let tokens = d.tokenSet;
  if (!tokens && d.ticket) {
    const r = await api('/api/v3/exchange-tokenset-with-qrcode-ticket', { method: 'POST', body: JSON.stringify({ ticket: d.ticket }) });
    if (r.statusCode === 200) tokens = r.data;
    else { $('result').textContent = r.message + ' Your backend exchanges this ticket with the app secret: ' + d.ticket; return; }
  }
  if (!tokens) return;
  const claims = JSON.parse(atob(tokens.id_token.split('.')[1].replace(/-/g, '+').replace(/_/g, '/')));
  const pre = document.createElement('pre'); pre.textContent = JSON.stringify(claims, null, 2);
  $('result').textContent = 'Signed in as ' + (claims.name || claims.nickname || claims.email || claims.sub) + '. ID token claims:'; $('result').appendChild(pre);
}
$('pick').addEventListener('submit', (e) => { e.preventDefault(); start(); });
$('again').addEventListener('click', start);
if (appId) start();
</script></body></html>`;
}
