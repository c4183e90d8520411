import { Badge, Button, Group, Modal, Stack, Table, TextInput, Textarea } from '@mantine/core';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { api } from '../api';
import { ErrorAlert, PageHeader, SecretOnce, WriteButton, fmtTime } from '../components';
import { useT } from '../i18n';
import { useSession } from '../session';

/** User pools: the ones this administrator sees; owners create more (the API has no pool update or delete). */
export function PoolsPage() {
  const t = useT();
  const { me } = useSession();
  const qc = useQueryClient();
  const [open, setOpen] = useState(false);
  const [form, setForm] = useState({ name: '', description: '', userPoolId: '' });
  const [created, setCreated] = useState<{ userPoolId: string; accessKeyId: string; accessKeySecret: string } | null>(null);
  const create = useMutation({
    mutationFn: () => api.post<{ userPoolId: string; accessKeyId: string; accessKeySecret: string }>('create-userpool', { name: form.name, ...(form.description ? { description: form.description } : {}), ...(form.userPoolId ? { userPoolId: form.userPoolId } : {}) }),
    onSuccess: (r) => {
      setOpen(false);
      setCreated(r);
      setForm({ name: '', description: '', userPoolId: '' });
      void qc.invalidateQueries({ queryKey: ['me'] });
    },
  });
  return (
    <>
      <PageHeader title={t('pools.title')}>{me.role === 'owner' && <WriteButton onClick={() => setOpen(true)}>{t('common.create')}</WriteButton>}</PageHeader>
      <Table striped highlightOnHover>
        <Table.Thead>
          <Table.Tr>
            <Table.Th>{t('common.name')}</Table.Th>
            <Table.Th>{t('pools.id')}</Table.Th>
            <Table.Th>{t('common.created')}</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {me.pools.map((p) => (
            <Table.Tr key={p.userPoolId}>
              <Table.Td>
                {p.name} {p.isDefault && <Badge variant="light">{t('pools.default')}</Badge>}
              </Table.Td>
              <Table.Td>{p.userPoolId}</Table.Td>
              <Table.Td>{fmtTime(p.createdAt)}</Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
      <Modal opened={open} onClose={() => setOpen(false)} title={t('common.create')}>
        <form
          onSubmit={(e) => {
            e.preventDefault();
            create.mutate();
          }}
        >
          <Stack>
            <ErrorAlert error={create.error} />
            <TextInput label={t('common.name')} required value={form.name} onChange={(e) => setForm({ ...form, name: e.currentTarget.value })} />
            <TextInput label={t('pools.id')} value={form.userPoolId} onChange={(e) => setForm({ ...form, userPoolId: e.currentTarget.value })} />
            <Textarea label={t('common.description')} value={form.description} onChange={(e) => setForm({ ...form, description: e.currentTarget.value })} />
            <Group justify="flex-end">
              <Button type="submit" loading={create.isPending}>
                {t('common.save')}
              </Button>
            </Group>
          </Stack>
        </form>
      </Modal>
      <Modal opened={!!created} onClose={() => setCreated(null)} title={t('pools.createdKey')}>
        {created && (
          <Stack>
            <SecretOnce label={`${t('keys.id')}: ${created.accessKeyId}`} value={created.accessKeySecret} />
          </Stack>
        )}
      </Modal>
    </>
  );
}
