import { Badge, Button, Modal } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { api } from '../api';
import type { GetOperations, PostOperations } from '../generated/management-api';
import { SecretOnce, WriteButton, fmtTime } from '../components';
import { ResourceTable } from '../crud';
import { useT } from '../i18n';
import { useSession } from '../session';

/** An access key as list-access-key returns it (typed from the OpenAPI document). */
type Key = NonNullable<GetOperations['list-access-key']['data']>[number];

/** Access keys (AK/SK for the signed management API): create (secret shown once), enable/disable, delete. */
export function AccessKeysPage() {
  const t = useT();
  const { pool, readOnly } = useSession();
  const qc = useQueryClient();
  const list = useQuery({ queryKey: [pool, 'keys'], queryFn: async () => (await api.get('list-access-key')) ?? [] });
  const [created, setCreated] = useState<NonNullable<PostOperations['create-access-key']['data']>[number] | null>(null);
  const refresh = () => qc.invalidateQueries({ queryKey: [pool, 'keys'] });
  const create = useMutation({ mutationFn: () => api.post('create-access-key', { type: 'userpool' }), onSuccess: (r) => (setCreated(r?.[0] ?? null), void refresh()) });
  const toggle = useMutation({ mutationFn: (k: Key) => api.post('update-access-key', { accessKeyId: k.accessKeyId, enable: k.enable === false }), onSuccess: () => void refresh() });
  const label = (k: Key) => (k.enable === false ? t('keys.enable') : t('keys.disable'));
  return (
    <>
      <ResourceTable<Key>
        title={t('keys.title')}
        rows={list.data}
        rowKey={(k) => k.accessKeyId}
        rowName={(k) => k.accessKeyId}
        error={list.error ?? create.error ?? toggle.error}
        headerExtra={
          <WriteButton onClick={() => create.mutate()} loading={create.isPending}>
            {t('common.create')}
          </WriteButton>
        }
        columns={[
          { label: t('keys.id'), render: (k) => k.accessKeyId },
          { label: t('users.status'), render: (k) => <Badge color={k.enable === false ? 'gray.7' : 'teal.9'} variant="filled">{k.enable === false ? t('common.disabled') : t('common.enabled')}</Badge> },
          { label: t('common.created'), render: (k) => fmtTime(k.createdAt) },
          { label: t('keys.lastUsed'), render: (k) => fmtTime(k.lastDate || null) },
        ]}
        actions={(k) =>
          !readOnly && (
            <Button size="xs" variant="subtle" aria-label={`${label(k)} ${k.accessKeyId}`} onClick={() => toggle.mutate(k)}>
              {label(k)}
            </Button>
          )
        }
        onDelete={async (k) => {
          await api.post('delete-access-key', { accessKeyId: k.accessKeyId });
          await refresh();
        }}
      />
      <Modal opened={!!created} onClose={() => setCreated(null)} title={t('keys.secret')} closeButtonProps={{ 'aria-label': t('common.close') }}>
        {created && <SecretOnce label={created.accessKeyId} value={created.accessKeySecret ?? ''} />}
      </Modal>
    </>
  );
}
