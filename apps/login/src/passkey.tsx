import { useState } from 'preact/hooks';
import type { Lang } from './i18n.js';
import { getAssertion } from './webauthn-browser.js';

/**
 * The passkey tab of the login screen (login method `webauthn`, docs/mfa.md): options from
 * `/api/v3/webauthn/login/initialize` (single-use ticket), the browser's passkey prompt, then the
 * login API's `sign-in` with the assertion — the engine finishes as for any other way in.
 */
const L = {
  tab: { en: 'Passkey', 'zh-CN': '通行密钥', 'zh-TW': '通行密鑰', ja: 'パスキー' },
  lead: { en: 'Sign in without a password, with the passkey on this device or your phone.', 'zh-CN': '无需密码，使用本设备或手机上的通行密钥登录。', 'zh-TW': '無需密碼，使用本裝置或手機上的通行密鑰登入。', ja: 'パスワードなしで、このデバイスまたはスマートフォンのパスキーでログインします。' },
  button: { en: 'Sign in with a passkey', 'zh-CN': '使用通行密钥登录', 'zh-TW': '使用通行密鑰登入', ja: 'パスキーでログイン' },
  failed: { en: 'No passkey was used. Try again or choose another way to sign in.', 'zh-CN': '未使用通行密钥，请重试或选择其他登录方式。', 'zh-TW': '未使用通行密鑰，請重試或選擇其他登入方式。', ja: 'パスキーが使用されませんでした。もう一度試すか、別の方法でログインしてください。' },
} satisfies Record<string, Record<Lang, string>>;

export const passkeyTabLabel = (lang: Lang) => L.tab[lang];

export function PasskeyPanel(p: { appId: string; apiBase: string; lang: Lang; busy: boolean; signIn(input: Record<string, string>): Promise<void> }) {
  const [failed, setFailed] = useState(false);
  async function go() {
    setFailed(false);
    try {
      const origin = new URL(p.apiBase || '/', location.href).origin;
      const res = await fetch(`${origin}/api/v3/webauthn/login/initialize`, { method: 'POST', headers: { 'x-authing-app-id': p.appId }, credentials: 'omit' });
      const body = (await res.json()) as { statusCode: number; data?: { ticket: string; options: Record<string, unknown> } };
      if (body.statusCode !== 200 || !body.data) throw new Error('no options');
      const assertion = await getAssertion(body.data.options);
      await p.signIn({ ticket: body.data.ticket, credential: JSON.stringify(assertion) });
    } catch {
      setFailed(true);
    }
  }
  return (
    <>
      {failed ? (
        <p role="alert" class="gh-error">
          {L.failed[p.lang]}
        </p>
      ) : null}
      <p class="gh-lead">{L.lead[p.lang]}</p>
      <button type="button" class="gh-primary" disabled={p.busy} onClick={() => void go()}>
        {L.button[p.lang]}
      </button>
    </>
  );
}
