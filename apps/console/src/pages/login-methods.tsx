import { Alert, Badge, Code, JsonInput, List, Stack, Table, Text, TextInput, Title } from '@mantine/core';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { api } from '../api';
import type { GetOperations } from '../generated/management-api';
import { ErrorAlert, fmtTime } from '../components';
import { FormModal, ResourceTable } from '../crud';
import { useT } from '../i18n';
import { useSession } from '../session';

/** An instance as `list-login-method-instances` answers it (the salt replaced by `saltSet`). */
interface Instance {
  name: string;
  fullName: string;
  source: 'dir' | 'api';
  element: { title: string } & Record<string, unknown>;
  config: { isActive: boolean; authConfig?: unknown } & Record<string, unknown>;
  updatedAt: string;
}

const NEW_ELEMENT = { title: '', type: 'auths.loginTypes.PasswordType', default: 0, allowRegister: 0 };
const NEW_CONFIG = { isActive: true, limit: { minLength: 8 }, requireCaptcha: true };
const pretty = (v: unknown) => JSON.stringify(v, null, 2);

/**
 * JitAi login-method instances: those of the `loginTypesDir` folders (read-only; their files are
 * the source) and those created through the API (create, edit, delete with JSON editors for
 * e.json and Config.json, validated by the server, whose message names each field); and the
 * directory as it is on disk now, each folder with its validation errors.
 */
export function LoginMethodsPage() {
  const t = useT();
  const { pool } = useSession();
  const qc = useQueryClient();
  const [keywords, setKeywords] = useState('');
  const list = useQuery({ queryKey: [pool, 'login-methods'], queryFn: () => api.get<Instance[]>('list-login-method-instances') });
  const dir = useQuery({ queryKey: [pool, 'login-methods', 'dir'], queryFn: () => api.get('get-login-types-dir-status') });
  const [editing, setEditing] = useState<Instance | 'new' | null>(null);
  const refresh = () => qc.invalidateQueries({ queryKey: [pool, 'login-methods'] });
  const problemsOf = new Map((dir.data?.folders ?? []).map((f) => [f.name, f.problems.length]));
  const k = keywords.trim().toLowerCase();
  const rows = list.data?.filter((i) => !k || i.name.toLowerCase().includes(k) || i.element.title.toLowerCase().includes(k));
  return (
    <>
      <ResourceTable<Instance>
        title={t('loginMethods.title')}
        rows={rows}
        rowKey={(i) => i.name}
        rowName={(i) => i.name}
        error={list.error}
        search={keywords}
        onSearch={setKeywords}
        columns={[
          { label: t('loginMethods.name'), render: (i) => <Code>{i.name}</Code> },
          { label: t('loginMethods.titleField'), render: (i) => i.element.title },
          {
            label: t('loginMethods.source'),
            render: (i) => (
              <Badge color={i.source === 'dir' ? 'gray' : 'blue'} variant="light">
                {t(i.source === 'dir' ? 'loginMethods.source.dir' : 'loginMethods.source.api')}
              </Badge>
            ),
          },
          { label: t('loginMethods.active'), render: (i) => t(i.config.isActive ? 'common.yes' : 'common.no') },
          {
            label: t('loginMethods.status'),
            render: (i) => (i.source === 'dir' && problemsOf.get(i.name) ? <Text c="red.8" size="sm">{t('loginMethods.invalid', { n: problemsOf.get(i.name)! })}</Text> : t('loginMethods.valid')),
          },
          { label: t('loginMethods.updated'), render: (i) => fmtTime(i.updatedAt) },
        ]}
        writable={(i) => i.source === 'api'}
        onCreate={() => setEditing('new')}
        onEdit={setEditing}
        onDelete={async (i) => {
          await api.post('delete-login-method-instance', { name: i.name });
          await refresh();
        }}
      />
      {editing && <InstanceForm instance={editing === 'new' ? null : editing} onClose={() => setEditing(null)} onSaved={refresh} />}
      <DirFolders status={dir.data} error={dir.error} />
    </>
  );
}

type DirStatus = GetOperations['get-login-types-dir-status']['data'];

