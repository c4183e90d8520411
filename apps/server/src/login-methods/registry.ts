import { createPasswordMethod, type PasswordMethodDeps } from './password/index.js';

/** Every login method, one line each (design.md §4). */
export function createLoginMethodRegistry(deps: PasswordMethodDeps) {
  return {
    password: createPasswordMethod(deps),
  };
}
export type LoginMethodRegistry = ReturnType<typeof createLoginMethodRegistry>;
