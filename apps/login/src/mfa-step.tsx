import { useEffect, useState } from 'preact/hooks';
import type { Lang } from './i18n.js';
import { STEP_COMPONENTS, type StepProps } from './steps.js';
import { createCredential, getAssertion } from './webauthn-browser.js';

/**
 * The MFA step of a sign-in (engine step `mfa`, docs/mfa.md), by `data.phase`:
 *  - `verify`: a choice among the user's factors — an authenticator code, an SMS / email code
 *    (send, resend after a minute), a passkey, or "use a recovery code"; and, when the policy
 *    allows it, an opt-in "remember this device for N days";
 *  - `enroll`: the app requires MFA and the user has none — set up an authenticator app (QR code
 *    and the key for manual entry), an SMS phone or an email address, then confirm with its code;
 *  - `recovery-codes`: the ten recovery codes, shown once, acknowledged before finishing.
 */
type S = Record<Lang, string>;
const L = {
  title: { en: 'Two-step verification', 'zh-CN': '两步验证', 'zh-TW': '兩步驟驗證', ja: '2 段階認証' },
  lead: { en: 'Confirm it is you with a second factor.', 'zh-CN': '请使用第二种方式确认是您本人。', 'zh-TW': '請使用第二種方式確認是您本人。', ja: '2 つ目の要素で本人確認をしてください。' },
  OTP: { en: 'Authenticator app', 'zh-CN': '身份验证器应用', 'zh-TW': '驗證器應用程式', ja: '認証アプリ' },
  SMS: { en: 'SMS code', 'zh-CN': '短信验证码', 'zh-TW': '簡訊驗證碼', ja: 'SMS コード' },
  EMAIL: { en: 'Email code', 'zh-CN': '邮箱验证码', 'zh-TW': '電子郵件驗證碼', ja: 'メールコード' },
  WEBAUTHN: { en: 'Passkey or security key', 'zh-CN': '通行密钥或安全密钥', 'zh-TW': '通行密鑰或安全金鑰', ja: 'パスキーまたはセキュリティキー' },
  RECOVERY_CODE: { en: 'Use a recovery code', 'zh-CN': '使用恢复码', 'zh-TW': '使用復原碼', ja: 'リカバリーコードを使う' },
  otpCode: { en: 'Code from the authenticator app', 'zh-CN': '身份验证器中的验证码', 'zh-TW': '驗證器中的驗證碼', ja: '認証アプリのコード' },
  smsCode: { en: 'Code from the SMS', 'zh-CN': '短信中的验证码', 'zh-TW': '簡訊中的驗證碼', ja: 'SMS のコード' },
  emailCode: { en: 'Code from the email', 'zh-CN': '邮件中的验证码', 'zh-TW': '郵件中的驗證碼', ja: 'メールのコード' },
  recoveryCode: { en: 'Recovery code', 'zh-CN': '恢复码', 'zh-TW': '復原碼', ja: 'リカバリーコード' },
  send: { en: 'Send code', 'zh-CN': '发送验证码', 'zh-TW': '傳送驗證碼', ja: 'コードを送信' },
  resendIn: { en: 'Send again in {s} s', 'zh-CN': '{s} 秒后可重新发送', 'zh-TW': '{s} 秒後可重新傳送', ja: '{s} 秒後に再送信できます' },
  sent: { en: 'A code was sent.', 'zh-CN': '验证码已发送。', 'zh-TW': '驗證碼已傳送。', ja: 'コードを送信しました。' },
  verify: { en: 'Verify', 'zh-CN': '验证', 'zh-TW': '驗證', ja: '確認' },
  usePasskey: { en: 'Use a passkey', 'zh-CN': '使用通行密钥', 'zh-TW': '使用通行密鑰', ja: 'パスキーを使う' },
  passkeyFailed: { en: 'The passkey was not used. Try again or choose another way.', 'zh-CN': '未能使用通行密钥，请重试或选择其他方式。', 'zh-TW': '未能使用通行密鑰，請重試或選擇其他方式。', ja: 'パスキーを使用できませんでした。もう一度試すか、別の方法を選んでください。' },
  otherWay: { en: 'Choose another way', 'zh-CN': '选择其他方式', 'zh-TW': '選擇其他方式', ja: '別の方法を選ぶ' },
  enrollTitle: { en: 'Set up two-step verification', 'zh-CN': '设置两步验证', 'zh-TW': '設定兩步驟驗證', ja: '2 段階認証を設定' },
  enrollLead: { en: 'This application requires a second factor. Choose one to set up.', 'zh-CN': '该应用要求第二种验证方式，请选择一种进行设置。', 'zh-TW': '此應用程式要求第二種驗證方式，請選擇一種進行設定。', ja: 'このアプリケーションでは 2 つ目の要素が必要です。設定する方法を選んでください。' },
  scan: { en: 'Scan this QR code with your authenticator app, then enter the code it shows.', 'zh-CN': '请用身份验证器应用扫描此二维码，然后输入其显示的验证码。', 'zh-TW': '請用驗證器應用程式掃描此 QR 碼，然後輸入其顯示的驗證碼。', ja: '認証アプリでこの QR コードを読み取り、表示されたコードを入力してください。' },
  qrAlt: { en: 'QR code for the authenticator app', 'zh-CN': '身份验证器二维码', 'zh-TW': '驗證器 QR 碼', ja: '認証アプリ用 QR コード' },
  manualKey: { en: 'Or enter this key by hand', 'zh-CN': '或手动输入此密钥', 'zh-TW': '或手動輸入此金鑰', ja: 'または次のキーを手入力' },
  phone: { en: 'Phone number', 'zh-CN': '手机号', 'zh-TW': '手機號碼', ja: '電話番号' },
  email: { en: 'Email address', 'zh-CN': '邮箱地址', 'zh-TW': '電子郵件地址', ja: 'メールアドレス' },
  remember: { en: 'Remember this device for {n} days', 'zh-CN': '在此设备上 {n} 天内免于两步验证', 'zh-TW': '在此裝置上 {n} 天內免於兩步驟驗證', ja: 'このデバイスでは {n} 日間 2 段階認証を省略する' },
  codesTitle: { en: 'Save your recovery codes', 'zh-CN': '保存您的恢复码', 'zh-TW': '儲存您的復原碼', ja: 'リカバリーコードを保存' },
  codesLead: { en: 'Each code signs you in once if you lose your second factor. They are shown only now.', 'zh-CN': '若丢失第二种验证方式，每个恢复码可使用一次。恢复码仅显示这一次。', 'zh-TW': '若遺失第二種驗證方式，每個復原碼可使用一次。復原碼僅顯示這一次。', ja: '2 つ目の要素を失った場合、各コードで 1 回ログインできます。表示されるのは今回だけです。' },
  codesSaved: { en: 'I have stored these codes somewhere safe', 'zh-CN': '我已将这些恢复码保存在安全的地方', 'zh-TW': '我已將這些復原碼儲存在安全的地方', ja: 'これらのコードを安全な場所に保存しました' },
  continue: { en: 'Continue', 'zh-CN': '继续', 'zh-TW': '繼續', ja: '続行' },
} satisfies Record<string, S>;
type Key = keyof typeof L;

