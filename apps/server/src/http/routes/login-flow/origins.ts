import type { ApplicationDto } from '../../../services/applications/types.js';

/**
 * The web origins of an application: the origins of its http(s) sign-in and sign-out redirect
 * URIs. The embeddable element may run on these pages only (CORS and the Origin check of the
 * login API); Gatehouse's own origin (the hosted page, the demo) is always allowed.
 */
export function webOrigins(app: Pick<ApplicationDto, 'redirectUris' | 'logoutRedirectUris'>): Set<string> {
  const out = new Set<string>();
  for (const u of [...app.redirectUris, ...app.logoutRedirectUris]) {
    try {
      const url = new URL(u);
      if (url.protocol === 'https:' || url.protocol === 'http:') out.add(url.origin);
    } catch {
      /* not a URL: ignored */
    }
  }
  return out;
}
