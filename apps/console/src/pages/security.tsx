import { Card, NumberInput, Stack, Switch, Textarea, Title } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { api } from '../api';
import { ErrorAlert, PageHeader, SaveBar } from '../components';
import { useT } from '../i18n';
import { useServerForm } from '../server-form';
import { useSession } from '../session';

interface Settings {
  passwordPolicy: { minLength: number; requireUppercase: boolean; requireNumber: boolean; blockCommon: boolean; historyCount: number };
  bruteForce: { captchaAfter: number; lockAfter: number; lockBaseSeconds: number };
  registration: { enabled: boolean; allowList: { emailDomains?: string[] } | null };
}

/** Security settings: password policy, lockout and captcha, registration and its allow-list. */
export function SecurityPage() {
  const t = useT();
  const { pool, readOnly } = useSession();
  const qc = useQueryClient();
  const q = useQuery({ queryKey: [pool, 'auth-settings'], queryFn: () => api.get<Settings>('get-authentication-settings') });
  // The settings and the allow-list's text box (one domain per line) are one form state.
  const { form, setForm, saved: markSaved } = useServerForm(q.data, (d: Settings) => ({ s: d, domains: (d.registration.allowList?.emailDomains ?? []).join('\n') }));
  const [saved, setSaved] = useState(false);
  const save = useMutation({
    mutationFn: (sent: { s: Settings; domains: string }) => {
      const { s } = sent;
      const list = sent.domains.split('\n').map((d) => d.trim()).filter(Boolean);
      return api.post('update-authentication-settings', {
        passwordPolicy: s.passwordPolicy,
        bruteForce: s.bruteForce,
        registration: { enabled: s.registration.enabled, allowList: list.length ? { ...(s.registration.allowList ?? {}), emailDomains: list } : null },
      });
    },
    onSuccess: (_r, sent) => {
      markSaved(sent);
      setSaved(true);
      void qc.invalidateQueries({ queryKey: [pool, 'auth-settings'] });
    },
  });
  if (!form) return <ErrorAlert error={q.error} />;
  const { s, domains } = form;
  const setS = (next: Settings) => setForm({ ...form, s: next });
  const setDomains = (next: string) => setForm({ ...form, domains: next });
  const pp = (k: keyof Settings['passwordPolicy'], v: number | boolean) => setS({ ...s, passwordPolicy: { ...s.passwordPolicy, [k]: v } });
  const bf = (k: keyof Settings['bruteForce'], v: number) => setS({ ...s, bruteForce: { ...s.bruteForce, [k]: v } });
  const num = (v: string | number) => (typeof v === 'number' ? v : Number(v));
  return (
    <>
      <PageHeader title={t('security.title')} />
      <form
        onSubmit={(e) => {
          e.preventDefault();
          setSaved(false);
          save.mutate(form);
        }}
      >
        <fieldset disabled={readOnly} style={{ border: 0, padding: 0, margin: 0 }}>
          <Stack>
            <ErrorAlert error={save.error} />
            <Card withBorder>
              <Title order={2} size="h4" mb="sm">
                {t('security.passwordPolicy')}
              </Title>
              <Stack gap="sm">
                <NumberInput label={t('security.minLength')} value={s.passwordPolicy.minLength} onChange={(v) => pp('minLength', num(v))} />
                <Switch label={t('security.requireUppercase')} checked={s.passwordPolicy.requireUppercase} onChange={(e) => pp('requireUppercase', e.currentTarget.checked)} />
                <Switch label={t('security.requireNumber')} checked={s.passwordPolicy.requireNumber} onChange={(e) => pp('requireNumber', e.currentTarget.checked)} />
                <Switch label={t('security.blockCommon')} checked={s.passwordPolicy.blockCommon} onChange={(e) => pp('blockCommon', e.currentTarget.checked)} />
                <NumberInput label={t('security.historyCount')} value={s.passwordPolicy.historyCount} onChange={(v) => pp('historyCount', num(v))} />
              </Stack>
            </Card>
            <Card withBorder>
              <Title order={2} size="h4" mb="sm">
                {t('security.lockout')}
              </Title>
              <Stack gap="sm">
                <NumberInput label={t('security.captchaAfter')} value={s.bruteForce.captchaAfter} onChange={(v) => bf('captchaAfter', num(v))} />
                <NumberInput label={t('security.lockAfter')} value={s.bruteForce.lockAfter} onChange={(v) => bf('lockAfter', num(v))} />
                <NumberInput label={t('security.lockBaseSeconds')} value={s.bruteForce.lockBaseSeconds} onChange={(v) => bf('lockBaseSeconds', num(v))} />
              </Stack>
            </Card>
            <Card withBorder>
              <Title order={2} size="h4" mb="sm">
                {t('security.registration')}
              </Title>
              <Stack gap="sm">
                <Switch label={t('security.registrationEnabled')} checked={s.registration.enabled} onChange={(e) => setS({ ...s, registration: { ...s.registration, enabled: e.currentTarget.checked } })} />
                <Textarea label={t('security.allowEmailDomains')} autosize value={domains} onChange={(e) => setDomains(e.currentTarget.value)} />
              </Stack>
            </Card>
            <SaveBar saved={saved} readOnly={readOnly} pending={save.isPending} />
          </Stack>
        </fieldset>
      </form>
    </>
  );
}