const str = (v: unknown) => (typeof v === 'string' ? v : '');
const list = (v: unknown) => (Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : []);
const secretOf = (uri: string) => {
  try {
    return new URL(uri).searchParams.get('secret') ?? '';
  } catch {
    return '';
  }
};

export function MfaStep(p: StepProps) {
  const t = (k: Key, vars?: Record<string, string | number>) => {
    const s: string = L[k][p.lang] ?? L[k].en;
    return vars ? s.replace(/\{(\w+)\}/g, (_, n: string) => String(vars[n] ?? '')) : s;
  };
  const phase = str(p.data.phase) || 'verify';
  if (phase === 'recovery-codes') return <RecoveryCodes p={p} t={t} />;
  if (phase === 'enroll') return <Enroll p={p} t={t} />;
  return <Verify p={p} t={t} />;
}

type T = (k: Key, vars?: Record<string, string | number>) => string;

/** A one-minute countdown after a code was sent (the pool's per-minute quota would refuse sooner). */
function useCountdown(): [number, () => void] {
  const [left, setLeft] = useState(0);
  useEffect(() => {
    if (left <= 0) return;
    const id = setTimeout(() => setLeft(left - 1), 1000);
    return () => clearTimeout(id);
  }, [left]);
  return [left, () => setLeft(60)];
}

