import { Button, Modal, Stack, Table, Text, TextInput } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { api, type GetData, type PostBody } from '../api';
import { ErrorAlert } from '../components';
import { CodeNameForm, ResourceTable } from '../crud';
import { useT } from '../i18n';
import { useSession } from '../session';

/** A role and a member as list-roles and list-role-members return them (typed from the OpenAPI document). */
type Role = GetData<'list-roles'>['list'][number];

const ns = (r: Role) => (r.namespace ? { namespace: r.namespace } : {});

/** Roles: list, search, create, edit (update-role), delete (delete-roles-batch), members (assign, revoke). */
export function RolesPage() {
  const t = useT();
  const { pool } = useSession();
  const qc = useQueryClient();
  const [keywords, setKeywords] = useState('');
  const list = useQuery({ queryKey: [pool, 'roles', keywords], queryFn: () => api.get('list-roles', { page: 1, limit: 100, ...(keywords ? { keywords } : {}) }) });
  const [editing, setEditing] = useState<Role | 'new' | null>(null);
  const [members, setMembers] = useState<Role | null>(null);
  const refresh = () => qc.invalidateQueries({ queryKey: [pool, 'roles'] });
  return (
    <>
      <ResourceTable<Role>
        title={t('roles.title')}
        rows={list.data?.list}
        rowKey={(r) => `${r.namespace}:${r.code}`}
        rowName={(r) => r.code}
        error={list.error}
        search={keywords}
        onSearch={setKeywords}
        columns={[
          { label: t('roles.code'), render: (r) => r.code },
          { label: t('common.name'), render: (r) => r.name ?? '' },
          { label: t('common.description'), render: (r) => r.description ?? '' },
        ]}
        onCreate={() => setEditing('new')}
        onEdit={setEditing}
        onDelete={async (r) => {
          await api.post('delete-roles-batch', { codeList: [r.code], ...ns(r) });
          await refresh();
        }}
        actions={(r) => (
          <Button size="xs" variant="subtle" aria-label={`${t('roles.members')} ${r.code}`} onClick={() => setMembers(r)}>
            {t('roles.members')}
          </Button>
        )}
      />
      {editing && <RoleForm role={editing === 'new' ? null : editing} onClose={() => setEditing(null)} onSaved={refresh} />}
      {members && <Members role={members} onClose={() => setMembers(null)} />}
    </>
  );
}

function RoleForm({ role, onClose, onSaved }: { role: Role | null; onClose: () => void; onSaved: () => Promise<unknown> }) {
  const t = useT();
  return (
    <CodeNameForm
      title={role ? `${t('common.edit')} ${role.code}` : t('roles.create')}
      codeLabel={t('roles.code')}
      initial={role}
      onClose={onClose}
      onSubmit={async (f) => {
        if (role) await api.post('update-role', { code: role.code, ...ns(role), ...(f.code !== role.code ? { newCode: f.code } : {}), name: f.name, description: f.description });
        else await api.post('create-role', { code: f.code, ...(f.name ? { name: f.name } : {}), ...(f.description ? { description: f.description } : {}) });
        await onSaved();
      }}
    />
  );
}

/** The users holding a role: assign by user ID, revoke per row. */
function Members({ role, onClose }: { role: Role; onClose: () => void }) {
  const t = useT();
  const { pool, readOnly } = useSession();
  const qc = useQueryClient();
  const key = [pool, 'role-members', role.namespace, role.code];
  const q = useQuery({ queryKey: key, queryFn: () => api.get('list-role-members', { code: role.code, ...ns(role), page: 1, limit: 100 }) });
  const [userId, setUserId] = useState('');
  const target = (id: string): PostBody<'assign-role'> & PostBody<'revoke-role'> => ({ code: role.code, ...ns(role), targets: [{ targetType: 'USER', targetIdentifier: id }] });
  const assign = useMutation({ mutationFn: () => api.post('assign-role', target(userId.trim())), onSuccess: () => (setUserId(''), void qc.invalidateQueries({ queryKey: key })) });
  const revoke = useMutation({ mutationFn: (id: string) => api.post('revoke-role', target(id)), onSuccess: () => void qc.invalidateQueries({ queryKey: key }) });
  return (
    <Modal opened onClose={onClose} title={`${t('roles.members')}: ${role.code}`} size="lg" closeButtonProps={{ 'aria-label': t('common.close') }}>
      <Stack>
        <ErrorAlert error={q.error ?? assign.error ?? revoke.error} />
        {!readOnly && (
          <form
            onSubmit={(e) => {
              e.preventDefault();
              assign.mutate();
            }}
          >
            <Stack gap="xs">
              <TextInput label={t('roles.userId')} required value={userId} onChange={(e) => setUserId(e.currentTarget.value)} />
              <Button type="submit" loading={assign.isPending} style={{ alignSelf: 'flex-end' }}>
                {t('roles.assign')}
              </Button>
            </Stack>
          </form>
        )}
        {q.data && q.data.list.length === 0 && <Text c="dimmed">{t('common.none')}</Text>}
        <Table>
          <Table.Tbody>
            {q.data?.list.map((m) => (
              <Table.Tr key={m.userId}>
                <Table.Td>{m.userId}</Table.Td>
                <Table.Td>{m.username ?? m.email ?? m.phone ?? ''}</Table.Td>
                <Table.Td>
                  {!readOnly && (
                    <Button size="xs" variant="subtle" color="red" aria-label={`${t('roles.revoke')} ${m.userId}`} onClick={() => revoke.mutate(m.userId)}>
                      {t('roles.revoke')}
                    </Button>
                  )}
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      </Stack>
    </Modal>
  );
}
