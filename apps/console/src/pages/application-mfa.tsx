import { Checkbox, Group, NumberInput, SegmentedControl, Stack, Text } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { api } from '../api';
import { ErrorAlert } from '../components';
import { FormModal } from '../crud';
import { useT, type MessageKey } from '../i18n';
import { useSession } from '../session';

/** The factors an application may ask for (services/mfa/types.ts POLICY_FACTORS). */
const FACTORS = ['OTP', 'SMS', 'EMAIL', 'WEBAUTHN'];
type Mode = 'off' | 'optional' | 'required';
interface Policy {
  enabledFactors: string[];
  mode: Mode;
  rememberDeviceDays: number;
}

/**
 * An application's own MFA policy (update-application-mfa-settings; docs/mfa.md): factors, off /
 * when enrolled / required, remembered devices. It only adds to what the pool demands. The
 * factors not ticked are sent as `disabledFactors`, so the saved set is exactly what is shown.
 */
export function AppMfaForm({ app, onClose }: { app: { appId: string; appName: string }; onClose: () => void }) {
  const t = useT();
  const { pool } = useSession();
  const q = useQuery({ queryKey: [pool, 'app-mfa', app.appId], queryFn: () => api.get<Policy>('get-application-mfa-settings', { appId: app.appId }) });
  const [edit, setEdit] = useState<Policy | null>(null);
  const p = edit ?? q.data;
  const set = (patch: Partial<Policy>) => p && setEdit({ ...p, ...patch });
  return (
    <FormModal
      title={`${t('apps.mfaPolicy')}: ${app.appName}`}
      onClose={onClose}
      onSubmit={() =>
        api.post('update-application-mfa-settings', { appId: app.appId, enabledFactors: p!.enabledFactors, disabledFactors: FACTORS.filter((f) => !p!.enabledFactors.includes(f)), mode: p!.mode, rememberDeviceDays: p!.rememberDeviceDays })
      }
    >
      <ErrorAlert error={q.error} />
      {p && (
        <Stack>
          <Checkbox.Group label={t('mfa.factors')} value={p.enabledFactors} onChange={(v) => set({ enabledFactors: v })}>
            <Group mt="xs">
              {FACTORS.map((f) => (
                <Checkbox key={f} value={f} label={t(`mfa.factor.${f}` as MessageKey)} />
              ))}
            </Group>
          </Checkbox.Group>
          <div>
            <Text size="sm" fw={500} id="app-mfa-mode">
              {t('mfa.mode')}
            </Text>
            <SegmentedControl aria-labelledby="app-mfa-mode" value={p.mode} onChange={(v) => set({ mode: v as Mode })} data={(['off', 'optional', 'required'] as const).map((m) => ({ value: m, label: t(`mfa.mode.${m}`) }))} />
          </div>
          <NumberInput label={t('mfa.rememberDays')} min={0} max={365} value={p.rememberDeviceDays} onChange={(v) => set({ rememberDeviceDays: typeof v === 'number' ? v : 0 })} />
          <Text size="xs" c="dimmed">
            {t('apps.mfaAddsToPool')}
          </Text>
        </Stack>
      )}
    </FormModal>
  );
}
