import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { authClient, startServer, type TestServer } from '../support/server.js';
import { ok } from '../support/sign-in.js';

/**
 * Registration information completion through the vendor SDKs (docs/custom-fields.md, "Profile
 * completion"): an app asks for a required custom field `school` and the built-in `nickname`;
 * the sign-in after registration waits with the vendor's 1642 and a flow token; bad values are
 * refused with the field's own errors and the flow stays open; the completed answer finishes
 * with tokens and the values are stored; the next sign-in is not asked again; a
 * PRE_COMPLETE_USER_INFO user script can refuse an answer; an app whose completeProfile names a
 * field that does not exist is refused when it is saved.
 */
let s: TestServer;
let app: { appId: string; appSecret: string };
beforeAll(async () => {
  s = await startServer();
  const m = s.mgmt();
  ok(await m.setCustomFields({ list: [{ targetType: 'USER' as never, key: 'school', dataType: 'STRING' as never, label: 'School', isUnique: true, validateRules: { minLength: 2 } as never }] }));
  const created = ok(await m.createApplication({ appName: 'Campus', appType: 'web' as never, redirectUris: ['https://campus.example/cb'] } as never)).data as { appId: string };
  ok(
    await m.updateApplication({
      appId: created.appId,
      registerConfig: {
        enabledBasicRegisterMethods: ['EMAIL_PASSWORD'],
        completeProfile: { enabled: true, fields: [{ type: 'udf', key: 'school', required: true }, { type: 'user', key: 'nickname' }] },
      } as never,
    } as never),
  );
  app = { appId: created.appId, appSecret: await s.container.services.applications.getSecret(s.poolId, created.appId) };
});
afterAll(async () => s?.close());

const continueSignIn = async (flowToken: string, input: unknown) => {
  const r = await fetch(`${s.url}/api/v3/continue-signin`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-authing-app-id': app.appId },
    body: JSON.stringify({ flowToken, step: 'complete-profile', input, client_id: app.appId, client_secret: app.appSecret }),
  });
  return (await r.json()) as { statusCode: number; apiCode?: number; data: any };
};