/** The loginTypesDir folders as they are on disk now, each with its problems (file#field: message). */
function DirFolders({ status, error }: { status: DirStatus | undefined; error: unknown }) {
  const t = useT();
  return (
    <Stack mt="xl" gap="sm">
      <Title order={2} size="h3">
        {t('loginMethods.dir')}
      </Title>
      <ErrorAlert error={error} />
      {status && !status.configured && <Text c="dimmed">{t('loginMethods.dir.none')}</Text>}
      {status && status.configured && !status.appliesToPool && <Text c="dimmed">{t('loginMethods.dir.otherPool')}</Text>}
      {status?.appliesToPool && !status.exists && (
        <Alert color="red" role="alert">
          {t('loginMethods.dir.missing', { dir: status.dir ?? '' })}
        </Alert>
      )}
      {status?.appliesToPool && status.exists && (
        <>
          <Text size="sm">{t('loginMethods.dir.path', { dir: status.dir ?? '' })}</Text>
          {status.folders.some((f) => !f.valid) && (
            <Alert color="orange" role="status">
              {t('loginMethods.dir.invalidNote')}
            </Alert>
          )}
          {status.folders.length === 0 ? (
            <Text c="dimmed">{t('loginMethods.dir.empty')}</Text>
          ) : (
            <Table aria-label={t('loginMethods.dir')}>
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>{t('loginMethods.folder')}</Table.Th>
                  <Table.Th>{t('loginMethods.status')}</Table.Th>
                  <Table.Th>{t('loginMethods.loaded')}</Table.Th>
                  <Table.Th>{t('loginMethods.problems')}</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {status.folders.map((f) => (
                  <Table.Tr key={f.name}>
                    <Table.Td>
                      <Code>{f.path}</Code>
                    </Table.Td>
                    <Table.Td>
                      {/* Text in the darker shades: the light badges' green is below WCAG contrast. */}
                      <Text size="sm" fw={600} c={f.valid ? 'teal.9' : 'red.8'}>
                        {f.valid ? t('loginMethods.valid') : t('loginMethods.invalid', { n: f.problems.length })}
                      </Text>
                    </Table.Td>
                    <Table.Td>{f.loaded ? t('common.yes') : t('loginMethods.notLoaded')}</Table.Td>
                    <Table.Td>
                      {f.problems.length > 0 && (
                        <List size="sm" spacing={2}>
                          {f.problems.map((p) => (
                            <List.Item key={p.path + p.message}>
                              <Code>{p.path.split('#')[0]}</Code>: {p.message}
                            </List.Item>
                          ))}
                        </List>
                      )}
                    </Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          )}
        </>
      )}
    </Stack>
  );
}

/** Create or edit an API instance: e.json and Config.json as JSON; the server validates and names each wrong field. */
function InstanceForm({ instance, onClose, onSaved }: { instance: Instance | null; onClose: () => void; onSaved: () => Promise<unknown> }) {
  const t = useT();
  // The salt is write-only (the answer says only `saltSet`): edit without authConfig, so the stored salt stays.
  const { authConfig: _salt, ...config }: Instance['config'] = instance?.config ?? NEW_CONFIG;
  const [f, setF] = useState({ name: instance?.name ?? '', element: pretty(instance?.element ?? NEW_ELEMENT), config: pretty(config) });
  const parse = (field: string, text: string): Record<string, unknown> => {
    try {
      return JSON.parse(text) as Record<string, unknown>;
    } catch (err) {
      throw new Error(t('loginMethods.notJson', { field, error: (err as Error).message }));
    }
  };
  const submit = async () => {
    const element = parse('e.json', f.element);
    const cfg = parse('Config.json', f.config);
    if (instance) await api.post('update-login-method-instance', { name: instance.name, element, config: cfg });
    else await api.post('create-login-method-instance', { name: f.name, element, config: cfg });
    await onSaved();
  };
  return (
    <FormModal title={instance ? `${t('common.edit')} ${instance.name}` : t('loginMethods.create')} onClose={onClose} onSubmit={submit} size="xl">
      <TextInput label={t('loginMethods.name')} required disabled={instance !== null} value={f.name} onChange={(e) => setF({ ...f, name: e.currentTarget.value })} />
      <JsonInput label={t('loginMethods.element')} autosize minRows={6} maxRows={16} formatOnBlur validationError={t('loginMethods.invalidJson')} value={f.element} onChange={(v) => setF({ ...f, element: v })} styles={{ input: { fontFamily: 'monospace' } }} />
      <JsonInput label={t('loginMethods.config')} description={t('loginMethods.saltHint')} autosize minRows={6} maxRows={16} formatOnBlur validationError={t('loginMethods.invalidJson')} value={f.config} onChange={(v) => setF({ ...f, config: v })} styles={{ input: { fontFamily: 'monospace' } }} />
    </FormModal>
  );
}
