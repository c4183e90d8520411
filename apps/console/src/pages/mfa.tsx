import { Card, Checkbox, Group, NumberInput, SegmentedControl, Stack, Switch, Text } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { api } from '../api';
import { ErrorAlert, PageHeader, WriteButton } from '../components';
import { useT } from '../i18n';
import { useSession } from '../session';

/** The factors a pool may require (services/mfa/types.ts POLICY_FACTORS). */
const FACTORS = ['OTP', 'SMS', 'EMAIL', 'WEBAUTHN'];
interface Settings {
  enabledFactors: string[];
  mode: 'off' | 'optional' | 'required';
  rememberDeviceDays: number;
  allowOtpExport?: boolean;
}

/** MFA for the whole pool (get/update-global-mfa-settings): factors, whether a second factor is optional or required, remembered devices. */
export function MfaPage() {
  const t = useT();
  const { pool, readOnly } = useSession();
  const qc = useQueryClient();
  const current = useQuery({ queryKey: [pool, 'mfa'], queryFn: () => api.get<Settings>('get-global-mfa-settings') });
  const [s, setS] = useState<Settings | null>(null);
  const [saved, setSaved] = useState(false);
  useEffect(() => {
    if (current.data && !s) setS(current.data);
  }, [current.data, s]);
  const save = useMutation({
    mutationFn: () => api.post<Settings>('update-global-mfa-settings', { enabledFactors: s!.enabledFactors, mode: s!.mode, rememberDeviceDays: s!.rememberDeviceDays, ...(s!.allowOtpExport !== undefined ? { allowOtpExport: s!.allowOtpExport } : {}) }),
    onSuccess: (r) => {
      setS(r);
      setSaved(true);
      void qc.invalidateQueries({ queryKey: [pool, 'mfa'] });
    },
  });
  const set = (p: Partial<Settings>) => {
    setSaved(false);
    setS({ ...s!, ...p });
  };
  return (
    <>
      <PageHeader title={t('mfa.title')} />
      <ErrorAlert error={current.error ?? save.error} />
      {s && (
        <Card withBorder>
          <form
            onSubmit={(e) => {
              e.preventDefault();
              save.mutate();
            }}
          >
            <fieldset disabled={readOnly} style={{ border: 0, padding: 0, margin: 0 }}>
              <Stack>
                <Checkbox.Group label={t('mfa.factors')} value={s.enabledFactors} onChange={(v) => set({ enabledFactors: v })}>
                  <Group mt="xs">
                    {FACTORS.map((f) => (
                      <Checkbox key={f} value={f} label={t(`mfa.factor.${f}` as 'mfa.factor.OTP')} />
                    ))}
                  </Group>
                </Checkbox.Group>
                <Stack gap={4}>
                  <Text size="sm" fw={500} id="mfa-mode">
                    {t('mfa.mode')}
                  </Text>
                  <SegmentedControl aria-labelledby="mfa-mode" value={s.mode} onChange={(v) => set({ mode: v as Settings['mode'] })} data={(['off', 'optional', 'required'] as const).map((m) => ({ value: m, label: t(`mfa.mode.${m}`) }))} />
                </Stack>
                <NumberInput label={t('mfa.rememberDays')} min={0} max={365} value={s.rememberDeviceDays} onChange={(n) => set({ rememberDeviceDays: typeof n === 'number' ? n : 0 })} />
                <Switch label={t('mfa.allowOtpExport')} checked={s.allowOtpExport === true} onChange={(e) => set({ allowOtpExport: e.currentTarget.checked })} />
                <Group>
                  <WriteButton type="submit" loading={save.isPending}>
                    {t('common.save')}
                  </WriteButton>
                  {saved && (
                    <Text role="status" c="teal.9">
                      {t('common.saved')}
                    </Text>
                  )}
                </Group>
              </Stack>
            </fieldset>
          </form>
        </Card>
      )}
    </>
  );
}
