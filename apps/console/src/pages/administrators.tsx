import { Badge, Checkbox, Group, Modal, PasswordInput, Radio, TextInput } from '@mantine/core';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { api, type Page } from '../api';
import { SecretOnce, fmtTime } from '../components';
import { FormModal, ResourceTable } from '../crud';
import { useT, type MessageKey } from '../i18n';
import { useSession } from '../session';

interface Admin {
  userId: string;
  email: string | null;
  role: 'owner' | 'pool-admin' | 'auditor';
  poolIds: string[];
  createdAt: string;
}
const ROLES = ['owner', 'pool-admin', 'auditor'] as const;
const nameOf = (a: Admin) => a.email ?? a.userId;

/**
 * Administrators of the console (owners only; the navigation shows the page to owners and the
 * server refuses everyone else with console.owner_only): create with a role and pools (a
 * generated password shown once), change the role, remove. The last owner stays an owner.
 */
export function AdministratorsPage() {
  const t = useT();
  const { me } = useSession();
  const qc = useQueryClient();
  const [search, setSearch] = useState('');
  const list = useQuery({ queryKey: ['administrators'], queryFn: () => api.get<Page<Admin>>('console/list-administrators') });
  const [editing, setEditing] = useState<Admin | 'new' | null>(null);
  const [created, setCreated] = useState<{ email: string; password: string } | null>(null);
  const refresh = () => qc.invalidateQueries({ queryKey: ['administrators'] });
  const rows = list.data?.list.filter((a) => !search || nameOf(a).toLowerCase().includes(search.toLowerCase()));
  const poolName = (id: string) => me.pools.find((p) => p.userPoolId === id)?.name ?? id;
  return (
    <>
      <ResourceTable<Admin>
        title={t('admins.title')}
        rows={rows}
        rowKey={(a) => a.userId}
        rowName={nameOf}
        error={list.error}
        search={search}
        onSearch={setSearch}
        onCreate={() => setEditing('new')}
        onEdit={setEditing}
        onDelete={async (a) => {
          await api.post('console/delete-administrator', { userId: a.userId });
          await refresh();
        }}
        columns={[
          { label: t('admins.email'), render: (a) => (a.userId === me.userId ? `${nameOf(a)} (${t('admins.you')})` : nameOf(a)) },
          { label: t('admins.role'), render: (a) => <Badge variant="light">{t(`admins.role.${a.role}` as MessageKey)}</Badge> },
          { label: t('admins.pools'), render: (a) => (a.poolIds.length === 0 ? t('admins.allPools') : a.poolIds.map(poolName).join(', ')) },
          { label: t('common.created'), render: (a) => fmtTime(a.createdAt) },
        ]}
      />
      {editing && (
        <AdminForm
          admin={editing === 'new' ? null : editing}
          onClose={() => setEditing(null)}
          onCreated={(email, password) => password && setCreated({ email, password })}
          onSaved={() => void refresh()}
        />
      )}
      <Modal opened={!!created} onClose={() => setCreated(null)} title={created ? t('admins.generated', { email: created.email }) : ''} closeButtonProps={{ 'aria-label': t('common.close') }}>
        {created && <SecretOnce label={created.email} value={created.password} />}
      </Modal>
    </>
  );
}

function AdminForm({ admin, onClose, onCreated, onSaved }: { admin: Admin | null; onClose: () => void; onCreated: (email: string, password?: string) => void; onSaved: () => void }) {
  const t = useT();
  const { me } = useSession();
  const [email, setEmail] = useState(admin?.email ?? '');
  const [password, setPassword] = useState('');
  const [role, setRole] = useState<Admin['role']>(admin?.role ?? 'pool-admin');
  const [poolIds, setPoolIds] = useState<string[]>(admin?.poolIds ?? []);
  const submit = async () => {
    const pools = role === 'owner' ? [] : poolIds;
    if (admin) await api.post('console/update-administrator', { userId: admin.userId, role, poolIds: pools });
    else {
      const r = await api.post<Admin & { password?: string }>('console/create-administrator', { email, role, poolIds: pools, ...(password ? { password } : {}) });
      onCreated(email, r.password);
    }
    onSaved();
  };
  return (
    <FormModal title={admin ? `${t('common.edit')} ${nameOf(admin)}` : t('common.create')} onClose={onClose} onSubmit={submit}>
      {admin ? null : (
        <>
          <TextInput label={t('admins.email')} type="email" required value={email} onChange={(e) => setEmail(e.currentTarget.value)} />
          <PasswordInput label={t('admins.password')} value={password} onChange={(e) => setPassword(e.currentTarget.value)} autoComplete="new-password" />
        </>
      )}
      <Radio.Group label={t('admins.role')} value={role} onChange={(v) => setRole(v as Admin['role'])}>
        <Group mt="xs">
          {ROLES.map((r) => (
            <Radio key={r} value={r} label={t(`admins.role.${r}` as MessageKey)} />
          ))}
        </Group>
      </Radio.Group>
      {role !== 'owner' && (
        <Checkbox.Group label={t('admins.pools')} value={poolIds} onChange={setPoolIds}>
          <Group mt="xs">
            {me.pools.map((p) => (
              <Checkbox key={p.userPoolId} value={p.userPoolId} label={`${p.name} (${p.userPoolId})`} />
            ))}
          </Group>
        </Checkbox.Group>
      )}
    </FormModal>
  );
}
