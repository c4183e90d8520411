/**
 * The vendor's framed QR page, as the DingTalk and WeCom fakes serve it (DingTalk
 * `oauth2/auth?iframe=true`, WeCom `wwlogin/sso/login?redirect_type=top`): a page that waits for
 * the test to "scan" (`scanEmbedded`, from Node: no user gesture in the frame, as with a phone)
 * and then hands the redirect URL over the way the vendor does — DingTalk posts
 * `{ success: true, redirectUrl }` to its parent, WeCom navigates the top window.
 */
import { randomId, type FakeRequest, type FakeResponse } from './server.js';

export type EmbeddedDelivery = 'post-message' | 'top-navigation';

interface Session {
  /** Builds the redirect URL for a scan (the vendor issues the code then). */
  redirectFor(userKey: string, state?: string): string;
  results: string[];
}

export const EMBEDDED_POLL_PATH = '/__fake/embedded/';

export function embeddedPages(delivery: EmbeddedDelivery) {
  const sessions = new Map<string, Session>();
  let last: string | undefined;
  return {
    /** The framed page for a checked login request. */
    page(redirectFor: Session['redirectFor']): FakeResponse {
      const id = randomId('', 12);
      sessions.set(id, { redirectFor, results: [] });
      last = id;
      const hand = delivery === 'post-message' ? 'parent.postMessage({ success: true, redirectUrl: j.redirectUrl }, "*");' : 'window.top.location.href = j.redirectUrl;';
      const html =
        `<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><title>扫码登录</title></head><body>` +
        `<p id="qr" data-session="${id}">[QR]</p>` +
        `<script>(function poll(){fetch(${JSON.stringify(EMBEDDED_POLL_PATH + id)}).then(function(r){return r.json();}).then(function(j){if(j.redirectUrl){${hand}}setTimeout(poll,250);},function(){setTimeout(poll,500);});})();</script>` +
        `</body></html>`;
      return { text: html, contentType: 'text/html; charset=utf-8' };
    },
    /** The page's poll: the next scan's redirect URL, once. */
    poll(req: FakeRequest): FakeResponse | undefined {
      if (!req.path.startsWith(EMBEDDED_POLL_PATH)) return undefined;
      const s = sessions.get(req.path.slice(EMBEDDED_POLL_PATH.length));
      if (!s) return { status: 404, json: { error: 'no such page' } };
      const next = s.results.shift();
      return { json: next ? { redirectUrl: next } : {} };
    },
    /** The person scans the last framed page shown (`state` overrides the state in the answer: a forged one). */
    scan(userKey: string, opts: { state?: string } = {}) {
      const s = last ? sessions.get(last) : undefined;
      if (!s) throw new Error('no framed login page was shown');
      const url = s.redirectFor(userKey, opts.state);
      s.results.push(url);
      return url;
    },
    get shown() {
      return sessions.size;
    },
  };
}
