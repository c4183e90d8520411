import { Badge, Button, Group, Modal, Select, Stack, Tabs, Text } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { api, type Page } from '../api';
import { ErrorAlert, WriteButton, fmtTime } from '../components';
import { useT, type MessageKey } from '../i18n';
import { useSession } from '../session';
import { SimpleTable } from './simple-table';
import { UserCustomData } from './user-custom-data';
import { UserDepartments, UserGroups } from './user-memberships';
import { UserSessions } from './user-sessions';
import { userLabel, type User } from './users';

interface HistoryRow {
  time: string;
  clientIp: string;
  appName: string;
  success: boolean;
}
interface Identity {
  identityId: string;
  provider: string;
  type: string;
  userIdInIdp: string;
}
interface MfaInfo {
  totpStatus: string;
  smsMfaStatus: string;
  emailMfaStatus: string;
  webauthnStatus?: string;
  recoveryCodesLeft?: number;
}
interface Role {
  code: string;
  name?: string;
  namespace?: string;
}

/**
 * A user's login history, signed-in applications and devices (sign out everywhere), external
 * identities, MFA factors (reset), roles (assign, revoke), groups and departments (add, remove)
 * and custom data (edit, per the pool's user fields).
 */
export function UserDetails({ user, onClose }: { user: User; onClose: () => void }) {
  const t = useT();
  return (
    <Modal opened onClose={onClose} title={`${t('users.details')}: ${userLabel(user)}`} size="xl" closeButtonProps={{ 'aria-label': t('common.close') }}>
      <Tabs defaultValue="history">
        <Tabs.List>
          <Tabs.Tab value="history">{t('users.tab.history')}</Tabs.Tab>
          <Tabs.Tab value="sessions">{t('users.tab.sessions')}</Tabs.Tab>
          <Tabs.Tab value="identities">{t('users.tab.identities')}</Tabs.Tab>
          <Tabs.Tab value="mfa">{t('users.tab.mfa')}</Tabs.Tab>
          <Tabs.Tab value="roles">{t('users.tab.roles')}</Tabs.Tab>
          <Tabs.Tab value="groups">{t('users.tab.groups')}</Tabs.Tab>
          <Tabs.Tab value="departments">{t('users.tab.departments')}</Tabs.Tab>
          <Tabs.Tab value="customData">{t('users.tab.customData')}</Tabs.Tab>
        </Tabs.List>
        <Tabs.Panel value="history" pt="md">
          <History user={user} />
        </Tabs.Panel>
        <Tabs.Panel value="sessions" pt="md">
          <UserSessions user={user} />
        </Tabs.Panel>
        <Tabs.Panel value="identities" pt="md">
          <Identities user={user} />
        </Tabs.Panel>
        <Tabs.Panel value="mfa" pt="md">
          <Mfa user={user} />
        </Tabs.Panel>
        <Tabs.Panel value="roles" pt="md">
          <Roles user={user} />
        </Tabs.Panel>
        <Tabs.Panel value="groups" pt="md">
          <UserGroups user={user} />
        </Tabs.Panel>
        <Tabs.Panel value="departments" pt="md">
          <UserDepartments user={user} />
        </Tabs.Panel>
        <Tabs.Panel value="customData" pt="md">
          <UserCustomData user={user} />
        </Tabs.Panel>
      </Tabs>
    </Modal>
  );
}

function History({ user }: { user: User }) {
  const t = useT();
  const { pool } = useSession();
  const q = useQuery({ queryKey: [pool, 'user-history', user.userId], queryFn: () => api.get<Page<HistoryRow>>('get-user-login-history', { userId: user.userId, page: 1, limit: 50 }) });
  return (
    <>
      <ErrorAlert error={q.error} />
      <SimpleTable
        head={[t('users.time'), t('users.ip'), t('users.app'), t('users.result')]}
        rows={q.data?.list.map((h) => [fmtTime(h.time), h.clientIp || '—', h.appName || '—', h.success ? t('users.success') : t('users.failure')])}
      />
    </>
  );
}

