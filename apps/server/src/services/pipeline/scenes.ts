/**
 * Where functions run (vendor `CreatePipelineFunctionDto.scene`). Each is a point of the sign-in
 * engine (docs/pipeline.md, "Scenes"); the SDK enum also lists `POST_MFA_VERIFY`, accepted and
 * stored for compatibility.
 */
export const SCENES = [
  'PRE_REGISTER',
  'POST_REGISTER',
  'PRE_AUTHENTICATION',
  'POST_AUTHENTICATION',
  'PRE_OIDC_ID_TOKEN_ISSUED',
  'PRE_OIDC_ACCESS_TOKEN_ISSUED',
  'PRE_COMPLETE_USER_INFO',
  'PRE_MFA_VERIFY',
  'POST_MFA_VERIFY',
] as const;
export type Scene = (typeof SCENES)[number];

export const isScene = (s: unknown): s is Scene => typeof s === 'string' && (SCENES as readonly string[]).includes(s);

/** Limits of a function (vendor: timeout 1–60 s, default 3 s). */
export const LIMITS = {
  minTimeout: 1,
  maxTimeout: 60,
  defaultTimeout: 3,
  functionsPerScene: 20,
  sourceBytes: 64 * 1024,
  /** Heap of a pool's isolate. */
  memoryMb: 64,
  /** The message of a refusal shown to the user. */
  messageChars: 200,
  /** Console output kept per run. */
  outputChars: 4096,
  allowListHosts: 20,
  /** A test run's sample user and context, as JSON. */
  sampleChars: 16 * 1024,
} as const;
