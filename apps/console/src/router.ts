import { useEffect, useState } from 'react';

/**
 * The console's few flat pages need no router library: the path under /console picks the
 * page, links push history entries, and back/forward re-render.
 */
export const PAGES = ['dashboard', 'pools', 'applications', 'identity-sources', 'users', 'roles', 'groups', 'resources', 'login-methods', 'audit', 'access-keys', 'messaging', 'security', 'webhooks', 'custom-fields', 'organizations', 'mfa', 'pipeline', 'administrators'] as const;
export type PageId = (typeof PAGES)[number];

export function pageOf(pathname: string): PageId {
  const seg = pathname.replace(/^\/console\/?/, '').split('/')[0] ?? '';
  return (PAGES as readonly string[]).includes(seg) ? (seg as PageId) : 'dashboard';
}

const listeners = new Set<() => void>();
export function navigate(to: string): void {
  history.pushState(null, '', to);
  listeners.forEach((l) => l());
}

export function usePage(): PageId {
  const [page, setPage] = useState(() => pageOf(location.pathname));
  useEffect(() => {
    const update = () => setPage(pageOf(location.pathname));
    listeners.add(update);
    addEventListener('popstate', update);
    return () => {
      listeners.delete(update);
      removeEventListener('popstate', update);
    };
  }, []);
  return page;
}
