import { Badge, Button, Group, Menu, Modal, PasswordInput, Stack, Table, Text, TextInput } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { api, type Page } from '../api';
import { ConfirmDelete, ErrorAlert, PageHeader, WriteButton, fmtTime } from '../components';
import { useT } from '../i18n';
import { useSession } from '../session';

interface User {
  userId: string;
  email?: string | null;
  username?: string | null;
  phone?: string | null;
  name?: string | null;
  status: string;
  createdAt: string;
  lastLogin?: string | null;
}

const label = (u: User) => u.email ?? u.username ?? u.phone ?? u.userId;

/** Users: search by any identifier, create, edit, block, unlock, reset password, force logout, delete, login history. */
export function UsersPage() {
  const t = useT();
  const { pool, readOnly } = useSession();
  const qc = useQueryClient();
  const [keywords, setKeywords] = useState('');
  const list = useQuery({ queryKey: [pool, 'users', keywords], queryFn: () => api.post<Page<User>>('list-users', { ...(keywords ? { keywords } : {}), options: { pagination: { page: 1, limit: 50 } } }) });
  const [editing, setEditing] = useState<User | 'new' | null>(null);
  const [deleting, setDeleting] = useState<User | null>(null);
  const [resetting, setResetting] = useState<User | null>(null);
  const [history, setHistory] = useState<User | null>(null);
  const [notice, setNotice] = useState('');
  const refresh = () => qc.invalidateQueries({ queryKey: [pool, 'users'] });
  const action = useMutation({
    mutationFn: ({ path, body }: { path: string; body: unknown }) => api.post(path, body),
    onSuccess: () => {
      setDeleting(null);
      setNotice(t('users.done'));
      void refresh();
    },
  });

  return (
    <>
      <PageHeader title={t('users.title')}>
        <TextInput aria-label={t('common.search')} placeholder={t('common.search')} value={keywords} onChange={(e) => setKeywords(e.currentTarget.value)} />
        <WriteButton onClick={() => setEditing('new')}>{t('common.create')}</WriteButton>
      </PageHeader>
      <ErrorAlert error={list.error ?? action.error} />
      {notice && (
        <Text role="status" c="teal.9" mb="sm">
          {notice}
        </Text>
      )}
      <Table striped highlightOnHover>
        <Table.Thead>
          <Table.Tr>
            <Table.Th>{t('users.email')}</Table.Th>
            <Table.Th>{t('users.username')}</Table.Th>
            <Table.Th>{t('users.phone')}</Table.Th>
            <Table.Th>{t('users.status')}</Table.Th>
            <Table.Th>{t('common.created')}</Table.Th>
            <Table.Th>{t('common.actions')}</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {list.data?.list.map((u) => (
            <Table.Tr key={u.userId}>
              <Table.Td>{u.email ?? '—'}</Table.Td>
              <Table.Td>{u.username ?? '—'}</Table.Td>
              <Table.Td>{u.phone ?? '—'}</Table.Td>
              <Table.Td>
                <Badge color={u.status === 'Activated' ? 'teal.9' : 'gray.7'} variant="filled">
                  {u.status}
                </Badge>
              </Table.Td>
              <Table.Td>{fmtTime(u.createdAt)}</Table.Td>
              <Table.Td>
                <Group gap={4} wrap="nowrap">
                  <Button size="xs" variant="subtle" aria-label={`${t('users.history')} ${label(u)}`} onClick={() => setHistory(u)}>
                    {t('users.history')}
                  </Button>
                  {!readOnly && (
                    <>
                      <Button size="xs" variant="subtle" aria-label={`${t('common.edit')} ${label(u)}`} onClick={() => setEditing(u)}>
                        {t('common.edit')}
                      </Button>
                      <Menu>
                        <Menu.Target>
                          <Button size="xs" variant="subtle" aria-label={`${t('common.actions')} ${label(u)}`}>
                            …
                          </Button>
                        </Menu.Target>
                        <Menu.Dropdown>
                          <Menu.Item onClick={() => action.mutate({ path: 'update-user', body: { userId: u.userId, status: u.status === 'Suspended' ? 'Activated' : 'Suspended' } })}>{u.status === 'Suspended' ? t('users.unblock') : t('users.block')}</Menu.Item>
                          <Menu.Item onClick={() => action.mutate({ path: 'unlock-user', body: { userId: u.userId } })}>{t('users.unlock')}</Menu.Item>
                          <Menu.Item onClick={() => setResetting(u)}>{t('users.resetPassword')}</Menu.Item>
                          <Menu.Item onClick={() => action.mutate({ path: 'kick-users', body: { userId: u.userId, appIds: [] } })}>{t('users.forceLogout')}</Menu.Item>
                          <Menu.Item color="red" onClick={() => setDeleting(u)}>
                            {t('common.delete')}
                          </Menu.Item>
                        </Menu.Dropdown>
                      </Menu>
                    </>
                  )}
                </Group>
              </Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
      {editing && <UserForm user={editing === 'new' ? null : editing} onClose={() => setEditing(null)} onSaved={() => void refresh()} />}
      {resetting && <ResetPassword user={resetting} onClose={() => setResetting(null)} />}
      {history && <History user={history} onClose={() => setHistory(null)} />}
      <ConfirmDelete name={deleting ? label(deleting) : ''} opened={!!deleting} onClose={() => setDeleting(null)} onConfirm={() => deleting && action.mutate({ path: 'delete-users-batch', body: { userIds: [deleting.userId] } })} loading={action.isPending} />
    </>
  );
}

function UserForm({ user, onClose, onSaved }: { user: User | null; onClose: () => void; onSaved: () => void }) {
  const t = useT();
  const [f, setF] = useState({ email: user?.email ?? '', username: user?.username ?? '', phone: user?.phone ?? '', name: user?.name ?? '', password: '' });
  const save = useMutation({
    mutationFn: () => {
      const fields = Object.fromEntries(Object.entries(f).filter(([k, v]) => v !== '' && k !== 'password'));
      return user ? api.post('update-user', { userId: user.userId, ...fields }) : api.post('create-user', { ...fields, ...(f.password ? { password: f.password } : {}) });
    },
    onSuccess: () => {
      onSaved();
      onClose();
    },
  });
  const field = (k: keyof typeof f, l: string) => <TextInput label={l} value={f[k]} onChange={(e) => setF({ ...f, [k]: e.currentTarget.value })} />;
  return (
    <Modal opened onClose={onClose} title={user ? `${t('common.edit')} ${label(user)}` : t('common.create')}>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          save.mutate();
        }}
      >
        <Stack>
          <ErrorAlert error={save.error} />
          {field('email', t('users.email'))}
          {field('username', t('users.username'))}
          {field('phone', t('users.phone'))}
          {field('name', t('common.name'))}
          {!user && <PasswordInput label={t('users.password')} value={f.password} onChange={(e) => setF({ ...f, password: e.currentTarget.value })} />}
          <Group justify="flex-end">
            <Button type="submit" loading={save.isPending}>
              {t('common.save')}
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}

function ResetPassword({ user, onClose }: { user: User; onClose: () => void }) {
  const t = useT();
  const [password, setPassword] = useState('');
  const save = useMutation({ mutationFn: () => api.post('update-user', { userId: user.userId, password }), onSuccess: onClose });
  return (
    <Modal opened onClose={onClose} title={`${t('users.resetPassword')}: ${label(user)}`}>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          save.mutate();
        }}
      >
        <Stack>
          <ErrorAlert error={save.error} />
          <PasswordInput label={t('users.newPassword')} required value={password} onChange={(e) => setPassword(e.currentTarget.value)} />
          <Group justify="flex-end">
            <Button type="submit" loading={save.isPending}>
              {t('common.save')}
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}

function History({ user, onClose }: { user: User; onClose: () => void }) {
  const t = useT();
  const { pool } = useSession();
  const q = useQuery({ queryKey: [pool, 'history', user.userId], queryFn: () => api.get<Page<{ loginAt?: string; createdAt?: string; success?: boolean; ip?: string; clientIp?: string; appId?: string }>>('get-user-login-history', { userId: user.userId, page: 1, limit: 50 }) });
  return (
    <Modal opened onClose={onClose} title={`${t('users.history')}: ${label(user)}`} size="lg">
      <ErrorAlert error={q.error} />
      {q.data && q.data.list.length === 0 && <Text>{t('common.none')}</Text>}
      <Table>
        <Table.Tbody>
          {q.data?.list.map((h, i) => (
            <Table.Tr key={i}>
              <Table.Td>{fmtTime(h.loginAt ?? h.createdAt)}</Table.Td>
              <Table.Td>{h.clientIp ?? h.ip ?? ''}</Table.Td>
              <Table.Td>{h.appId ?? ''}</Table.Td>
              <Table.Td>{h.success === false ? '✗' : '✓'}</Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </Modal>
  );
}
