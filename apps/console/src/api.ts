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

/** Operations whose answer the OpenAPI document leaves open (`data: unknown`). */
type OpenData<Ops extends { [K in keyof Ops]: { data: unknown } }> = { [K in keyof Ops & string]: unknown extends Ops[K]['data'] ? K : never }[keyof Ops & string];
/**
 * The arguments of one such operation, as a union of tuples: the path picks the tuple, so its query
 * or body is checked even though the caller names the answer's type (a rest parameter instead of a
 * second type parameter, which TypeScript could not infer once the first is given explicitly).
 * An error naming OpenGetArgs / OpenPostArgs on `api.get<X>('op')` means op's answer is typed:
 * drop `<X>` and use `GetData<'op'>`.
 */
type OpenGetArgs = { [K in OpenData<GetOperations>]: [path: K, params?: GetOperations[K]['query']] }[OpenData<GetOperations>];
type OpenPostArgs = { [K in OpenData<PostOperations>]: [path: K, body: PostOperations[K]['body']] }[OpenData<PostOperations>];
/**
 * A path literal that is not a generated operation. `string` itself is refused too: a widened path
 * could name a known operation and skip its check.
 */
type Unlisted<P extends string, Known extends string> = string extends P ? never : P extends Known ? never : P;

/**
 * Typed by the operation's name (generated/management-api.ts, generated from the server's OpenAPI
 * document): `api.get('list-access-key')` knows its query and its data. Every generated operation
 * is checked: a body wider than its schema (a `string` where the route takes an enum) is an error,
 * not a silent fall-through to an untyped form.
 * - An operation whose answer the document leaves open (`unknown`) may name its answer's type:
 *   `api.get<Provider>('get-sms-provider')` — the query or body is still checked.
 * - Only a route missing from the generated file (newer than it) is untyped, and must be spelled
 *   out: `api.get<Result, 'new-route'>('new-route')`; `npm run gen:console-api` then makes it typed.
 */
// The operation's own signature comes last: TypeScript explains a failed call by the last
// overload, so a wrong body is reported against the operation's schema.
interface Get {
  <T, P extends string>(path: Unlisted<P, GetName>, params?: Record<string, unknown>): Promise<T>;
  <T>(...args: OpenGetArgs): Promise<T>;
  <P extends GetName>(path: P, params?: GetOperations[P]['query']): Promise<GetOperations[P]['data']>;
}
interface Post {
  <T, P extends string>(path: Unlisted<P, PostName>, body?: unknown): Promise<T>;
  <T>(...args: OpenPostArgs): Promise<T>;
  <P extends PostName>(path: P, body: PostOperations[P]['body']): Promise<PostOperations[P]['data']>;
}

/** The answer of a generated operation (without the `null` that only accompanies errors, which throw). */
export type GetData<P extends GetName> = NonNullable<GetOperations[P]['data']>;
export type PostData<P extends PostName> = NonNullable<PostOperations[P]['data']>;
export type PostBody<P extends PostName> = PostOperations[P]['body'];

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