function Verify({ p, t }: { p: StepProps; t: T }) {
  const factors = list(p.data.applicableFactors);
  const main = factors.filter((f) => f !== 'RECOVERY_CODE');
  const [factor, setFactor] = useState(main[0] ?? factors[0] ?? 'OTP');
  const [code, setCode] = useState('');
  const [left, startCountdown] = useCountdown();
  const [passkeyError, setPasskeyError] = useState(false);
  const sent = str(p.data.sent) === factor;
  const options = p.data.webauthn as Record<string, unknown> | undefined;
  // "Remember this device": offered when the policy allows it (data.rememberDeviceDays), opt-in.
  const rememberDays = typeof p.data.rememberDeviceDays === 'number' ? p.data.rememberDeviceDays : 0;
  const [remember, setRemember] = useState(false);
  const withRemember = (a: Record<string, unknown>) => (remember && rememberDays > 0 ? { ...a, rememberDevice: true } : a);

  // Switching the factor empties the field in the same render: an effect would clear it a frame
  // later, wiping what was typed (or filled) into the new field in between.
  const choose = (f: string) => {
    setFactor(f);
    setCode('');
  };
  // Passkey: the options come from the server bound to this sign-in; the browser signs them.
  useEffect(() => {
    if (factor !== 'WEBAUTHN' || !options) return;
    void (async () => {
      const assertion = await getAssertion(options).catch(() => null);
      if (!assertion) return setPasskeyError(true);
      await p.answer(withRemember({ factorType: 'WEBAUTHN', assertion }));
    })();
  }, [options, factor]);

  const label = factor === 'OTP' ? t('otpCode') : factor === 'SMS' ? t('smsCode') : factor === 'EMAIL' ? t('emailCode') : t('recoveryCode');
  return (
    <>
      <h2>{t('title')}</h2>
      <p class="gh-lead">{t('lead')}</p>
      {main.length > 1 ? (
        <div role="tablist" aria-label={t('otherWay')} class="gh-tabs">
          {main.map((f) => (
            <button type="button" role="tab" key={f} aria-selected={f === factor} onClick={() => choose(f)}>
              {t(f as Key)}
            </button>
          ))}
        </div>
      ) : null}
      {factor === 'WEBAUTHN' ? (
        <>
          {passkeyError ? <p role="alert" class="gh-error">{t('passkeyFailed')}</p> : null}
          <button
            type="button"
            class="gh-primary"
            disabled={p.busy}
            onClick={() => {
              setPasskeyError(false);
              void p.answer({ action: 'webauthn-options', factorType: 'WEBAUTHN' });
            }}
          >
            {t('usePasskey')}
          </button>
        </>
      ) : (
        <form
          onSubmit={(e) => {
            e.preventDefault();
            void p.answer(withRemember(factor === 'RECOVERY_CODE' ? { factorType: factor, recoveryCode: code } : { factorType: factor, passCode: code }));
          }}
          noValidate
        >
          {(factor === 'SMS' || factor === 'EMAIL') && (
            <p>
              <button
                type="button"
                class="gh-secondary"
                disabled={p.busy || left > 0}
                onClick={() => {
                  startCountdown();
                  void p.answer({ action: 'send', factorType: factor });
                }}
              >
                {left > 0 ? t('resendIn', { s: left }) : t('send')}
              </button>
            </p>
          )}
          {sent ? (
            <p role="status" class="gh-info">
              {t('sent')}
            </p>
          ) : null}
          <p.Field label={label} name={factor === 'RECOVERY_CODE' ? 'recoveryCode' : 'passCode'} value={code} onInput={setCode} autocomplete="one-time-code" inputMode={factor === 'RECOVERY_CODE' ? 'text' : 'numeric'} autofocus />
          <button type="submit" class="gh-primary" disabled={p.busy}>
            {t('verify')}
          </button>
        </form>
      )}
      {rememberDays > 0 ? (
        <label class="gh-choice">
          <input type="checkbox" checked={remember} onChange={(e) => setRemember((e.currentTarget as HTMLInputElement).checked)} /> {t('remember', { n: rememberDays })}
        </label>
      ) : null}
      {factors.includes('RECOVERY_CODE') && factor !== 'RECOVERY_CODE' ? (
        <p>
          <button type="button" class="gh-link" onClick={() => choose('RECOVERY_CODE')}>
            {t('RECOVERY_CODE')}
          </button>
        </p>
      ) : factor === 'RECOVERY_CODE' && main.length ? (
        <p>
          <button type="button" class="gh-link" onClick={() => choose(main[0]!)}>
            {t('otherWay')}
          </button>
        </p>
      ) : null}
    </>
  );
}

