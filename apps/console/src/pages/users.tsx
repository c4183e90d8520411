import { Badge, Button, Menu, PasswordInput, Text, TextInput } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { api, type Page } from '../api';
import { fmtTime } from '../components';
import { FormModal, ResourceTable } from '../crud';
import { useT } from '../i18n';
import { useSession } from '../session';
import { UserDetails } from './user-details';

export interface User {
  userId: string;
  email?: string | null;
  username?: string | null;
  phone?: string | null;
  name?: string | null;
  externalId?: string | null;
  status: string;
  createdAt: string;
}

export const userLabel = (u: User) => u.email ?? u.username ?? u.phone ?? u.userId;
/** "Any identifier": the id and external id besides the vendor's default fuzzy fields (ListUsersOptionsDto.fuzzySearchOn). */
const SEARCH_ON = ['id', 'externalId', 'email', 'phone', 'username', 'name', 'nickname'];

/** Users: search by any identifier, create, edit, block/unblock, unlock, reset password, force logout, delete; details (history, sessions and devices, identities, MFA, roles, groups, departments, custom data). */
export function UsersPage() {
  const t = useT();
  const { pool, readOnly } = useSession();
  const qc = useQueryClient();
  const [keywords, setKeywords] = useState('');
  const list = useQuery({
    queryKey: [pool, 'users', keywords],
    queryFn: () => api.post<Page<User>>('list-users', { ...(keywords ? { keywords } : {}), options: { pagination: { page: 1, limit: 50 }, ...(keywords ? { fuzzySearchOn: SEARCH_ON } : {}) } }),
  });
  const [editing, setEditing] = useState<User | 'new' | null>(null);
  const [resetting, setResetting] = useState<User | null>(null);
  const [details, setDetails] = useState<User | null>(null);
  const [notice, setNotice] = useState('');
  const refresh = () => qc.invalidateQueries({ queryKey: [pool, 'users'] });
  const action = useMutation({
    mutationFn: ({ path, body }: { path: string; body: unknown }) => api.post(path, body),
    onMutate: () => setNotice(''),
    onSuccess: () => {
      setNotice(t('users.done'));
      void refresh();
    },
  });

  return (
    <>
      <ResourceTable<User>
        title={t('users.title')}
        rows={list.data?.list}
        rowKey={(u) => u.userId}
        rowName={userLabel}
        error={list.error ?? action.error}
        search={keywords}
        onSearch={setKeywords}
        onCreate={() => setEditing('new')}
        onEdit={setEditing}
        onDelete={async (u) => {
          await api.post('delete-users-batch', { userIds: [u.userId] });
          await refresh();
        }}
        columns={[
          { label: t('users.email'), render: (u) => u.email ?? '—' },
          { label: t('users.username'), render: (u) => u.username ?? '—' },
          { label: t('users.phone'), render: (u) => u.phone ?? '—' },
          {
            label: t('users.status'),
            render: (u) => (
              <Badge color={u.status === 'Activated' ? 'teal.9' : 'gray.7'} variant="filled">
                {u.status}
              </Badge>
            ),
          },
          { label: t('common.created'), render: (u) => fmtTime(u.createdAt) },
        ]}
        actions={(u) => (
          <>
            <Button size="xs" variant="subtle" aria-label={`${t('users.details')} ${userLabel(u)}`} onClick={() => setDetails(u)}>
              {t('users.details')}
            </Button>
            {!readOnly && (
              <Menu>
                <Menu.Target>
                  <Button size="xs" variant="subtle" aria-label={`${t('common.actions')} ${userLabel(u)}`}>
                    …
                  </Button>
                </Menu.Target>
                <Menu.Dropdown>
                  <Menu.Item onClick={() => action.mutate({ path: 'update-user', body: { userId: u.userId, status: u.status === 'Suspended' ? 'Activated' : 'Suspended' } })}>{u.status === 'Suspended' ? t('users.unblock') : t('users.block')}</Menu.Item>
                  <Menu.Item onClick={() => action.mutate({ path: 'unlock-user', body: { userId: u.userId } })}>{t('users.unlock')}</Menu.Item>
                  <Menu.Item onClick={() => setResetting(u)}>{t('users.resetPassword')}</Menu.Item>
                  <Menu.Item onClick={() => action.mutate({ path: 'kick-users', body: { userId: u.userId, appIds: [] } })}>{t('users.forceLogout')}</Menu.Item>
                </Menu.Dropdown>
              </Menu>
            )}
          </>
        )}
      />
      {notice && (
        <Text role="status" c="teal.9" mt="sm">
          {notice}
        </Text>
      )}
      {editing && <UserForm user={editing === 'new' ? null : editing} onClose={() => setEditing(null)} onSaved={() => void refresh()} />}
      {resetting && <ResetPassword user={resetting} onClose={() => setResetting(null)} onDone={() => setNotice(t('users.done'))} />}
      {details && <UserDetails user={details} onClose={() => setDetails(null)} />}
    </>
  );
}

function UserForm({ user, onClose, onSaved }: { user: User | null; onClose: () => void; onSaved: () => void }) {
  const t = useT();
  const [f, setF] = useState({ email: user?.email ?? '', username: user?.username ?? '', phone: user?.phone ?? '', name: user?.name ?? '', password: '' });
  const submit = async () => {
    const fields = Object.fromEntries(Object.entries(f).filter(([k, v]) => v !== '' && k !== 'password'));
    await (user ? api.post('update-user', { userId: user.userId, ...fields }) : api.post('create-user', { ...fields, ...(f.password ? { password: f.password } : {}) }));
    onSaved();
  };
  const field = (k: keyof typeof f, l: string) => <TextInput label={l} value={f[k]} onChange={(e) => setF({ ...f, [k]: e.currentTarget.value })} />;
  return (
    <FormModal title={user ? `${t('common.edit')} ${userLabel(user)}` : t('common.create')} onClose={onClose} onSubmit={submit}>
      {field('email', t('users.email'))}
      {field('username', t('users.username'))}
      {field('phone', t('users.phone'))}
      {field('name', t('users.name'))}
      {!user && <PasswordInput label={t('users.password')} autoComplete="new-password" value={f.password} onChange={(e) => setF({ ...f, password: e.currentTarget.value })} />}
    </FormModal>
  );
}

function ResetPassword({ user, onClose, onDone }: { user: User; onClose: () => void; onDone: () => void }) {
  const t = useT();
  const [password, setPassword] = useState('');
  return (
    <FormModal
      title={`${t('users.resetPassword')}: ${userLabel(user)}`}
      onClose={onClose}
      onSubmit={async () => {
        await api.post('update-user', { userId: user.userId, password });
        onDone();
      }}
    >
      <PasswordInput label={t('users.newPassword')} required autoComplete="new-password" value={password} onChange={(e) => setPassword(e.currentTarget.value)} />
    </FormModal>
  );
}

