import { Type, type Static } from '@sinclair/typebox';
import type { Container } from '../../src/container/index.js';
import type { PolicyStep } from '../../src/flows/engine/types.js';
import { counterKey } from '../../src/login-methods/counter-keys.js';
import type { LoginMethod, MethodOutcome } from '../../src/login-methods/types.js';

/**
 * A login method that exists only in tests: an email and a fixed PIN. It shows that adding a way
 * in is one object satisfying `LoginMethod` plus registering it — the engine gives it lockout,
 * captcha, history, events and tokens, and the hosted login a tab with its form.
 */
export const TEST_PIN = '246813';
const Input = Type.Object({ email: Type.String({ minLength: 3, maxLength: 320 }), pin: Type.String({ minLength: 1, maxLength: 12 }) }, { additionalProperties: false });
type Input = Static<typeof Input>;

export function testPinMethod(container: () => Container) {
  return {
    id: 'test-pin',
    connection: { name: 'TEST_PIN', payloadField: 'testPinPayload' },
    factor: 'knowledge',
    amr: ['pin'],
    inputSchema: Input,
    errors: ['auth.invalid_credentials'],
    guarded: true,
    describe: () => ({
      id: 'test-pin',
      factor: 'knowledge' as const,
      amr: ['pin'],
      label: { en: 'PIN', zh: 'PIN 码' },
      fields: [
        { name: 'email', type: 'email' as const, label: { en: 'Email', zh: '邮箱' } },
        { name: 'pin', type: 'password' as const, label: { en: 'PIN', zh: 'PIN 码' } },
      ],
    }),
    async identify(ctx, input: Input) {
      const email = input.email.trim().toLowerCase();
      return { user: (await container().repos.users.findBy(ctx.poolId, 'email', email)) ?? null, keys: [counterKey(email)] };
    },
    async verify(_ctx, input: Input, { user }): Promise<MethodOutcome> {
      if (!user || input.pin !== TEST_PIN) return { status: 'failed', error: user ? 'user.wrong_password' : 'user.not_found', countsAsFailure: true };
      return { status: 'authenticated', user, amr: ['pin'] };
    },
  } satisfies LoginMethod<Input>;
}

/** A policy step that asks every `needs-step@` user for a word before the sign-in finishes. */
export function testWordStep(container: () => Container): PolicyStep {
  return {
    id: 'test-word',
    async run(flow) {
      const user = await container().repos.users.findById(flow.poolId, flow.userId);
      if (!user?.email?.startsWith('needs-step@')) return { status: 'done' };
      return { status: 'challenge', error: 'flow.step_required', data: { hint: 'say the word' } };
    },
    async answer(_flow, input) {
      if ((input as { word?: string }).word !== 'open sesame') throw new (await import('../../src/errors/app-error.js')).AppError('auth.invalid_credentials');
      return { status: 'done', amr: ['word'] };
    },
  };
}
