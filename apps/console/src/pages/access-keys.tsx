import { Badge, Button, Group, Modal, Table } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { api } from '../api';
import { ConfirmDelete, ErrorAlert, PageHeader, SecretOnce, WriteButton, fmtTime } from '../components';
import { useT } from '../i18n';
import { useSession } from '../session';

interface Key {
  accessKeyId: string;
  enable?: boolean;
  status?: string;
  createdAt?: string;
  lastDate?: string;
}

/** Access keys (AK/SK for the signed management API): create (secret shown once), enable/disable, delete. */
export function AccessKeysPage() {
  const t = useT();
  const { pool, readOnly } = useSession();
  const qc = useQueryClient();
  const list = useQuery({ queryKey: [pool, 'keys'], queryFn: () => api.get<Key[]>('list-access-key') });
  const [created, setCreated] = useState<{ accessKeyId: string; accessKeySecret: string } | null>(null);
  const [deleting, setDeleting] = useState<Key | null>(null);
  const refresh = () => qc.invalidateQueries({ queryKey: [pool, 'keys'] });
  const create = useMutation({ mutationFn: () => api.post<Array<{ accessKeyId: string; accessKeySecret: string }>>('create-access-key', { type: 'userpool' }), onSuccess: (r) => (setCreated(r[0] ?? null), void refresh()) });
  const toggle = useMutation({ mutationFn: (k: Key) => api.post('update-access-key', { accessKeyId: k.accessKeyId, enable: k.enable === false }), onSuccess: () => void refresh() });
  const del = useMutation({ mutationFn: (k: Key) => api.post('delete-access-key', { accessKeyId: k.accessKeyId }), onSuccess: () => (setDeleting(null), void refresh()) });
  return (
    <>
      <PageHeader title={t('keys.title')}>
        <WriteButton onClick={() => create.mutate()} loading={create.isPending}>
          {t('common.create')}
        </WriteButton>
      </PageHeader>
      <ErrorAlert error={list.error ?? create.error ?? toggle.error ?? del.error} />
      <Table striped>
        <Table.Thead>
          <Table.Tr>
            <Table.Th>{t('keys.id')}</Table.Th>
            <Table.Th>{t('users.status')}</Table.Th>
            <Table.Th>{t('common.created')}</Table.Th>
            <Table.Th>{t('keys.lastUsed')}</Table.Th>
            <Table.Th>{t('common.actions')}</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {list.data?.map((k) => (
            <Table.Tr key={k.accessKeyId}>
              <Table.Td>{k.accessKeyId}</Table.Td>
              <Table.Td>
                <Badge color={k.enable === false ? 'gray' : 'teal'} variant="light">
                  {k.enable === false ? t('common.disabled') : t('common.enabled')}
                </Badge>
              </Table.Td>
              <Table.Td>{fmtTime(k.createdAt)}</Table.Td>
              <Table.Td>{fmtTime(k.lastDate || null)}</Table.Td>
              <Table.Td>
                {!readOnly && (
                  <Group gap={4} wrap="nowrap">
                    <Button size="xs" variant="subtle" aria-label={`${k.enable === false ? t('keys.enable') : t('keys.disable')} ${k.accessKeyId}`} onClick={() => toggle.mutate(k)}>
                      {k.enable === false ? t('keys.enable') : t('keys.disable')}
                    </Button>
                    <Button size="xs" variant="subtle" color="red" aria-label={`${t('common.delete')} ${k.accessKeyId}`} onClick={() => setDeleting(k)}>
                      {t('common.delete')}
                    </Button>
                  </Group>
                )}
              </Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
      <Modal opened={!!created} onClose={() => setCreated(null)} title={t('keys.secret')}>
        {created && <SecretOnce label={created.accessKeyId} value={created.accessKeySecret} />}
      </Modal>
      <ConfirmDelete name={deleting?.accessKeyId ?? ''} opened={!!deleting} onClose={() => setDeleting(null)} onConfirm={() => deleting && del.mutate(deleting)} loading={del.isPending} />
    </>
  );
}
