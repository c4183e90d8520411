import type { Lang } from '../../../oidc/pages.js';

/**
 * The QR-login demo page: shows the code, polls, and signs the user in, using only the public V3
 * endpoints a real web app would call; beside it, the commands that play the phone (sign a user
 * in to get an access token, then scan and confirm), ready to copy into a shell. Pure template;
 * the route adds headers (a nonce CSP). Values reach the script as JSON with `<` escaped, so
 * nothing from the query can close the tag.
 */
const json = (v: unknown) => JSON.stringify(v).replace(/</g, '\\u003c');

const STRINGS = {
  en: {
    title: 'QR-code login demo',
    lead: 'A web page shows a QR code; a signed-in user of your mobile app scans it and confirms; this page is signed in.',
    appId: 'Application ID',
    show: 'Show QR code',
    status: 'Status',
    again: 'New QR code',
    phone: 'Play the phone from a shell',
    phoneLead: 'Your mobile app calls these with its user\u2019s access token. To try it without an app, copy the commands into a terminal, one after the other:',
    step1: '1. Sign a user in (as your app would) and keep the access token. Use an existing user and, if the application authenticates with a secret, its secret:',
    step2: '2. Scan, then confirm:',
    pending: 'Waiting for a scan',
    exchange: 'The browser may not exchange the ticket here; your backend exchanges it with the application secret. Ticket:',
    qrAlt: 'QR code to scan with the mobile app',
    first: 'Generate a code first.',
  },
  zh: {
    title: '扫码登录演示',
    lead: '网页显示二维码，移动应用中已登录的用户扫码并确认，本页面随即完成登录。',
    appId: '应用 ID',
    show: '显示二维码',
    status: '状态',
    again: '重新生成二维码',
    phone: '在命令行中模拟手机',
    phoneLead: '移动应用会携带其用户的 access token 调用以下接口。没有应用时，可将下面的命令依次复制到终端执行：',
    step1: '1. 先让一个用户登录（与应用的做法相同）并保存 access token。请使用已有用户；如果应用使用密钥认证，还需填写应用密钥：',
    step2: '2. 扫码，然后确认：',
    pending: '等待扫码',
    exchange: '浏览器在此不能换取 ticket，请由后端使用应用密钥换取。Ticket：',
    qrAlt: '用移动应用扫描的二维码',
    first: '请先生成二维码。',
  },
} as const;

const CSS = `
*{box-sizing:border-box}html{font-family:system-ui,-apple-system,"Segoe UI","PingFang SC","Microsoft YaHei",sans-serif;color:#1c2333;background:#f3f5f9}
body{margin:0;padding:16px;display:flex;justify-content:center}main{width:100%;max-width:720px;background:#fff;border-radius:12px;box-shadow:0 2px 12px rgba(20,30,60,.08);padding:28px 24px}
h1{font-size:1.4rem;margin:0 0 8px}h2{font-size:1.1rem;margin:28px 0 8px}p{line-height:1.5;margin:0 0 12px;color:#4a5468}
label{display:block;font-weight:600;margin:12px 0 6px}input{width:100%;padding:11px 12px;font-size:1rem;border:1px solid #b8c0d0;border-radius:8px;font-family:ui-monospace,monospace}
button{margin-top:12px;padding:11px 16px;font-size:1rem;font-weight:600;border:0;border-radius:8px;background:#2456d3;color:#fff;cursor:pointer}button.secondary{background:#e8ecf4;color:#1c2333}
input:focus,button:focus{outline:3px solid #7aa7ff;outline-offset:1px}
#qr img{width:220px;height:220px;max-width:100%;border:1px solid #d6dbe6;border-radius:8px;margin-top:16px;background:#fff}
#status{font-weight:600}pre{background:#f0f2f7;padding:12px;border-radius:8px;overflow-x:auto;white-space:pre-wrap;word-break:break-all;font-size:.8rem;line-height:1.45}
@media (prefers-color-scheme:dark){html{background:#12151c;color:#e7eaf0}main{background:#1b2029;box-shadow:none}p{color:#aab2c2}input{background:#12151c;color:#e7eaf0;border-color:#3a4252}pre{background:#2a3140;color:#e7eaf0}button.secondary{background:#2a3140;color:#e7eaf0}}
`;

