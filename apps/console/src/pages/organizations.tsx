import { Button, TextInput, Textarea } from '@mantine/core';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { api, type GetData } from '../api';
import { FormModal, ResourceTable } from '../crud';
import { useT } from '../i18n';
import { useSession } from '../session';
import { DepartmentTree } from './departments';

/** An organisation as list-organizations returns it (typed from the OpenAPI document). */
type Org = GetData<'list-organizations'>['list'][number];

/** Organisations (list-organizations / search-organizations, create, rename, delete): each has a root department, whose tree opens below the list. */
export function OrganizationsPage() {
  const t = useT();
  const { pool } = useSession();
  const qc = useQueryClient();
  const [keywords, setKeywords] = useState('');
  const list = useQuery({
    queryKey: [pool, 'orgs', keywords],
    queryFn: () => (keywords ? api.get('search-organizations', { keywords, page: 1, limit: 50 }) : api.get('list-organizations', { page: 1, limit: 50 })),
  });
  const [editing, setEditing] = useState<Org | 'new' | null>(null);
  const [tree, setTree] = useState<string | null>(null);
  const treeOrg = list.data?.list.find((o) => o.organizationCode === tree);
  const refresh = () => qc.invalidateQueries({ queryKey: [pool, 'orgs'] });
  return (
    <>
      <ResourceTable<Org>
        title={t('orgs.title')}
        rows={list.data?.list}
        rowKey={(o) => o.organizationCode}
        rowName={(o) => o.organizationName}
        error={list.error}
        search={keywords}
        onSearch={setKeywords}
        columns={[
          { label: t('orgs.code'), render: (o) => o.organizationCode },
          { label: t('common.name'), render: (o) => o.organizationName },
          { label: t('common.description'), render: (o) => o.description ?? '' },
          { label: t('orgs.rootDepartment'), render: (o) => o.departmentId },
        ]}
        onCreate={() => setEditing('new')}
        onEdit={setEditing}
        onDelete={async (o) => {
          await api.post('delete-organization', { organizationCode: o.organizationCode });
          if (tree === o.organizationCode) setTree(null);
          await refresh();
        }}
        actions={(o) => (
          <Button size="xs" variant="subtle" aria-label={`${t('orgs.departments')} ${o.organizationName}`} aria-pressed={tree === o.organizationCode} onClick={() => setTree(tree === o.organizationCode ? null : o.organizationCode)}>
            {t('orgs.departments')}
          </Button>
        )}
      />
      {treeOrg && <DepartmentTree key={treeOrg.organizationCode} organizationCode={treeOrg.organizationCode} organizationName={treeOrg.organizationName} rootId={treeOrg.departmentId} />}
      {editing && <OrgForm org={editing === 'new' ? null : editing} onClose={() => setEditing(null)} onSaved={refresh} />}
    </>
  );
}

function OrgForm({ org, onClose, onSaved }: { org: Org | null; onClose: () => void; onSaved: () => Promise<unknown> }) {
  const t = useT();
  const [code, setCode] = useState(org?.organizationCode ?? '');
  const [name, setName] = useState(org?.organizationName ?? '');
  const [description, setDescription] = useState(org?.description ?? '');
  const submit = async () => {
    const common = { organizationName: name, ...(description ? { description } : {}) };
    if (org) await api.post('update-organization', { organizationCode: org.organizationCode, ...(code !== org.organizationCode ? { organizationNewCode: code } : {}), ...common });
    else await api.post('create-organization', { organizationCode: code, ...common });
    await onSaved();
  };
  return (
    <FormModal title={org ? `${t('common.edit')} ${org.organizationName}` : t('orgs.create')} onClose={onClose} onSubmit={submit}>
      <TextInput label={t('orgs.code')} required value={code} onChange={(e) => setCode(e.currentTarget.value)} />
      <TextInput label={t('common.name')} required value={name} onChange={(e) => setName(e.currentTarget.value)} />
      <Textarea label={t('common.description')} value={description} onChange={(e) => setDescription(e.currentTarget.value)} />
    </FormModal>
  );
}
