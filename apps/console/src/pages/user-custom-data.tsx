import { Group, NumberInput, Select, Stack, Switch, Text, TextInput, Textarea } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useMemo, useState } from 'react';
import { api, type GetData } from '../api';
import { ErrorAlert, WriteButton } from '../components';
import { useT } from '../i18n';
import { useServerForm } from '../server-form';
import { useSession } from '../session';
import type { User } from './users';

/** A user field as get-custom-fields returns it (typed from the OpenAPI document). */
type Field = GetData<'get-custom-fields'>[number];

/** A stored value as the form holds it (every input edits text, except BOOLEAN). */
function toForm(f: Field, v: unknown): string | boolean {
  if (f.dataType === 'BOOLEAN') return v === true;
  if (v === null || v === undefined) return '';
  if (f.dataType === 'OBJECT') return JSON.stringify(v, null, 2);
  // datetime-local wants local "YYYY-MM-DDTHH:mm" without a zone.
  if (f.dataType === 'DATETIME') {
    const d = new Date(String(v));
    if (Number.isNaN(d.getTime())) return '';
    return new Date(d.getTime() - d.getTimezoneOffset() * 60_000).toISOString().slice(0, 16);
  }
  return String(v);
}

/** The form's text back to the value set-custom-data expects; an emptied input clears the value (null). The server checks each against its field. */
function fromForm(f: Field, v: string | boolean): unknown {
  if (f.dataType === 'BOOLEAN') return v;
  const s = String(v);
  if (s.trim() === '') return null;
  if (f.dataType === 'NUMBER') return Number(s);
  if (f.dataType === 'DATETIME') return new Date(s).toISOString();
  if (f.dataType === 'OBJECT') {
    try {
      return JSON.parse(s) as unknown;
    } catch {
      return s; // the server names the field and the expected form (custom_field.invalid_value)
    }
  }
  return s;
}

/** The user's custom data (get-custom-data), one input per user field of the pool (get-custom-fields) by its type; saved with set-custom-data. */
export function UserCustomData({ user }: { user: User }) {
  const t = useT();
  const { pool, readOnly } = useSession();
  const qc = useQueryClient();
  const key = [pool, 'user-custom-data', user.userId];
  const fields = useQuery({ queryKey: [pool, 'custom-fields', 'USER'], queryFn: () => api.get('get-custom-fields', { targetType: 'USER' }) });
  const data = useQuery({ queryKey: key, queryFn: async () => (await api.get('get-custom-data', { targetType: 'USER', targetIdentifier: user.userId })) ?? {} });
  // The fields and the user's values together are the server copy the form takes (server-form.ts).
  const source = useMemo(() => (fields.data && data.data ? { fields: fields.data, values: data.data } : undefined), [fields.data, data.data]);
  const server = useServerForm(source, (d): Record<string, string | boolean> => Object.fromEntries(d.fields.map((f) => [f.key, toForm(f, d.values[f.key])])));
  const form = server.form ?? {};
  const [saved, setSaved] = useState(false);
  const save = useMutation({
    mutationFn: (sent: Record<string, string | boolean>) => {
      const list = (fields.data ?? []).filter((f) => sent[f.key] !== toForm(f, data.data?.[f.key])).map((f) => ({ key: f.key, value: fromForm(f, sent[f.key]!) }));
      return list.length ? api.post('set-custom-data', { targetType: 'USER', targetIdentifier: user.userId, list }) : Promise.resolve(null);
    },
    onMutate: () => setSaved(false),
    onSuccess: (_r, sent) => {
      server.saved(sent);
      setSaved(true);
      void qc.invalidateQueries({ queryKey: key });
    },
  });
  if (fields.data?.length === 0) return <Text c="dimmed">{t('users.customData.noFields')}</Text>;
  const set = (k: string, v: string | boolean) => server.setForm((f) => ({ ...(f ?? {}), [k]: v }));
  const input = (f: Field) => {
    const label = f.label ? `${f.label} (${f.key})` : f.key;
    const common = { label, description: f.description, disabled: readOnly };
    const v = form[f.key] ?? (f.dataType === 'BOOLEAN' ? false : '');
    switch (f.dataType) {
      case 'BOOLEAN':
        return <Switch key={f.key} {...common} checked={v === true} onChange={(e) => set(f.key, e.currentTarget.checked)} />;
      case 'ENUM':
        return <Select key={f.key} {...common} clearable data={(f.options ?? []).map((o) => ({ value: o.value, label: o.label ? `${o.label} (${o.value})` : o.value }))} value={v === '' ? null : String(v)} onChange={(x) => set(f.key, x ?? '')} />;
      case 'NUMBER':
        return <NumberInput key={f.key} {...common} value={v === '' ? '' : Number(v)} onChange={(x) => set(f.key, x === '' ? '' : String(x))} />;
      case 'DATETIME':
        return <TextInput key={f.key} {...common} type="datetime-local" value={String(v)} onChange={(e) => set(f.key, e.currentTarget.value)} />;
      case 'OBJECT':
        return <Textarea key={f.key} {...common} autosize minRows={2} styles={{ input: { fontFamily: 'monospace' } }} value={String(v)} onChange={(e) => set(f.key, e.currentTarget.value)} />;
      default:
        return <TextInput key={f.key} {...common} value={String(v)} onChange={(e) => set(f.key, e.currentTarget.value)} />;
    }
  };
  return (
    <Stack>
      <ErrorAlert error={fields.error ?? data.error ?? save.error} />
      {fields.data?.map(input)}
      {saved && (
        <Text role="status" c="teal.9">
          {t('common.saved')}
        </Text>
      )}
      <Group>
        <WriteButton onClick={() => save.mutate(form)} loading={save.isPending} disabled={!fields.data || !data.data}>
          {t('common.save')}
        </WriteButton>
      </Group>
    </Stack>
  );
}