export function demoPage(opts: { appId: string; nonce: string; lang: Lang }): string {
  const t = STRINGS[opts.lang];
  return `<!doctype html>
<html lang="${opts.lang === 'zh' ? 'zh-CN' : 'en'}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>Gatehouse — ${t.title}</title><style nonce="${opts.nonce}">${CSS}</style></head><body><main>
<h1>${t.title}</h1><p>${t.lead}</p>
<form id="pick"><label for="appId">${t.appId}</label><input id="appId" name="appId" autocomplete="off" spellcheck="false"><button>${t.show}</button></form>
<div id="qr"></div><p>${t.status}: <span id="status" role="status">—</span> <span id="who"></span></p>
<p><button id="again" class="secondary" hidden>${t.again}</button></p>
<div id="result" aria-live="polite"></div>
<h2>${t.phone}</h2><p>${t.phoneLead}</p>
<p>${t.step1}</p><pre id="token">${t.first}</pre>
<p>${t.step2}</p><pre id="phone">${t.first}</pre>
<script nonce="${opts.nonce}">
const appId = ${json(opts.appId)};
const T = ${json(t)};
const scannedBy = ${opts.lang === 'zh' ? "(w) => '已被 ' + w + ' 扫描'" : "(w) => 'Scanned by ' + w"};
const signedIn = ${opts.lang === 'zh' ? "(w) => '已登录：' + w + '。ID Token 内容：'" : "(w) => 'Signed in as ' + w + '. ID token claims:'"};
const $ = (id) => document.getElementById(id);
$('appId').value = appId;
const api = (path, init = {}) => fetch(path, { ...init, headers: { 'content-type': 'application/json', 'x-authing-app-id': $('appId').value, ...(init.headers || {}) } }).then((r) => r.json());
let timer;
function show(text) { $('status').textContent = text; }
// Shell-safe single quoting for a value the page puts into a command.
const q = (s) => "'" + String(s).replace(/'/g, "'\\\\''") + "'";
function commands(id) {
  const app = $('appId').value, base = location.origin;
  $('token').textContent =
    'ACCOUNT=ada@example.com PASSWORD=' + q('correct horse battery staple') + ' APP_SECRET=' + q('your-app-secret') + '\\n' +
    'export ACCESS_TOKEN="$(curl -s -X POST ' + base + '/api/v3/signin -H ' + q('content-type: application/json') + ' -H ' + q('x-authing-app-id: ' + app) +
    ' -d "$(node -e ' + q("console.log(JSON.stringify({connection:'PASSWORD',passwordPayload:{account:process.argv[1],password:process.argv[2]},client_id:" + JSON.stringify(app) + ",client_secret:process.argv[3]}))") + ' "$ACCOUNT" "$PASSWORD" "$APP_SECRET")"' +
    ' | node -pe ' + q("JSON.parse(require('fs').readFileSync(0,'utf8')).data.access_token") + ')"';
  $('phone').textContent = ['SCAN', 'CONFIRM'].map((a) => 'curl -s -X POST ' + base + '/api/v3/change-qrcode-status -H ' + q('content-type: application/json') + ' -H ' + q('x-authing-app-id: ' + app) + ' -H "authorization: Bearer $ACCESS_TOKEN" -d ' + q(JSON.stringify({ qrcodeId: id, action: a }))).join('\\n');
}
async function start() {
  clearInterval(timer); $('result').textContent = ''; $('who').textContent = ''; $('again').hidden = true;
  const r = await api('/api/v3/gene-qrcode', { method: 'POST', body: JSON.stringify({ type: 'MOBILE_APP' }) });
  if (r.statusCode !== 200) { show(r.message); return; }
  const id = r.data.qrcodeId;
  $('qr').innerHTML = '';
  const img = document.createElement('img'); img.alt = T.qrAlt; img.src = '/qrcode/' + encodeURIComponent(id) + '.svg'; $('qr').appendChild(img);
  commands(id);
  show(T.pending);
  timer = setInterval(() => poll(id), 1000);
}
async function poll(id) {
  const r = await api('/api/v3/get-qrcode-status?qrcodeId=' + encodeURIComponent(id));
  if (r.statusCode !== 200) { clearInterval(timer); show(r.message); $('again').hidden = false; return; }
  const d = r.data; show(d.status);
  if (d.briefUserInfo) $('who').textContent = '(' + scannedBy(d.briefUserInfo.displayName || '—') + ')';
  if (d.status === 'EXPIRED' || d.status === 'CANCELLED') { clearInterval(timer); $('again').hidden = false; }
  if (d.status === 'AUTHORIZED') { clearInterval(timer); await signIn(d); }
}
async function signIn(d) {
  let tokens = d.tokenSet;
  if (!tokens && d.ticket) {
    const r = await api('/api/v3/exchange-tokenset-with-qrcode-ticket', { method: 'POST', body: JSON.stringify({ ticket: d.ticket }) });
    if (r.statusCode === 200) tokens = r.data;
    else { $('result').textContent = T.exchange + ' ' + d.ticket; return; }
  }
  if (!tokens) return;
  const claims = JSON.parse(atob(tokens.id_token.split('.')[1].replace(/-/g, '+').replace(/_/g, '/')));
  const pre = document.createElement('pre'); pre.textContent = JSON.stringify(claims, null, 2);
  $('result').textContent = signedIn(claims.name || claims.nickname || claims.email || claims.sub); $('result').appendChild(pre);
}
$('pick').addEventListener('submit', (e) => { e.preventDefault(); start(); });
$('again').addEventListener('click', start);
if (appId) start();
</script></main></body></html>`;
}