function Identities({ user }: { user: User }) {
  const t = useT();
  const { pool } = useSession();
  const q = useQuery({ queryKey: [pool, 'user-identities', user.userId], queryFn: () => api.get<Identity[]>('get-user-identities', { userId: user.userId }) });
  return (
    <>
      <ErrorAlert error={q.error} />
      <SimpleTable head={[t('users.provider'), t('users.idInProvider')]} rows={q.data?.map((i) => [i.provider, i.userIdInIdp])} />
    </>
  );
}

const FACTORS: Array<[keyof MfaInfo, MessageKey]> = [
  ['totpStatus', 'users.factor.totp'],
  ['smsMfaStatus', 'users.factor.sms'],
  ['emailMfaStatus', 'users.factor.email'],
  ['webauthnStatus', 'users.factor.webauthn'],
];

function Mfa({ user }: { user: User }) {
  const t = useT();
  const { pool } = useSession();
  const qc = useQueryClient();
  const key = [pool, 'user-mfa', user.userId];
  const q = useQuery({ queryKey: key, queryFn: () => api.get<MfaInfo>('get-user-mfa-info', { userId: user.userId }) });
  const reset = useMutation({ mutationFn: () => api.post('reset-user-mfa', { userId: user.userId }), onSuccess: () => qc.invalidateQueries({ queryKey: key }) });
  return (
    <Stack>
      <ErrorAlert error={q.error ?? reset.error} />
      <SimpleTable
        head={[t('users.factor'), t('users.status')]}
        rows={q.data && FACTORS.map(([k, label]) => [t(label), q.data[k] === 'enabled' ? <Badge color="teal.9" variant="filled">{t('common.enabled')}</Badge> : <Badge color="gray.7" variant="filled">{t('common.disabled')}</Badge>])}
      />
      {q.data?.recoveryCodesLeft !== undefined && <Text size="sm">{t('users.recoveryCodes', { n: q.data.recoveryCodesLeft })}</Text>}
      <Group>
        <WriteButton color="red" variant="light" onClick={() => reset.mutate()} loading={reset.isPending}>
          {t('users.resetMfa')}
        </WriteButton>
      </Group>
    </Stack>
  );
}

function Roles({ user }: { user: User }) {
  const t = useT();
  const { pool, readOnly } = useSession();
  const qc = useQueryClient();
  const key = [pool, 'user-roles', user.userId];
  const mine = useQuery({ queryKey: key, queryFn: () => api.get<Page<Role>>('get-user-roles', { userId: user.userId }) });
  const all = useQuery({ queryKey: [pool, 'roles', 'all'], queryFn: () => api.get<Page<Role>>('list-roles', { page: 1, limit: 100 }) });
  const [code, setCode] = useState<string | null>(null);
  const change = useMutation({
    mutationFn: ({ path, role }: { path: 'assign-role' | 'revoke-role'; role: Role }) => api.post(path, { targets: [{ targetType: 'USER', targetIdentifier: user.userId }], code: role.code, ...(role.namespace ? { namespace: role.namespace } : {}) }),
    onSuccess: () => {
      setCode(null);
      void qc.invalidateQueries({ queryKey: key });
    },
  });
  const held = new Set(mine.data?.list.map((r) => r.code));
  const assignable = (all.data?.list ?? []).filter((r) => !held.has(r.code));
  return (
    <Stack>
      <ErrorAlert error={mine.error ?? all.error ?? change.error} />
      <SimpleTable
        head={[t('users.code'), t('common.name'), ...(readOnly ? [] : [t('common.actions')])]}
        rows={mine.data?.list.map((r) => [
          r.code,
          r.name ?? '',
          ...(readOnly
            ? []
            : [
                <Button key="revoke" size="xs" variant="subtle" color="red" aria-label={`${t('users.revoke')} ${r.code}`} onClick={() => change.mutate({ path: 'revoke-role', role: r })}>
                  {t('users.revoke')}
                </Button>,
              ]),
        ])}
      />
      {!readOnly && (
        <Group align="flex-end">
          <Select label={t('users.assignRole')} data={assignable.map((r) => ({ value: r.code, label: r.name ? `${r.name} (${r.code})` : r.code }))} value={code} onChange={setCode} searchable />
          <Button disabled={!code} loading={change.isPending} onClick={() => code && change.mutate({ path: 'assign-role', role: assignable.find((r) => r.code === code)! })}>
            {t('users.assign')}
          </Button>
        </Group>
      )}
    </Stack>
  );
}