function Enroll({ p, t }: { p: StepProps; t: T }) {
  const factors = list(p.data.applicableFactors).filter((f) => f === 'OTP' || f === 'SMS' || f === 'EMAIL' || f === 'WEBAUTHN');
  const enrollment = (p.data.enrollment ?? null) as { factorType: string; enrollmentToken: string; otpData?: { qrCodeUri: string; qrCodeDataUrl: string }; webauthn?: Record<string, unknown> } | null;
  const [phone, setPhone] = useState('');
  const [email, setEmail] = useState('');
  const [code, setCode] = useState('');
  const [choice, setChoice] = useState(factors[0] ?? 'OTP');
  const [passkeyError, setPasskeyError] = useState(false);
  // A passkey: the browser creates it with the options bound to this sign-in, then the server verifies it.
  useEffect(() => {
    if (!enrollment?.webauthn) return;
    void (async () => {
      const attestation = await createCredential(enrollment.webauthn!).catch(() => null);
      if (!attestation) return setPasskeyError(true);
      await p.answer({ action: 'enroll-verify', factorType: 'WEBAUTHN', attestation });
    })();
  }, [enrollment?.webauthn]);
  if (enrollment?.webauthn) {
    return (
      <>
        <h2>{t('enrollTitle')}</h2>
        {passkeyError ? <p role="alert" class="gh-error">{t('passkeyFailed')}</p> : <p class="gh-lead">{t('WEBAUTHN')}</p>}
        <button type="button" class="gh-primary" disabled={p.busy} onClick={() => void p.answer({ action: 'enroll', factorType: 'WEBAUTHN' })}>
          {t('continue')}
        </button>
      </>
    );
  }
  if (enrollment) {
    const otp = enrollment.otpData;
    return (
      <>
        <h2>{t('enrollTitle')}</h2>
        {otp ? (
          <>
            <p class="gh-lead">{t('scan')}</p>
            <div class="gh-qr">
              <img src={otp.qrCodeDataUrl} alt={t('qrAlt')} width={200} height={200} />
            </div>
            <p class="gh-muted">
              {t('manualKey')}: <code data-testid="mfa-secret">{secretOf(otp.qrCodeUri)}</code>
            </p>
          </>
        ) : (
          <p role="status" class="gh-info">
            {t('sent')}
          </p>
        )}
        <form
          onSubmit={(e) => {
            e.preventDefault();
            void p.answer({ action: 'enroll-verify', factorType: enrollment.factorType, enrollmentToken: enrollment.enrollmentToken, passCode: code });
          }}
          noValidate
        >
          <p.Field label={otp ? t('otpCode') : enrollment.factorType === 'SMS' ? t('smsCode') : t('emailCode')} name="passCode" value={code} onInput={setCode} autocomplete="one-time-code" inputMode="numeric" autofocus />
          <button type="submit" class="gh-primary" disabled={p.busy}>
            {t('verify')}
          </button>
        </form>
      </>
    );
  }
  return (
    <>
      <h2>{t('enrollTitle')}</h2>
      <p class="gh-lead">{t('enrollLead')}</p>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          void p.answer({ action: 'enroll', factorType: choice, ...(choice === 'SMS' ? { profile: { phoneNumber: phone } } : choice === 'EMAIL' ? { profile: { email } } : {}) });
        }}
        noValidate
      >
        <fieldset>
          <legend class="gh-sr">{t('enrollTitle')}</legend>
          {factors.map((f) => (
            <label key={f} class="gh-choice">
              <input type="radio" name="factor" value={f} checked={choice === f} onChange={() => setChoice(f)} /> {t(f as Key)}
            </label>
          ))}
        </fieldset>
        {choice === 'SMS' ? <p.Field label={t('phone')} name="phone" type="tel" value={phone} onInput={setPhone} autocomplete="tel" /> : null}
        {choice === 'EMAIL' ? <p.Field label={t('email')} name="email" type="email" value={email} onInput={setEmail} autocomplete="email" /> : null}
        <button type="submit" class="gh-primary" disabled={p.busy}>
          {t('continue')}
        </button>
      </form>
    </>
  );
}

function RecoveryCodes({ p, t }: { p: StepProps; t: T }) {
  const codes = list(p.data.recoveryCodes);
  const [saved, setSaved] = useState(false);
  return (
    <>
      <h2>{t('codesTitle')}</h2>
      <p class="gh-lead">{t('codesLead')}</p>
      <ol class="gh-codes" data-testid="recovery-codes">
        {codes.map((c) => (
          <li key={c}>
            <code>{c}</code>
          </li>
        ))}
      </ol>
      <label class="gh-choice">
        <input type="checkbox" checked={saved} onChange={(e) => setSaved((e.currentTarget as HTMLInputElement).checked)} /> {t('codesSaved')}
      </label>
      <button type="button" class="gh-primary" disabled={p.busy || !saved} onClick={() => void p.answer({ acknowledge: true })}>
        {t('continue')}
      </button>
    </>
  );
}

STEP_COMPONENTS.mfa = MfaStep;
