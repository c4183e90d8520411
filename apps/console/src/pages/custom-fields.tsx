import { Badge, SegmentedControl, Select, Switch, TextInput, Textarea } from '@mantine/core';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { api, type GetData, type PostBody } from '../api';
import { FormModal, ResourceTable } from '../crud';
import { useT } from '../i18n';
import { useSession } from '../session';

/** A stored field as get-custom-fields returns it (typed from the OpenAPI document). */
type Field = GetData<'get-custom-fields'>[number];
type Target = Field['targetType'];
type DataType = NonNullable<PostBody<'set-custom-fields'>['list'][number]['dataType']>;
const TARGETS: Target[] = ['USER', 'ROLE', 'GROUP', 'DEPARTMENT'];
const DATA_TYPES: DataType[] = ['STRING', 'NUMBER', 'DATETIME', 'BOOLEAN', 'ENUM', 'OBJECT'];
const isTarget = (v: string): v is Target => (TARGETS as string[]).includes(v);
const isDataType = (v: string | null): v is DataType => (DATA_TYPES as Array<string | null>).includes(v);

/** Custom fields of users, roles, groups and departments (set-custom-fields: key and data type are fixed once set). */
export function CustomFieldsPage() {
  const t = useT();
  const { pool } = useSession();
  const qc = useQueryClient();
  const [target, setTarget] = useState<Target>('USER');
  const list = useQuery({ queryKey: [pool, 'custom-fields', target], queryFn: () => api.get('get-custom-fields', { targetType: target }) });
  const [editing, setEditing] = useState<Field | 'new' | null>(null);
  const refresh = () => qc.invalidateQueries({ queryKey: [pool, 'custom-fields'] });
  return (
    <>
      <ResourceTable<Field>
        title={t('fields.title')}
        rows={list.data ?? undefined}
        rowKey={(f) => f.key}
        rowName={(f) => f.key}
        error={list.error}
        headerExtra={<SegmentedControl aria-label={t('fields.target')} value={target} onChange={(v) => isTarget(v) && setTarget(v)} data={TARGETS.map((x) => ({ value: x, label: t(`fields.target.${x}`) }))} />}
        columns={[
          { label: t('fields.key'), render: (f) => f.key },
          { label: t('fields.label'), render: (f) => f.label },
          { label: t('fields.dataType'), render: (f) => <Badge variant="light">{f.dataType}</Badge> },
          { label: t('fields.userEditable'), render: (f) => (f.userEditable ? t('common.yes') : t('common.no')) },
        ]}
        onCreate={() => setEditing('new')}
        onEdit={setEditing}
        onDelete={async (f) => {
          await api.post('delete-custom-fields', { list: [{ targetType: f.targetType, key: f.key }] });
          await refresh();
        }}
      />
      {editing && <FieldForm field={editing === 'new' ? null : editing} target={target} onClose={() => setEditing(null)} onSaved={refresh} />}
    </>
  );
}

function FieldForm({ field, target, onClose, onSaved }: { field: Field | null; target: Target; onClose: () => void; onSaved: () => Promise<unknown> }) {
  const t = useT();
  const [f, setF] = useState<{ key: string; label: string; description: string; dataType: DataType; isUnique: boolean; userEditable: boolean; visibleInUserCenter: boolean; options: string }>({
    key: field?.key ?? '',
    label: field?.label ?? '',
    description: field?.description ?? '',
    dataType: field?.dataType ?? 'STRING',
    isUnique: field?.isUnique ?? false,
    userEditable: field?.userEditable ?? false,
    visibleInUserCenter: field?.visibleInUserCenter ?? true,
    options: (field?.options ?? []).map((o) => `${o.value}=${o.label}`).join('\n'),
  });
  const set = (p: Partial<typeof f>) => setF({ ...f, ...p });
  const submit = async () => {
    const options = f.options
      .split('\n')
      .map((l) => l.trim())
      .filter(Boolean)
      .map((l) => {
        const [value, ...label] = l.split('=');
        return { value: value!.trim(), label: (label.join('=') || value!).trim() };
      });
    const { options: _o, description, ...rest } = f;
    await api.post('set-custom-fields', { list: [{ ...rest, targetType: field?.targetType ?? target, ...(description ? { description } : {}), ...(f.dataType === 'ENUM' ? { options } : {}) }] });
    await onSaved();
  };
  return (
    <FormModal title={field ? `${t('common.edit')} ${field.key}` : t('fields.create')} onClose={onClose} onSubmit={submit}>
      <TextInput label={t('fields.key')} required disabled={!!field} value={f.key} onChange={(e) => set({ key: e.currentTarget.value })} />
      <Select label={t('fields.dataType')} data={DATA_TYPES} disabled={!!field} value={f.dataType} onChange={(v) => isDataType(v) && set({ dataType: v })} allowDeselect={false} />
      <TextInput label={t('fields.label')} value={f.label} onChange={(e) => set({ label: e.currentTarget.value })} />
      <Textarea label={t('common.description')} value={f.description} onChange={(e) => set({ description: e.currentTarget.value })} />
      {f.dataType === 'ENUM' && <Textarea label={t('fields.options')} autosize minRows={2} value={f.options} onChange={(e) => set({ options: e.currentTarget.value })} />}
      <Switch label={t('fields.isUnique')} checked={f.isUnique} onChange={(e) => set({ isUnique: e.currentTarget.checked })} />
      <Switch label={t('fields.userEditable')} checked={f.userEditable} onChange={(e) => set({ userEditable: e.currentTarget.checked })} />
      <Switch label={t('fields.visibleInUserCenter')} checked={f.visibleInUserCenter} onChange={(e) => set({ visibleInUserCenter: e.currentTarget.checked })} />
    </FormModal>
  );
}
