import { Button, Group, Modal, Stack, Table, TextInput, Textarea } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { api, type Page } from '../api';
import { ErrorAlert, PageHeader, WriteButton } from '../components';
import { useT } from '../i18n';
import { useSession } from '../session';

interface Role {
  code: string;
  name?: string;
  description?: string;
  namespace?: string;
}

/** Roles: list, search, create, assign to a user (the API offers no role update or delete yet). */
export function RolesPage() {
  const t = useT();
  const { pool, readOnly } = useSession();
  const qc = useQueryClient();
  const [keywords, setKeywords] = useState('');
  const list = useQuery({ queryKey: [pool, 'roles', keywords], queryFn: () => api.get<Page<Role>>('list-roles', { page: 1, limit: 100, ...(keywords ? { keywords } : {}) }) });
  const [creating, setCreating] = useState(false);
  const [assigning, setAssigning] = useState<Role | null>(null);
  const [f, setF] = useState({ code: '', name: '', description: '' });
  const [userId, setUserId] = useState('');
  const create = useMutation({
    mutationFn: () => api.post('create-role', { code: f.code, ...(f.name ? { name: f.name } : {}), ...(f.description ? { description: f.description } : {}) }),
    onSuccess: () => {
      setCreating(false);
      setF({ code: '', name: '', description: '' });
      void qc.invalidateQueries({ queryKey: [pool, 'roles'] });
    },
  });
  const assign = useMutation({
    mutationFn: () => api.post('assign-role', { code: assigning!.code, ...(assigning!.namespace ? { namespace: assigning!.namespace } : {}), targets: [{ targetType: 'USER', targetIdentifier: userId }] }),
    onSuccess: () => {
      setAssigning(null);
      setUserId('');
    },
  });
  return (
    <>
      <PageHeader title={t('roles.title')}>
        <TextInput aria-label={t('common.search')} placeholder={t('common.search')} value={keywords} onChange={(e) => setKeywords(e.currentTarget.value)} />
        <WriteButton onClick={() => setCreating(true)}>{t('common.create')}</WriteButton>
      </PageHeader>
      <ErrorAlert error={list.error} />
      <Table striped highlightOnHover>
        <Table.Thead>
          <Table.Tr>
            <Table.Th>{t('roles.code')}</Table.Th>
            <Table.Th>{t('common.name')}</Table.Th>
            <Table.Th>{t('common.description')}</Table.Th>
            <Table.Th>{t('common.actions')}</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {list.data?.list.map((r) => (
            <Table.Tr key={`${r.namespace}:${r.code}`}>
              <Table.Td>{r.code}</Table.Td>
              <Table.Td>{r.name ?? ''}</Table.Td>
              <Table.Td>{r.description ?? ''}</Table.Td>
              <Table.Td>
                {!readOnly && (
                  <Button size="xs" variant="subtle" aria-label={`${t('roles.assign')} ${r.code}`} onClick={() => setAssigning(r)}>
                    {t('roles.assign')}
                  </Button>
                )}
              </Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
      <Modal opened={creating} onClose={() => setCreating(false)} title={t('common.create')}>
        <form
          onSubmit={(e) => {
            e.preventDefault();
            create.mutate();
          }}
        >
          <Stack>
            <ErrorAlert error={create.error} />
            <TextInput label={t('roles.code')} required value={f.code} onChange={(e) => setF({ ...f, code: e.currentTarget.value })} />
            <TextInput label={t('common.name')} value={f.name} onChange={(e) => setF({ ...f, name: e.currentTarget.value })} />
            <Textarea label={t('common.description')} value={f.description} onChange={(e) => setF({ ...f, description: e.currentTarget.value })} />
            <Group justify="flex-end">
              <Button type="submit" loading={create.isPending}>
                {t('common.save')}
              </Button>
            </Group>
          </Stack>
        </form>
      </Modal>
      <Modal opened={!!assigning} onClose={() => setAssigning(null)} title={`${t('roles.assign')}: ${assigning?.code ?? ''}`}>
        <form
          onSubmit={(e) => {
            e.preventDefault();
            assign.mutate();
          }}
        >
          <Stack>
            <ErrorAlert error={assign.error} />
            <TextInput label={t('roles.userId')} required value={userId} onChange={(e) => setUserId(e.currentTarget.value)} />
            <Group justify="flex-end">
              <Button type="submit" loading={assign.isPending}>
                {t('common.save')}
              </Button>
            </Group>
          </Stack>
        </form>
      </Modal>
    </>
  );
}
