import { useEffect, useRef, useState } from 'preact/hooks';
import type { Connection } from './api.js';
import { fmt, type Strings } from './i18n.js';

/**
 * A vendor's QR page framed inside the login page (DingTalk's DTFrameLogin page, WeCom's login
 * panel; server: flows/social/round-trip.ts `startEmbeddedFromLoginUi`). No vendor script is
 * loaded: the page asks Gatehouse for the frame's URL (with this flow's single-use state), draws
 * the iframe, and the page's CSP `frame-src` names only that vendor origin.
 *
 * - `post-message` (DingTalk): the frame posts `{ success, redirectUrl }`. Only a message from the
 *   frame's own window at exactly the vendor origin, carrying this round trip's state, is acted
 *   on, and the browser goes to Gatehouse's own callback URL (never to a URL from the message).
 * - `top-navigation` (WeCom, `redirect_type=top`): the frame navigates this window to the callback
 *   itself; `sandbox` grants it top navigation (nothing else outside its frame).
 *
 * Either way the callback checks the state against this browser, as after a redirect.
 */
export interface EmbedStart {
  url: string;
  origin: string;
  state: string;
  callbackUrl: string;
  delivery: 'post-message' | 'top-navigation';
  width: number;
  height: number;
}

const SANDBOX = 'allow-scripts allow-same-origin allow-forms';

export function EmbedPanel({ conn, name, t, flow, csrf }: { conn: Connection; name: string; t: Strings; flow: string; csrf: string }) {
  const [frame, setFrame] = useState<EmbedStart | null>(null);
  const [failed, setFailed] = useState('');
  const ref = useRef<HTMLIFrameElement>(null);

  async function start() {
    setFailed('');
    setFrame(null);
    const res = await fetch(conn.embed!.url, { method: 'POST', credentials: 'same-origin', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ flow, csrf }) }).catch(() => null);
    const body = (await res?.json().catch(() => ({}))) as Partial<EmbedStart> & { message?: string };
    // The frame must be at the origin the page's CSP allows (the one the config named).
    if (!res?.ok || !body.url || body.origin !== conn.embed!.origin || !body.state || !body.callbackUrl) return setFailed(fmt(t.embedFailed, { name }));
    setFrame(body as EmbedStart);
  }
  useEffect(() => {
    void start();
  }, [conn.id]);

  useEffect(() => {
    if (!frame || frame.delivery !== 'post-message') return;
    function onMessage(ev: MessageEvent) {
      if (!frame || ev.origin !== frame.origin || ev.source !== ref.current?.contentWindow) return;
      const d = ev.data as { success?: unknown; redirectUrl?: unknown } | null;
      if (!d || typeof d !== 'object') return;
      if (d.success !== true || typeof d.redirectUrl !== 'string') return setFailed(fmt(t.embedFailed, { name }));
      let r: URL;
      try {
        r = new URL(d.redirectUrl);
      } catch {
        return;
      }
      const code = r.searchParams.get('authCode') ?? r.searchParams.get('code');
      if (!code || r.searchParams.get('state') !== frame.state) return;
      const to = new URL(frame.callbackUrl);
      to.searchParams.set('authCode', code);
      to.searchParams.set('state', frame.state);
      window.location.assign(to.toString());
    }
    window.addEventListener('message', onMessage);
    return () => window.removeEventListener('message', onMessage);
  }, [frame]);

  return (
    <div class="gh-qr gh-embed" data-connection={conn.id}>
      {frame ? (
        <iframe
          ref={ref}
          src={frame.url}
          title={fmt(t.embedTitle, { name })}
          width={frame.width}
          height={frame.height}
          sandbox={frame.delivery === 'top-navigation' ? `${SANDBOX} allow-top-navigation` : SANDBOX}
        />
      ) : null}
      <p role="status" aria-live="polite">
        {failed || fmt(t.embedHint, { name })}
      </p>
      {failed ? (
        <button type="button" class="gh-secondary" onClick={start}>
          {t.qrRefresh}
        </button>
      ) : null}
      <form method="post" action={conn.startUrl}>
        <input type="hidden" name="flow" value={flow} />
        <input type="hidden" name="csrf" value={csrf} />
        <button type="submit" class="gh-link">
          {fmt(t.embedRedirect, { name })}
        </button>
      </form>
    </div>
  );
}

/** Phones get the redirect: a QR code on the screen of the phone that would scan it is no use. */
export const canEmbed = () => !/Android|iPhone|iPad|iPod|Mobile|HarmonyOS/i.test(navigator.userAgent);
