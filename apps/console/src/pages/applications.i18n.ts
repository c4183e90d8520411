/** Words of the Applications page (merged into i18n.tsx). */
export const en = {
  'apps.mfaPolicy': 'MFA policy',
  'apps.mfaAddsToPool': "An application's policy only adds to the pool's (Multi-factor authentication page).",
};

export const zh: Record<keyof typeof en, string> = {
  'apps.mfaPolicy': 'MFA 策略',
  'apps.mfaAddsToPool': '应用的策略只会在用户池策略（多因素认证页面）之上增加要求。',
};
