import { Group, Stack, Text } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { api } from '../api';
import { ErrorAlert, WriteButton, fmtTime } from '../components';
import { useT } from '../i18n';
import { useSession } from '../session';
import { SimpleTable } from './simple-table';
import type { User } from './users';

interface LoggedInApp {
  appId: string;
  appName: string;
  lastLoginTime: string;
  clientIp: string;
  userAgent?: string;
}

/** "Chrome 131 on Linux"-style summary of a user agent; the full string stays in the cell's title. */
export function deviceOf(ua: string | undefined): string {
  if (!ua) return '—';
  const browser = /Edg\/(\d+)/.exec(ua) ? `Edge ${/Edg\/(\d+)/.exec(ua)![1]}` : /Firefox\/(\d+)/.exec(ua) ? `Firefox ${/Firefox\/(\d+)/.exec(ua)![1]}` : /Chrom(?:e|ium)\/(\d+)/.exec(ua) ? `Chrome ${/Chrom(?:e|ium)\/(\d+)/.exec(ua)![1]}` : /Version\/(\d+).*Safari/.exec(ua) ? `Safari ${/Version\/(\d+)/.exec(ua)![1]}` : ua.split(/[\s/]/)[0]!;
  const os = /Windows/.test(ua) ? 'Windows' : /iPhone|iPad/.test(ua) ? 'iOS' : /Mac OS X/.test(ua) ? 'macOS' : /Android/.test(ua) ? 'Android' : /Linux/.test(ua) ? 'Linux' : '';
  return os ? `${browser} · ${os}` : browser;
}

/**
 * The applications the user is signed in to (get-user-loggedin-apps: a successful sign-in since
 * the last forced logout) with the device and IP of the latest one; "sign out everywhere" is
 * kick-users, which ends every session and refresh token of the user at once.
 */
export function UserSessions({ user }: { user: User }) {
  const t = useT();
  const { pool } = useSession();
  const qc = useQueryClient();
  const key = [pool, 'user-sessions', user.userId];
  const q = useQuery({ queryKey: key, queryFn: () => api.get<LoggedInApp[]>('get-user-loggedin-apps', { userId: user.userId }) });
  const [done, setDone] = useState(false);
  const kick = useMutation({
    mutationFn: () => api.post('kick-users', { userId: user.userId, appIds: [] }),
    onMutate: () => setDone(false),
    onSuccess: () => {
      setDone(true);
      void qc.invalidateQueries({ queryKey: key });
      void qc.invalidateQueries({ queryKey: [pool, 'user-history', user.userId] });
    },
  });
  return (
    <Stack>
      <Text size="sm" c="dimmed">
        {t('users.sessions.hint')}
      </Text>
      <ErrorAlert error={q.error ?? kick.error} />
      <SimpleTable
        head={[t('users.app'), t('users.sessions.last'), t('users.ip'), t('users.sessions.device')]}
        rows={q.data?.map((a) => [
          a.appName || a.appId,
          fmtTime(a.lastLoginTime),
          a.clientIp || '—',
          <span key="ua" title={a.userAgent}>
            {deviceOf(a.userAgent)}
          </span>,
        ])}
      />
      {done && (
        <Text role="status" c="teal.9">
          {t('users.sessions.ended')}
        </Text>
      )}
      <Group>
        <WriteButton color="red" variant="light" onClick={() => kick.mutate()} loading={kick.isPending} disabled={q.data?.length === 0}>
          {t('users.sessions.endAll')}
        </WriteButton>
      </Group>
    </Stack>
  );
}
