import { createDirectoryMethods, type DirectoryMethodDeps } from './directory/index.js';
import { createJitaiMethod, type JitaiMethodDeps } from './jitai/index.js';
import { createPasscodeMethod, type PasscodeMethodDeps } from './passcode/index.js';
import { createPasswordMethod, type PasswordMethodDeps } from './password/index.js';
import { createQrCodeMethod, type QrCodeMethodDeps } from './qrcode/index.js';
import { createSocialMethod, type SocialMethodDeps } from './social/index.js';
import type { LoginMethod } from './types.js';
import { createWebauthnMethod, type WebauthnMethodDeps } from './webauthn/index.js';

export interface LoginMethodDeps {
  password: PasswordMethodDeps;
  passcode: PasscodeMethodDeps;
  qrcode: QrCodeMethodDeps;
  jitai: Omit<JitaiMethodDeps, 'password'>;
  directory: DirectoryMethodDeps;
  social?: SocialMethodDeps;
  webauthn: WebauthnMethodDeps;
}

/**
 * Every login method, one line each (design.md §4). `extra` are methods the container adds
 * (tests register a test-only method this way; so will methods built from configuration).
 */
export function createLoginMethodRegistry(deps: LoginMethodDeps, extra: readonly LoginMethod<never>[] = []) {
  const password = createPasswordMethod(deps.password);
  const list: LoginMethod<never>[] = [
    password,
    createPasscodeMethod(deps.passcode),
    createQrCodeMethod(deps.qrcode),
    createJitaiMethod({ ...deps.jitai, password }),
    ...createDirectoryMethods(deps.directory),
    ...(deps.social ? [createSocialMethod(deps.social)] : []),
    createWebauthnMethod(deps.webauthn),
    ...extra,
  ] as LoginMethod<never>[];
  const byId = new Map(list.map((m) => [m.id, m]));
  const byConnection = new Map(list.filter((m) => m.connection).map((m) => [m.connection!.name, m]));
  if (byId.size !== list.length || byConnection.size !== list.filter((m) => m.connection).length) throw new Error('login methods must have unique ids and connections');
  return {
    get: (id: string): LoginMethod<never> | undefined => byId.get(id),
    byConnection: (connection: string): LoginMethod<never> | undefined => byConnection.get(connection),
    /** Connection names `/api/v3/signin` accepts, for the error that lists them. */
    connections: () => [...byConnection.keys()],
    all: (): readonly LoginMethod<never>[] => list,
  };
}
export type LoginMethodRegistry = ReturnType<typeof createLoginMethodRegistry>;
