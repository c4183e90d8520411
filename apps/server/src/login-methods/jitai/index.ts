import { AppError } from '../../errors/app-error.js';
import type { PasswordMethod } from '../password/index.js';
import { passwordMethodErrors } from '../password/errors.js';
import type { Identified, LoginMethod, MethodContext, MethodOutcome } from '../types.js';
import type { LoginTypeDefinition } from './instance-schema.js';
import { JitaiSignInSchema, type JitaiSignInInput } from './schema.js';

export interface JitaiMethodDeps {
  password: PasswordMethod;
  /** The stored definition of an instance (throws login_method.not_found). */
  definition(poolId: string, name: string): Promise<LoginTypeDefinition>;
}

/**
 * A JitAi password-type instance (`auths.loginTypes.<Name>`) as a way in: the password method
 * with the instance's own settings. The element facade (`password-type.ts`) turns an MD5-mode
 * password into the hex string the instance hashes and asks the engine for a captcha on every
 * attempt when the instance says `requireCaptcha`; here the instance must exist and be active,
 * then the password method identifies and verifies, so an element sign-in shares the counters,
 * history and events of every other password sign-in.
 */
export function createJitaiMethod(deps: JitaiMethodDeps) {
  return {
    id: 'jitai',
    factor: 'knowledge',
    amr: ['pwd'],
    inputSchema: JitaiSignInSchema,
    errors: [...passwordMethodErrors, 'login_method.not_found', 'login_method.inactive'],
    guarded: true,
    describe: () => ({
      id: 'jitai',
      factor: 'knowledge' as const,
      amr: ['pwd'],
      label: { en: 'Password', zh: '密码登录' },
      fields: [
        { name: 'username', type: 'text' as const, label: { en: 'Username', zh: '用户名' }, autocomplete: 'username' },
        { name: 'password', type: 'password' as const, label: { en: 'Password', zh: '密码' }, autocomplete: 'current-password' },
      ],
    }),
    async identify(ctx: MethodContext, input: JitaiSignInInput): Promise<Identified> {
      const def = await deps.definition(ctx.poolId, input.instance);
      if (!def.config.isActive) throw new AppError('login_method.inactive');
      return deps.password.identify(ctx, { username: input.username, password: input.password });
    },
    verify(ctx: MethodContext, input: JitaiSignInInput, identified: Identified): Promise<MethodOutcome> {
      return deps.password.verify(ctx, { username: input.username, password: input.password }, identified);
    },
  } satisfies LoginMethod<JitaiSignInInput>;
}
