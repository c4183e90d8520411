import { useEffect, useRef } from 'preact/hooks';
import type { Outcome } from './api.js';

/**
 * Connection buttons inside the embeddable element `<gatehouse-login>` (docs/login-ui.md
 * "Connections in the element"). The element's flow lives in the embedding page's memory, so the
 * provider round trip cannot take the page away: the button's form posts into a popup, and the
 * popup's last page (server: http/routes/social/pages.ts `elementFlowPage`) posts the flow's
 * outcome back — the tokens, or the step (MFA, profile completion …) the element shows next with
 * the handle it already holds — or the refusal's code.
 *
 * A message is acted on only when it comes from Gatehouse's origin AND from the popup this
 * element opened (HTML "Web messaging": check the origin, then the source), and only once. This
 * does not protect against a page script of the embedding origin itself, which can read the
 * element's tokens anyway.
 */
export function usePopupFlow(apiBase: string, onOutcome: (o: Outcome) => void, onRefusal: (code: string) => void) {
  const popup = useRef<Window | null>(null);
  const name = useRef(`gatehouse-login-${Math.random().toString(36).slice(2)}`).current;
  const origin = new URL(apiBase || '/', location.href).origin;
  const handlers = useRef({ onOutcome, onRefusal });
  handlers.current = { onOutcome, onRefusal };

  useEffect(() => {
    function onMessage(ev: MessageEvent) {
      if (ev.origin !== origin || !popup.current || ev.source !== popup.current) return;
      const d = ev.data as { event?: { source?: unknown; eventType?: unknown }; outcome?: Outcome; error?: { code?: unknown } } | null;
      if (!d || typeof d !== 'object' || d.event?.source !== 'gatehouse' || d.event.eventType !== 'loginFlow') return;
      popup.current = null;
      if (d.error && typeof d.error.code === 'string') return handlers.current.onRefusal(d.error.code);
      const o = d.outcome;
      if (o?.status === 'step' && typeof o.step === 'string') return handlers.current.onOutcome({ status: 'step', step: o.step, data: o.data && typeof o.data === 'object' ? o.data : {} });
      if (o?.status === 'complete' && o.finish?.kind === 'tokens') return handlers.current.onOutcome(o);
    }
    window.addEventListener('message', onMessage);
    return () => window.removeEventListener('message', onMessage);
  }, [origin]);

  return {
    /** The form's `target`. */
    name,
    /** Opens the popup the form then posts into (before the submit, so it is a sized popup, not a tab). */
    open() {
      popup.current = window.open('about:blank', name, 'popup=yes,width=520,height=700');
    },
  };
}
