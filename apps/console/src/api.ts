import { currentSession } from './auth';
import type { GetOperations, PostOperations } from './generated/management-api';

/**
 * The management API with the administrator's access token (the server's second scheme next to
 * the vendor signature; same handlers, same validation messages). `x-authing-userpool-id` names
 * the pool to act on; `x-authing-lang` picks the language of error messages.
 */
export class ApiError extends Error {
  constructor(
    message: string,
    readonly apiCode: number | undefined,
    readonly statusCode: number,
    readonly details: Array<{ path?: string; message?: string }> = [],
  ) {
    super(message);
  }
}

let pool = '';
let lang: 'en-US' | 'zh-CN' = 'en-US';
let onSessionEnded: () => void = () => undefined;

export const setApiPool = (p: string) => {
  pool = p;
};
export const setApiLang = (l: 'en' | 'zh-CN') => {
  lang = l === 'zh-CN' ? 'zh-CN' : 'en-US';
};
export const setOnSessionEnded = (f: () => void) => {
  onSessionEnded = f;
};

function headers(json: boolean): Record<string, string> {
  const s = currentSession();
  return {
    ...(s ? { authorization: `Bearer ${s.accessToken}` } : {}),
    ...(pool ? { 'x-authing-userpool-id': pool } : {}),
    'x-authing-lang': lang,
    ...(json ? { 'content-type': 'application/json' } : {}),
  };
}

const query = (params?: Record<string, unknown>) => {
  if (!params) return '';
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== '' && v !== null) q.set(k, String(v));
  const s = q.toString();
  return s ? `?${s}` : '';
};

async function call<T>(method: 'GET' | 'POST', path: string, body?: unknown, params?: Record<string, unknown>): Promise<T> {
  const res = await fetch(`/api/v3/${path}${query(params)}`, { method, headers: headers(method === 'POST'), ...(method === 'POST' ? { body: JSON.stringify(body ?? {}) } : {}) });
  const env = (await res.json().catch(() => ({ statusCode: res.status, message: `HTTP ${res.status}` }))) as { statusCode: number; message: string; apiCode?: number; data: T; details?: ApiError['details'] };
  if (env.statusCode !== 200) {
    if (env.apiCode === 7500001) onSessionEnded();
    // The /api/v3 message already names each invalid field (the server's validation messages).
    throw new ApiError(env.message, env.apiCode, env.statusCode, env.details);
  }
  return env.data;
}

type GetName = keyof GetOperations & string;
type PostName = keyof PostOperations & string;

/**
 * Typed by the operation's name (generated/management-api.ts, generated from the server's OpenAPI
 * document): `api.get('list-access-key')` knows its query and its data. The second form, with an
 * explicit result type and any path, is for data the document leaves untyped (`unknown`) and for
 * routes newer than the generated file.
 */
interface Get {
  <P extends GetName>(path: P, params?: GetOperations[P]['query']): Promise<GetOperations[P]['data']>;
  <T>(path: string, params?: Record<string, unknown>): Promise<T>;
}
interface Post {
  <P extends PostName>(path: P, body: PostOperations[P]['body']): Promise<PostOperations[P]['data']>;
  <T>(path: string, body?: unknown): Promise<T>;
}

export const api = {
  get: ((path: string, params?: Record<string, unknown>) => call('GET', path, undefined, params)) as Get,
  post: ((path: string, body?: unknown) => call('POST', path, body)) as Post,
  /** A text download (CSV) with the same credentials. */
  async download(path: string, params?: Record<string, unknown>): Promise<Blob> {
    const res = await fetch(`/api/v3/${path}${query(params)}`, { headers: headers(false) });
    if (!res.ok || !(res.headers.get('content-type') ?? '').startsWith('text/csv')) throw new ApiError(`HTTP ${res.status}`, undefined, res.status);
    return res.blob();
  },
};

export interface Page<T> {
  list: T[];
  totalCount: number;
}
