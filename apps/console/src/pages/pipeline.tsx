import { Badge, Button, Code, Modal, Select, Switch, Table, Text, TextInput, Textarea } from '@mantine/core';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { api, type Page } from '../api';
import { ErrorAlert, fmtTime } from '../components';
import { FormModal, ResourceTable } from '../crud';
import { useT } from '../i18n';
import { useSession } from '../session';

/** services/pipeline/scenes.ts SCENES. */
const SCENES = ['PRE_REGISTER', 'POST_REGISTER', 'PRE_AUTHENTICATION', 'POST_AUTHENTICATION', 'PRE_OIDC_ID_TOKEN_ISSUED', 'PRE_OIDC_ACCESS_TOKEN_ISSUED', 'PRE_COMPLETE_USER_INFO', 'PRE_MFA_VERIFY', 'POST_MFA_VERIFY'];
const TEMPLATE = `async function pipe(user, context, callback) {\n  // user: the user signing in; context: the request. callback(null, user) lets them through.\n  return callback(null, user, context);\n}\n`;

interface Fn {
  funcId: string;
  funcName: string;
  funcDescription?: string;
  scene: string;
  sourceCode: string;
  enabled: boolean;
  isAsynchronous: boolean;
}
interface Run {
  id: string;
  scene: string;
  result: string;
  success: boolean;
  durationMs: number;
  message?: string;
  logs: string[];
  createdAt: string;
}

/**
 * Pipeline scripts: list by scene, create and edit (the source is compiled by the server before
 * it is stored, so a syntax error comes back as the compiler's message), enable, delete, and the
 * runs with their console output.
 */
export function PipelinePage() {
  const t = useT();
  const { pool } = useSession();
  const qc = useQueryClient();
  const list = useQuery({ queryKey: [pool, 'pipeline'], queryFn: () => api.get<Page<Fn>>('list-pipeline-functions') });
  const [editing, setEditing] = useState<Fn | 'new' | null>(null);
  const [runs, setRuns] = useState<Fn | null>(null);
  const refresh = () => qc.invalidateQueries({ queryKey: [pool, 'pipeline'] });
  return (
    <>
      <ResourceTable<Fn>
        title={t('pipeline.title')}
        rows={list.data?.list}
        rowKey={(f) => f.funcId}
        rowName={(f) => f.funcName}
        error={list.error}
        columns={[
          { label: t('common.name'), render: (f) => f.funcName },
          { label: t('pipeline.scene'), render: (f) => <Badge variant="light">{f.scene}</Badge> },
          { label: t('users.status'), render: (f) => (f.enabled ? t('common.enabled') : t('common.disabled')) },
        ]}
        onCreate={() => setEditing('new')}
        onEdit={setEditing}
        onDelete={async (f) => {
          await api.post('delete-pipeline-function', { funcId: f.funcId });
          await refresh();
        }}
        actions={(f) => (
          <Button size="xs" variant="subtle" aria-label={`${t('pipeline.runs')} ${f.funcName}`} onClick={() => setRuns(f)}>
            {t('pipeline.runs')}
          </Button>
        )}
      />
      {editing && <FnForm fn={editing === 'new' ? null : editing} onClose={() => setEditing(null)} onSaved={refresh} />}
      {runs && <Runs fn={runs} onClose={() => setRuns(null)} />}
    </>
  );
}

function FnForm({ fn, onClose, onSaved }: { fn: Fn | null; onClose: () => void; onSaved: () => Promise<unknown> }) {
  const t = useT();
  const [f, setF] = useState({ funcName: fn?.funcName ?? '', funcDescription: fn?.funcDescription ?? '', scene: fn?.scene ?? 'PRE_AUTHENTICATION', sourceCode: fn?.sourceCode ?? TEMPLATE, enabled: fn?.enabled ?? true });
  const set = (p: Partial<typeof f>) => setF({ ...f, ...p });
  const submit = async () => {
    const { scene, funcDescription, ...rest } = f;
    const body = { ...rest, ...(funcDescription ? { funcDescription } : {}) };
    if (fn) await api.post('update-pipeline-function', { funcId: fn.funcId, ...body });
    else await api.post('create-pipeline-function', { ...body, scene });
    await onSaved();
  };
  return (
    <FormModal title={fn ? `${t('common.edit')} ${fn.funcName}` : t('pipeline.create')} onClose={onClose} onSubmit={submit} size="xl">
      <TextInput label={t('common.name')} required value={f.funcName} onChange={(e) => set({ funcName: e.currentTarget.value })} />
      <Select label={t('pipeline.scene')} data={SCENES} disabled={!!fn} value={f.scene} onChange={(v) => set({ scene: v ?? 'PRE_AUTHENTICATION' })} allowDeselect={false} />
      <TextInput label={t('common.description')} value={f.funcDescription} onChange={(e) => set({ funcDescription: e.currentTarget.value })} />
      <Textarea label={t('pipeline.source')} required autosize minRows={10} maxRows={24} spellCheck={false} styles={{ input: { fontFamily: 'var(--mantine-font-family-monospace)', fontSize: 13 } }} value={f.sourceCode} onChange={(e) => set({ sourceCode: e.currentTarget.value })} />
      <Switch label={t('common.enabled')} checked={f.enabled} onChange={(e) => set({ enabled: e.currentTarget.checked })} />
    </FormModal>
  );
}

function Runs({ fn, onClose }: { fn: Fn; onClose: () => void }) {
  const t = useT();
  const { pool } = useSession();
  const q = useQuery({ queryKey: [pool, 'pipeline-logs', fn.funcId], queryFn: () => api.get<Page<Run>>('get-pipeline-logs', { funcId: fn.funcId, page: 1, limit: 50 }) });
  return (
    <Modal opened onClose={onClose} title={`${t('pipeline.runs')}: ${fn.funcName}`} size="xl">
      <ErrorAlert error={q.error} />
      {q.data && q.data.list.length === 0 && <Text>{t('common.none')}</Text>}
      <Table>
        <Table.Tbody>
          {q.data?.list.map((r) => (
            <Table.Tr key={r.id}>
              <Table.Td>{fmtTime(r.createdAt)}</Table.Td>
              <Table.Td>
                <Badge variant="filled" color={r.success ? 'teal.9' : 'red.9'}>
                  {r.result}
                </Badge>
              </Table.Td>
              <Table.Td>{r.durationMs} ms</Table.Td>
              <Table.Td>
                {r.message}
                {r.logs.length > 0 && <Code block>{r.logs.join('\n')}</Code>}
              </Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </Modal>
  );
}
