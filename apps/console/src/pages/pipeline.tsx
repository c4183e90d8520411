import { Badge, Button, Code, Group, Modal, Select, Stack, Switch, Table, Text, TextInput, Textarea } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { CodeEditor } from '../code-editor';
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
  const { pool, readOnly } = useSession();
  const qc = useQueryClient();
  const list = useQuery({ queryKey: [pool, 'pipeline'], queryFn: () => api.get<Page<Fn>>('list-pipeline-functions') });
  const [editing, setEditing] = useState<Fn | 'new' | null>(null);
  const [runs, setRuns] = useState<Fn | null>(null);
  const [trying, setTrying] = useState<Fn | null>(null);
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
          <>
            {!readOnly && (
              <Button size="xs" variant="subtle" aria-label={`${t('pipeline.try')} ${f.funcName}`} onClick={() => setTrying(f)}>
                {t('pipeline.try')}
              </Button>
            )}
            <Button size="xs" variant="subtle" aria-label={`${t('pipeline.runs')} ${f.funcName}`} onClick={() => setRuns(f)}>
              {t('pipeline.runs')}
            </Button>
          </>
        )}
      />
      {editing && <FnForm fn={editing === 'new' ? null : editing} onClose={() => setEditing(null)} onSaved={refresh} />}
      {runs && <Runs fn={runs} onClose={() => setRuns(null)} />}
      {trying && <TryRun fn={trying} onClose={() => setTrying(null)} />}
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
      <CodeEditor label={t('pipeline.source')} required value={f.sourceCode} onChange={(v) => set({ sourceCode: v })} />
      <Switch label={t('common.enabled')} checked={f.enabled} onChange={(e) => set({ enabled: e.currentTarget.checked })} />
    </FormModal>
  );
}

function Runs({ fn, onClose }: { fn: Fn; onClose: () => void }) {
  const t = useT();
  const { pool } = useSession();
  const q = useQuery({ queryKey: [pool, 'pipeline-logs', fn.funcId], queryFn: () => api.get<Page<Run>>('get-pipeline-logs', { funcId: fn.funcId, page: 1, limit: 50 }) });
  return (
    <Modal opened onClose={onClose} title={`${t('pipeline.runs')}: ${fn.funcName}`} size="xl" closeButtonProps={{ 'aria-label': t('common.close') }}>
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

interface Trial {
  result: string;
  durationMs: number;
  message?: string;
  logs: string[];
  user?: unknown;
  context?: unknown;
}
const SAMPLE_USER = { userId: 'sample-user', username: 'sample', email: 'sample@example.com', phone: null, customData: {} };
const SAMPLE_CONTEXT = { request: { body: { email: 'sample@example.com' }, ip: '203.0.113.7', userAgent: 'Mozilla/5.0' } };
const pretty = (v: unknown) => JSON.stringify(v, null, 2);

/**
 * "Run with sample input": the stored function once in the sandbox (test-pipeline-function),
 * with a sample user and context the administrator may edit; nothing is written. Shows the
 * result, the console output and the user the function handed back.
 */
function TryRun({ fn, onClose }: { fn: Fn; onClose: () => void }) {
  const t = useT();
  const [user, setUser] = useState(pretty(SAMPLE_USER));
  const [context, setContext] = useState(pretty(SAMPLE_CONTEXT));
  const run = useMutation({
    mutationFn: () => {
      const parse = (label: string, text: string) => {
        try {
          return text.trim() ? (JSON.parse(text) as unknown) : null;
        } catch (err) {
          throw new Error(`${label}: ${err instanceof Error ? err.message : String(err)}`);
        }
      };
      return api.post<Trial>('test-pipeline-function', { funcId: fn.funcId, user: parse(t('pipeline.sampleUser'), user), context: parse(t('pipeline.sampleContext'), context) ?? {} });
    },
  });
  const mono = { input: { fontFamily: 'var(--mantine-font-family-monospace)', fontSize: 13 } };
  return (
    <Modal opened onClose={onClose} title={`${t('pipeline.try')}: ${fn.funcName}`} size="xl" closeButtonProps={{ 'aria-label': t('common.close') }}>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          run.mutate();
        }}
      >
        <Stack>
          <ErrorAlert error={run.error} />
          <Textarea label={t('pipeline.sampleUser')} autosize minRows={4} maxRows={12} spellCheck={false} styles={mono} value={user} onChange={(e) => setUser(e.currentTarget.value)} />
          <Textarea label={t('pipeline.sampleContext')} autosize minRows={3} maxRows={12} spellCheck={false} styles={mono} value={context} onChange={(e) => setContext(e.currentTarget.value)} />
          <Group justify="flex-end">
            <Button type="submit" loading={run.isPending}>
              {t('pipeline.run')}
            </Button>
          </Group>
          {run.data && (
            <Stack gap="xs" data-testid="trial">
              <Group gap="xs">
                <Badge variant="filled" color={run.data.result === 'success' ? 'teal.9' : 'red.9'}>
                  {run.data.result}
                </Badge>
                <Text size="sm">{run.data.durationMs} ms</Text>
                {run.data.message && <Text size="sm">{run.data.message}</Text>}
              </Group>
              <Text size="sm" fw={600}>
                {t('pipeline.logs')}
              </Text>
              <Code block data-testid="trial-logs">
                {run.data.logs.join('\n') || '—'}
              </Code>
              {run.data.user !== undefined && (
                <>
                  <Text size="sm" fw={600}>
                    {t('pipeline.resultUser')}
                  </Text>
                  <Code block data-testid="trial-user">
                    {pretty(run.data.user)}
                  </Code>
                </>
              )}
            </Stack>
          )}
        </Stack>
      </form>
    </Modal>
  );
}
