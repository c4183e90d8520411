import { ActionIcon, Button, Card, Group, Select, Text, TextInput, Title } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { api, type GetData } from '../api';
import { ConfirmDelete, ErrorAlert } from '../components';
import { FormModal } from '../crud';
import { useT } from '../i18n';
import { useSession } from '../session';

/** A department as list-children-departments returns it (typed from the OpenAPI document). */
type Dept = GetData<'list-children-departments'>['list'][number];

/**
 * An organisation's departments as a tree (list-children-departments, loaded as a node is
 * expanded): expand and collapse, create a child, rename or move under another department
 * (update-department's parentDepartmentId), delete (a department with sub-departments or members
 * is refused by the server with its catalogued message).
 */
export function DepartmentTree({ organizationCode, organizationName, rootId }: { organizationCode: string; organizationName: string; rootId: string }) {
  const t = useT();
  const { pool } = useSession();
  const qc = useQueryClient();
  const [form, setForm] = useState<{ parent: string; dept: Dept | null } | null>(null);
  const [deleting, setDeleting] = useState<Dept | null>(null);
  const refresh = () => qc.invalidateQueries({ queryKey: [pool, 'depts', organizationCode] });
  const del = useMutation({
    mutationFn: (d: Dept) => api.post('delete-department', { organizationCode, departmentId: d.departmentId }),
    onSuccess: () => (setDeleting(null), void refresh()),
    onError: () => setDeleting(null),
  });
  const ops: NodeOps = { organizationCode, addChild: (parent) => setForm({ parent, dept: null }), edit: (dept) => setForm({ parent: dept.parentDepartmentId, dept }), remove: setDeleting };
  return (
    <Card withBorder mt="lg" component="section" aria-label={`${t('orgs.departments')}: ${organizationName}`}>
      <Group justify="space-between" mb="sm">
        <Title order={2} size="h4">
          {t('orgs.departments')}: {organizationName}
        </Title>
        <AddChildButton parent={rootId} name={organizationName} ops={ops} />
      </Group>
      <ErrorAlert error={del.error} />
      <Children parentId={rootId} ops={ops} depth={0} />
      {form && <DeptForm organizationCode={organizationCode} rootId={rootId} rootName={organizationName} parent={form.parent} dept={form.dept} onClose={() => setForm(null)} onSaved={refresh} />}
      <ConfirmDelete name={deleting?.name ?? ''} opened={deleting !== null} onClose={() => setDeleting(null)} onConfirm={() => deleting && del.mutate(deleting)} loading={del.isPending} />
    </Card>
  );
}

interface NodeOps {
  organizationCode: string;
  addChild: (parentId: string) => void;
  edit: (d: Dept) => void;
  remove: (d: Dept) => void;
}

function AddChildButton({ parent, name, ops }: { parent: string; name: string; ops: NodeOps }) {
  const t = useT();
  const { readOnly } = useSession();
  if (readOnly) return null;
  return (
    <Button size="xs" variant="subtle" aria-label={`${t('orgs.addChild')} ${name}`} onClick={() => ops.addChild(parent)}>
      {t('orgs.addChild')}
    </Button>
  );
}

function Children({ parentId, ops, depth }: { parentId: string; ops: NodeOps; depth: number }) {
  const t = useT();
  const { pool } = useSession();
  const q = useQuery({ queryKey: [pool, 'depts', ops.organizationCode, parentId], queryFn: () => api.get('list-children-departments', { organizationCode: ops.organizationCode, departmentId: parentId, page: 1, limit: 100 }) });
  if (q.error) return <ErrorAlert error={q.error} />;
  if (q.data && q.data.list.length === 0 && depth === 0) return <Text c="dimmed">{t('common.none')}</Text>;
  return (
    <ul style={{ listStyle: 'none', margin: 0, paddingLeft: depth === 0 ? 0 : 24 }}>
      {q.data?.list.map((d) => (
        <Node key={d.departmentId} dept={d} ops={ops} depth={depth} />
      ))}
    </ul>
  );
}

function Node({ dept, ops, depth }: { dept: Dept; ops: NodeOps; depth: number }) {
  const t = useT();
  const { readOnly } = useSession();
  const [open, setOpen] = useState(false);
  return (
    <li data-testid={`dept-${dept.name}`}>
      <Group gap={4} wrap="nowrap" py={2}>
        {dept.hasChildren ? (
          <ActionIcon variant="subtle" size="sm" aria-expanded={open} aria-label={`${open ? t('orgs.collapse') : t('orgs.expand')} ${dept.name}`} onClick={() => setOpen(!open)}>
            {open ? '▾' : '▸'}
          </ActionIcon>
        ) : (
          <span style={{ display: 'inline-block', width: 22 }} aria-hidden />
        )}
        <Text size="sm" fw={500}>
          {dept.name}
        </Text>
        <Text size="xs">
          ({t('orgs.members', { n: dept.membersCount })})
        </Text>
        {!readOnly && (
          <>
            <AddChildButton parent={dept.departmentId} name={dept.name} ops={ops} />
            <Button size="xs" variant="subtle" aria-label={`${t('common.edit')} ${dept.name}`} onClick={() => ops.edit(dept)}>
              {t('common.edit')}
            </Button>
            <Button size="xs" variant="subtle" color="red" aria-label={`${t('common.delete')} ${dept.name}`} onClick={() => ops.remove(dept)}>
              {t('common.delete')}
            </Button>
          </>
        )}
      </Group>
      {open && <Children parentId={dept.departmentId} ops={ops} depth={depth + 1} />}
    </li>
  );
}

/** Create a child, or rename / move one: its parent is picked from every department of the organisation. */
function DeptForm({ organizationCode, rootId, rootName, parent, dept, onClose, onSaved }: { organizationCode: string; rootId: string; rootName: string; parent: string; dept: Dept | null; onClose: () => void; onSaved: () => Promise<unknown> }) {
  const t = useT();
  const { pool } = useSession();
  const [name, setName] = useState(dept?.name ?? '');
  const [parentId, setParentId] = useState(parent);
  const all = useQuery({ queryKey: [pool, 'depts', organizationCode, '*all'], queryFn: () => api.get('get-all-departments', { organizationCode, page: 1, limit: 500 }) });
  const options = [{ value: rootId, label: rootName }, ...(all.data?.list ?? []).filter((d) => d.departmentId !== rootId && d.departmentId !== dept?.departmentId).map((d) => ({ value: d.departmentId, label: d.name }))];
  const submit = async () => {
    if (dept) await api.post('update-department', { organizationCode, departmentId: dept.departmentId, name, ...(parentId !== dept.parentDepartmentId ? { parentDepartmentId: parentId } : {}) });
    else await api.post('create-department', { organizationCode, parentDepartmentId: parentId, name });
    await onSaved();
  };
  return (
    <FormModal title={dept ? `${t('common.edit')} ${dept.name}` : t('orgs.addChild')} onClose={onClose} onSubmit={submit}>
      <TextInput label={t('common.name')} required value={name} onChange={(e) => setName(e.currentTarget.value)} />
      <Select label={t('orgs.parent')} data={options} value={parentId} onChange={(v) => v && setParentId(v)} allowDeselect={false} searchable />
    </FormModal>
  );
}
