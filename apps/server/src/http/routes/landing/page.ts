import { esc, type Lang } from '../../../oidc/pages.js';

/**
 * The landing page at `/`: what this server is, its version and where to go next. Public
 * information only (no pool ids, keys or counts). Same look as the hosted login.
 */
const TEXT = {
  en: {
    title: 'Gatehouse',
    lead: 'A self-hosted identity and authentication server, compatible with the GenAuth/Authing V3 API.',
    version: 'Version',
    login: 'Sign-in (OpenID Connect)',
    loginHint: 'Your applications send users to the hosted login through the authorization endpoint; the discovery document lists every endpoint.',
    docs: 'API reference',
    docsHint: 'Every endpoint, with a form to sign and send management requests.',
    console: 'Admin console',
    consoleSoon: 'Coming soon. Until then, use the CLI (npx gatehouse --help) or the management API.',
    health: 'Health',
    healthHint: 'Liveness and readiness probes.',
    qr: 'QR-code login demo',
    start: 'New here? Follow docs/getting-started.md in the source tree: from an empty database to a signed-in user in a few minutes.',
  },
  zh: {
    title: 'Gatehouse',
    lead: '自托管的身份认证服务器，兼容 GenAuth/Authing V3 API。',
    version: '版本',
    login: '登录（OpenID Connect）',
    loginHint: '你的应用通过授权端点把用户带到托管登录页；发现文档列出了所有端点。',
    docs: 'API 参考',
    docsHint: '所有接口，并可在页面中签名并发送管理请求。',
    console: '管理控制台',
    consoleSoon: '即将推出。在此之前请使用命令行（npx gatehouse --help）或管理 API。',
    health: '健康检查',
    healthHint: '存活与就绪探针。',
    qr: '扫码登录演示',
    start: '第一次使用？请按源码中的 docs/getting-started.md 操作：几分钟内从空数据库到用户登录成功。',
  },
} as const;

const CSS = `
*{box-sizing:border-box}html{font-family:system-ui,-apple-system,"Segoe UI","PingFang SC","Microsoft YaHei",sans-serif;color:#1c2333;background:#f3f5f9}
body{margin:0;min-height:100vh;display:flex;align-items:center;justify-content:center;padding:16px}
main{width:100%;max-width:560px;background:#fff;border-radius:12px;box-shadow:0 2px 12px rgba(20,30,60,.08);padding:32px 28px}
header{display:flex;align-items:center;gap:12px;margin-bottom:8px}h1{font-size:1.5rem;margin:0}svg{flex:none}
p{line-height:1.5;margin:0 0 16px;color:#4a5468}dl{margin:0}dt{font-weight:600;margin-top:16px}dd{margin:4px 0 0;color:#4a5468;line-height:1.5;overflow-wrap:anywhere}
a{color:#2456d3}a:focus{outline:3px solid #7aa7ff;outline-offset:1px}code{font-family:ui-monospace,monospace;background:#f0f2f7;padding:2px 6px;border-radius:4px}
.version{font-size:.9rem;color:#4a5468}
@media (prefers-color-scheme:dark){html{background:#12151c;color:#e7eaf0}main{background:#1b2029;box-shadow:none}p,dd,.version{color:#aab2c2}a{color:#8fb0ff}code{background:#2a3140}}
`;

/** The Gatehouse mark: a gate arch. Shared by the landing page and the API reference. */
export const LOGO_SVG =
  '<svg width="40" height="40" viewBox="0 0 40 40" role="img" aria-label="Gatehouse logo"><rect width="40" height="40" rx="9" fill="#2456d3"/><path d="M11 31V17a9 9 0 0 1 18 0v14h-5V18a4 4 0 0 0-8 0v13z" fill="#fff"/></svg>';

export interface LandingInfo {
  version: string;
  consoleUrl: string | null;
}

export function landingPage(lang: Lang, info: LandingInfo): string {
  const t = TEXT[lang];
  const link = (href: string, text: string) => `<a href="${esc(href)}">${esc(text)}</a>`;
  const items: Array<[string, string]> = [
    [t.login, `${link('/oidc/.well-known/openid-configuration', '/oidc/.well-known/openid-configuration')} · <code>/oidc/auth</code><br>${esc(t.loginHint)}`],
    [t.docs, `${link('/docs', '/docs')} · ${link('/openapi.json', '/openapi.json')}<br>${esc(t.docsHint)}`],
    [t.console, info.consoleUrl ? link(info.consoleUrl, info.consoleUrl) : esc(t.consoleSoon)],
    [t.health, `${link('/health/live', '/health/live')} · ${link('/health/ready', '/health/ready')}<br>${esc(t.healthHint)}`],
    [t.qr, link('/demo/qrcode', '/demo/qrcode')],
  ];
  return `<!doctype html><html lang="${lang === 'zh' ? 'zh-CN' : 'en'}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1"><title>${esc(t.title)}</title><style>${CSS}</style></head><body><main>
<header>${LOGO_SVG}<h1>${esc(t.title)}</h1></header>
<p>${esc(t.lead)}</p><p class="version">${esc(t.version)} ${esc(info.version)}</p>
<dl>${items.map(([k, v]) => `<dt>${esc(k)}</dt><dd>${v}</dd>`).join('')}</dl>
<p style="margin-top:24px">${esc(t.start)}</p>
</main></body></html>`;
}
