import { ActionIcon, Badge, Button, Group, Select, Stack, Text, TextInput, Textarea } from '@mantine/core';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { api, type Page } from '../api';
import { FormModal, ResourceTable } from '../crud';
import { useT } from '../i18n';
import { useSession } from '../session';
import { CheckPermission, GrantForm, GrantsView, resourceKey, RESOURCE_TYPES as TYPES, type Grantable, type Resource, type ResourceType } from './resource-grants';

const ns = (r: Pick<Resource, 'namespace'>) => (r.namespace && r.namespace !== 'default' ? { namespace: r.namespace } : {});

/**
 * Resources and grants (docs/permissions.md): resources with their actions, across permission
 * spaces (list-common-resource, searched by code, name or description); granting a resource's
 * actions to users, roles, groups and departments (authorize-resources, whose empty action list
 * is the vendor's revoke); who has what; and "check a permission" (is-action-allowed).
 */
export function ResourcesPage() {
  const t = useT();
  const { pool, readOnly } = useSession();
  const qc = useQueryClient();
  const [keyword, setKeyword] = useState('');
  const list = useQuery({ queryKey: [pool, 'resources', keyword], queryFn: () => api.get<Page<Resource>>('list-common-resource', { page: 1, limit: 50, ...(keyword ? { keyword } : {}) }) });
  // Every resource (unfiltered) for the grant, grants and check pickers.
  const all = useQuery({ queryKey: [pool, 'resources', ''], queryFn: () => api.get<Page<Resource>>('list-common-resource', { page: 1, limit: 50 }) });
  const [editing, setEditing] = useState<Resource | 'new' | null>(null);
  const [granting, setGranting] = useState<Grantable | null>(null);
  const refresh = () => qc.invalidateQueries({ queryKey: [pool, 'resources'] });
  const resources = all.data?.list ?? [];
  return (
    <>
      <ResourceTable<Resource>
        title={t('res.title')}
        rows={list.data?.list}
        rowKey={resourceKey}
        rowName={(r) => r.code}
        error={list.error}
        search={keyword}
        onSearch={setKeyword}
        columns={[
          { label: t('res.code'), render: (r) => r.code },
          { label: t('common.name'), render: (r) => r.name },
          { label: t('res.type'), render: (r) => <Badge variant="light">{r.type}</Badge> },
          { label: t('res.actions'), render: (r) => r.actions.map((a) => a.name).join(', ') || '—' },
          { label: t('res.namespace'), render: (r) => r.namespace },
        ]}
        onCreate={() => setEditing('new')}
        onEdit={setEditing}
        onDelete={async (r) => {
          await api.post('delete-resource', { code: r.code, ...ns(r) });
          await refresh();
          await qc.invalidateQueries({ queryKey: [pool, 'grants'] });
        }}
        actions={(r) =>
          !readOnly && (
            <Button size="xs" variant="subtle" aria-label={`${t('res.grant')} ${r.code}`} onClick={() => setGranting({ resource: r })}>
              {t('res.grant')}
            </Button>
          )
        }
      />
      {editing && <ResourceForm resource={editing === 'new' ? null : editing} onClose={() => setEditing(null)} onSaved={refresh} />}
      {granting && <GrantForm {...granting} resources={resources} onClose={() => setGranting(null)} />}
      <Stack gap="xl" mt="xl">
        <GrantsView resources={resources} onChange={(g) => setGranting(g)} />
        <CheckPermission resources={resources} />
      </Stack>
    </>
  );
}

function ResourceForm({ resource, onClose, onSaved }: { resource: Resource | null; onClose: () => void; onSaved: () => Promise<unknown> }) {
  const t = useT();
  const [f, setF] = useState({
    code: resource?.code ?? '',
    name: resource?.name ?? '',
    type: (resource?.type ?? 'DATA') as ResourceType,
    description: resource?.description ?? '',
    apiIdentifier: resource?.apiIdentifier ?? '',
    namespace: resource?.namespace ?? '',
  });
  const [actions, setActions] = useState(resource?.actions ?? [{ name: '', description: '' }]);
  const setAction = (i: number, p: Partial<{ name: string; description: string }>) => setActions(actions.map((a, j) => (j === i ? { ...a, ...p } : a)));
  const submit = async () => {
    // Rows left blank are not actions; the server names anything else that is wrong.
    const list = actions.filter((a) => a.name.trim() !== '').map((a) => ({ name: a.name.trim(), ...(a.description ? { description: a.description } : {}) }));
    const body = { code: f.code, type: f.type, name: f.name, description: f.description, apiIdentifier: f.apiIdentifier, actions: list, ...(f.namespace.trim() ? { namespace: f.namespace.trim() } : {}) };
    if (resource) await api.post('update-resource', body);
    else await api.post('create-resource', body);
    await onSaved();
  };
  return (
    <FormModal title={resource ? `${t('common.edit')} ${resource.code}` : t('res.create')} onClose={onClose} onSubmit={submit}>
      <Group grow align="flex-start">
        <TextInput label={t('res.code')} required disabled={!!resource} value={f.code} onChange={(e) => setF({ ...f, code: e.currentTarget.value })} />
        <Select label={t('res.type')} required data={[...TYPES]} value={f.type} allowDeselect={false} onChange={(v) => v && setF({ ...f, type: v as ResourceType })} />
      </Group>
      <TextInput label={t('common.name')} value={f.name} onChange={(e) => setF({ ...f, name: e.currentTarget.value })} />
      <Textarea label={t('common.description')} value={f.description} onChange={(e) => setF({ ...f, description: e.currentTarget.value })} />
      <Group grow align="flex-start">
        <TextInput label={t('res.apiIdentifier')} value={f.apiIdentifier} onChange={(e) => setF({ ...f, apiIdentifier: e.currentTarget.value })} />
        <TextInput label={t('res.namespace')} description={t('res.namespaceHint')} placeholder="default" disabled={!!resource} value={f.namespace} onChange={(e) => setF({ ...f, namespace: e.currentTarget.value })} />
      </Group>
      <Stack gap={6}>
        <Text size="sm" fw={500}>
          {t('res.actions')}
        </Text>
        {actions.map((a, i) => (
          <Group key={i} gap="xs" wrap="nowrap" align="flex-end">
            <TextInput style={{ flex: 1 }} aria-label={t('res.actionName', { n: i + 1 })} placeholder="read" value={a.name} onChange={(e) => setAction(i, { name: e.currentTarget.value })} />
            <TextInput style={{ flex: 2 }} aria-label={t('res.actionDescription', { n: i + 1 })} placeholder={t('common.description')} value={a.description} onChange={(e) => setAction(i, { description: e.currentTarget.value })} />
            <ActionIcon variant="subtle" color="red" size="lg" aria-label={t('res.removeAction', { n: i + 1 })} onClick={() => setActions(actions.filter((_, j) => j !== i))}>
              ×
            </ActionIcon>
          </Group>
        ))}
        <Button variant="light" size="xs" style={{ alignSelf: 'flex-start' }} onClick={() => setActions([...actions, { name: '', description: '' }])}>
          {t('res.addAction')}
        </Button>
      </Stack>
    </FormModal>
  );
}
