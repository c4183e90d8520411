import { Badge, Modal, Stack, TextInput, Textarea } from '@mantine/core';
import { useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { api } from '../api';
import { SecretOnce, fmtTime } from '../components';
import { FormModal, ResourceTable } from '../crud';
import { useT } from '../i18n';
import { useSession, type Me } from '../session';

type Pool = Me['pools'][number];

/** User pools: the ones this administrator sees; owners create more (the API has no pool update or delete). */
export function PoolsPage() {
  const t = useT();
  const { me } = useSession();
  const qc = useQueryClient();
  const [open, setOpen] = useState(false);
  const [created, setCreated] = useState<{ userPoolId: string; accessKeyId: string; accessKeySecret: string } | null>(null);
  return (
    <>
      <ResourceTable<Pool>
        title={t('pools.title')}
        rows={me.pools}
        rowKey={(p) => p.userPoolId}
        rowName={(p) => p.name}
        columns={[
          { label: t('common.name'), render: (p) => <>{p.name} {p.isDefault && <Badge variant="light">{t('pools.default')}</Badge>}</> },
          { label: t('pools.id'), render: (p) => p.userPoolId },
          { label: t('common.created'), render: (p) => fmtTime(p.createdAt) },
        ]}
        {...(me.role === 'owner' ? { onCreate: () => setOpen(true) } : {})}
      />
      {open && (
        <PoolForm
          onClose={() => setOpen(false)}
          onCreated={async (r) => {
            setCreated(r);
            await qc.invalidateQueries({ queryKey: ['me'] });
          }}
        />
      )}
      <Modal opened={!!created} onClose={() => setCreated(null)} title={t('pools.createdKey')} closeButtonProps={{ 'aria-label': t('common.close') }}>
        {created && (
          <Stack>
            <SecretOnce label={`${t('keys.id')}: ${created.accessKeyId}`} value={created.accessKeySecret} />
          </Stack>
        )}
      </Modal>
    </>
  );
}

function PoolForm({ onClose, onCreated }: { onClose: () => void; onCreated: (r: { userPoolId: string; accessKeyId: string; accessKeySecret: string }) => Promise<unknown> }) {
  const t = useT();
  const [form, setForm] = useState({ name: '', description: '', userPoolId: '' });
  const submit = async () =>
    onCreated(await api.post<{ userPoolId: string; accessKeyId: string; accessKeySecret: string }>('create-userpool', { name: form.name, ...(form.description ? { description: form.description } : {}), ...(form.userPoolId ? { userPoolId: form.userPoolId } : {}) }));
  return (
    <FormModal title={t('common.create')} onClose={onClose} onSubmit={submit}>
      <TextInput label={t('common.name')} required value={form.name} onChange={(e) => setForm({ ...form, name: e.currentTarget.value })} />
      <TextInput label={t('pools.id')} value={form.userPoolId} onChange={(e) => setForm({ ...form, userPoolId: e.currentTarget.value })} />
      <Textarea label={t('common.description')} value={form.description} onChange={(e) => setForm({ ...form, description: e.currentTarget.value })} />
    </FormModal>
  );
}