describe('profile completion', () => {
  it('asks for school after registration, refuses bad values, finishes with tokens once completed', async () => {
    const c = authClient({ appId: app.appId, appSecret: app.appSecret, host: s.url });
    ok(await c.signUpByEmailPassword({ email: 'grace@example.com', password: 'completion passphrase 1' }));
    const first = (await c.signInByEmailPassword({ email: 'grace@example.com', password: 'completion passphrase 1' })) as { statusCode: number; apiCode?: number; data: any };
    expect(first, JSON.stringify(first)).toMatchObject({ apiCode: 1642, data: { step: 'complete-profile', phase: 'complete-profile' } });
    expect(first.data.fields.map((f: { key: string; required: boolean }) => [f.key, f.required])).toEqual([
      ['school', true],
      ['nickname', false],
    ]);
    const token = first.data.flowToken as string;

    // Missing, too short, not asked: refused, and the flow waits for another answer.
    expect(await continueSignIn(token, { values: { nickname: 'grace' } })).toMatchObject({ apiCode: 7200010 });
    expect(await continueSignIn(token, { values: { school: 'X' } })).toMatchObject({ apiCode: 7200005 });
    expect(await continueSignIn(token, { values: { school: 'Yale', email: 'other@example.com' } })).toMatchObject({ apiCode: 7200011 });
    const user = await s.container.repos.users.findBy(s.poolId, 'email', 'grace@example.com');
    expect(JSON.parse(user!.custom_data)).toEqual({});

    const done = await continueSignIn(token, { values: { school: 'Yale', nickname: 'grace' } });
    expect(done, JSON.stringify(done)).toMatchObject({ statusCode: 200 });
    expect(done.data.access_token).toBeTruthy();
    const after = await s.container.repos.users.findBy(s.poolId, 'email', 'grace@example.com');
    expect(JSON.parse(after!.custom_data)).toEqual({ school: 'Yale' });
    expect(after!.nickname).toBe('grace');
    // Single use: the finished flow cannot be answered again.
    expect(await continueSignIn(token, { values: { school: 'Yale' } })).toMatchObject({ apiCode: 2070001 });

    // Nothing is missing any more: the next sign-in finishes at once.
    ok(await c.signInByEmailPassword({ email: 'grace@example.com', password: 'completion passphrase 1' }));
  });

  it('asks at a later sign-in while a required field is missing; a unique value taken by another user is refused', async () => {
    const c = authClient({ appId: app.appId, appSecret: app.appSecret, host: s.url });
    ok(await c.signUpByEmailPassword({ email: 'alan@example.com', password: 'completion passphrase 2' }));
    const first = (await c.signInByEmailPassword({ email: 'alan@example.com', password: 'completion passphrase 2' })) as { apiCode?: number; data: any };
    expect(first.apiCode).toBe(1642);
    // Another user holds Yale: the database's unique constraint refuses, nothing is written.
    expect(await continueSignIn(first.data.flowToken, { values: { school: 'Yale' } })).toMatchObject({ apiCode: 7200006 });
    ok(await continueSignIn(first.data.flowToken, { values: { school: 'MIT' } }));
    // An administrator clears the required field: the next sign-in asks for it again.
    const alan = (await s.container.repos.users.findBy(s.poolId, 'email', 'alan@example.com'))!;
    ok(await s.mgmt().setCustomData({ targetType: 'USER' as never, targetIdentifier: alan.id, list: [{ key: 'school', value: null as never }] }));
    const again = (await c.signInByEmailPassword({ email: 'alan@example.com', password: 'completion passphrase 2' })) as { apiCode?: number; data: any };
    expect(again.apiCode).toBe(1642);
    // The optional nickname is not asked again after the first sign-in: only the required school.
    expect(again.data.fields.map((f: { key: string }) => f.key)).toEqual(['school']);
    ok(await continueSignIn(again.data.flowToken, { values: { school: 'Caltech' } }));
  });

  it('PRE_COMPLETE_USER_INFO: a user script refuses an answer', async () => {
    const m = s.mgmt();
    const fn = ok(
      await m.createPipelineFunction({
        funcName: 'No Hogwarts',
        scene: 'PRE_COMPLETE_USER_INFO',
        timeout: 15,
        sourceCode: `async function pipe(user, context, callback) { if (context.request.body.school === 'Hogwarts') return callback(new Error('Not a real school.')); callback(null, user, context); }`,
      } as never),
    ).data as { funcId: string };
    const c = authClient({ appId: app.appId, appSecret: app.appSecret, host: s.url });
    ok(await c.signUpByEmailPassword({ email: 'hermione@example.com', password: 'completion passphrase 3' }));
    const first = (await c.signInByEmailPassword({ email: 'hermione@example.com', password: 'completion passphrase 3' })) as { apiCode?: number; data: any };
    expect(first.apiCode).toBe(1642);
    expect(await continueSignIn(first.data.flowToken, { values: { school: 'Hogwarts' } })).toMatchObject({ apiCode: 7000010 });
    ok(await continueSignIn(first.data.flowToken, { values: { school: 'Beauxbatons' } }));
    ok(await m.deletePipelineFunction({ funcId: fn.funcId }));
  });

  it('refuses, when an app is saved, completeProfile keys that are neither built-in profile fields nor USER custom fields, naming the key', async () => {
    const m = s.mgmt();
    ok(await m.setCustomFields({ list: [{ targetType: 'USER' as never, key: 'badge', dataType: 'STRING' as never, label: 'Badge', encrypted: true }, { targetType: 'ROLE' as never, key: 'tier', dataType: 'STRING' as never, label: 'Tier' }] }));
    const created = ok(await m.createApplication({ appName: 'Checked', appType: 'web' as never, redirectUris: ['https://checked.example/cb'] } as never)).data as { appId: string };
    const update = (fields: unknown[]) => m.updateApplication({ appId: created.appId, registerConfig: { completeProfile: { enabled: true, fields } } as never } as never) as Promise<{ statusCode: number; apiCode?: number; message: string }>;

    // An unknown custom field, a custom field of another target type, a built-in key that is no profile field (an identifier), a custom key as built-in.
    for (const [field, type] of [
      [{ type: 'udf', key: 'favourite_colour' }, 'udf'],
      [{ type: 'udf', key: 'tier' }, 'udf'],
      [{ type: 'user', key: 'email' }, 'user'],
      [{ type: 'user', key: 'school' }, 'user'],
    ] as const) {
      const r = await update([{ type: 'udf', key: 'school', required: true }, field]);
      expect(r, JSON.stringify(r)).toMatchObject({ statusCode: 400, apiCode: 7200012 });
      expect(r.message).toContain(field.key);
      expect(r.message).toContain(type);
    }
    // An encrypted field cannot be asked (its sealed value is not in the user's row).
    expect(await update([{ type: 'udf', key: 'badge' }])).toMatchObject({ statusCode: 400, apiCode: 7200013 });
    // Nothing of a refused write was stored.
    const stored = ok(await m.getApplication({ appId: created.appId } as never)).data as { registerConfig: { completeProfile?: unknown } };
    expect(stored.registerConfig.completeProfile).toBeUndefined();

    // createApplication checks the same.
    const refused = (await m.createApplication({ appName: 'Checked 2', appType: 'web' as never, redirectUris: ['https://checked.example/cb'], registerConfig: { completeProfile: { enabled: true, fields: [{ type: 'udf', key: 'shoe_size' }] } } } as never)) as { statusCode: number; apiCode?: number; message: string };
    expect(refused).toMatchObject({ statusCode: 400, apiCode: 7200012 });
    expect(refused.message).toContain('shoe_size');

    // Known keys are accepted: a USER custom field and built-in profile fields.
    ok(await update([{ type: 'udf', key: 'school', required: true }, { type: 'user', key: 'nickname' }, { type: 'user', key: 'gender' }]));
  });
});
