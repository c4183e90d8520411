import { Badge, Button, Checkbox, Group, Select, Stack, Text, TextInput } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { api, type GetData, type Page, type PostBody } from '../api';
import { ErrorAlert } from '../components';
import { FormModal, ResourceTable } from '../crud';
import { useT } from '../i18n';
import { SchemaForm, configToSend, type FormValues, type JsonSchema } from '../schema-form';
import { useSession } from '../session';

/** A connector manifest as `console/connectors?kind=social|directory` lists it. */
interface Connector {
  id: string;
  name: string;
  kind: 'social' | 'directory';
  configSchema: JsonSchema;
  secretFields: string[];
  operatorOnlyFields: string[];
  types: Array<{ type: string; sourceType: string }>;
}
interface Connection {
  id: string;
  type: string;
  identifier: string;
  displayName: string;
  fields: FormValues;
  appIds?: string[];
}
interface Source {
  id: string;
  name: string;
  type: string;
  connections: Connection[];
}
type App = GetData<'list-applications'>['list'][number];
/** The directory types test-ext-idp-conn can test (typed from the OpenAPI document). */
type DirectoryType = NonNullable<PostBody<'test-ext-idp-conn'>['type']>;
const DIRECTORY_TYPES: DirectoryType[] = ['ldap', 'ad'];
const isDirectoryType = (v: string): v is DirectoryType => (DIRECTORY_TYPES as string[]).includes(v);

/**
 * Identity sources (social providers, enterprise OIDC/SAML, directories): each source here has
 * one connection, whose form is generated from its connector manifest's `configSchema` — the
 * schema create-ext-idp-conn validates with — and which is enabled for the applications ticked.
 */
export function IdentitySourcesPage() {
  const t = useT();
  const { pool } = useSession();
  const qc = useQueryClient();
  const sources = useQuery({
    queryKey: [pool, 'ext-idps'],
    queryFn: async () => {
      const list = await api.get<Page<{ id: string }>>('list-ext-idp');
      return Promise.all(list.list.map((i) => api.get<Source>('get-ext-idp', { id: i.id })));
    },
  });
  const connectors = useQuery({
    queryKey: ['connectors', 'identity'],
    queryFn: async () => [...(await api.get<{ list: Connector[] }>('console/connectors', { kind: 'social' })).list, ...(await api.get<{ list: Connector[] }>('console/connectors', { kind: 'directory' })).list],
  });
  const apps = useQuery({ queryKey: [pool, 'apps', ''], queryFn: () => api.get('list-applications', { page: 1, limit: 100 }) });
  const [editing, setEditing] = useState<Source | 'new' | null>(null);
  const refresh = () => qc.invalidateQueries({ queryKey: [pool, 'ext-idps'] });
  const appName = (id: string) => apps.data?.list.find((a) => a.appId === id)?.appName ?? id;
  return (
    <>
      <ResourceTable<Source>
        title={t('idps.title')}
        rows={sources.data}
        rowKey={(s) => s.id}
        rowName={(s) => s.name}
        error={sources.error ?? connectors.error}
        columns={[
          { label: t('common.name'), render: (s) => s.name },
          { label: t('idps.type'), render: (s) => <Badge variant="light">{s.type}</Badge> },
          { label: t('idps.connection'), render: (s) => s.connections.map((c) => `${c.displayName} (${c.identifier})`).join(', ') },
          { label: t('idps.apps'), render: (s) => s.connections.flatMap((c) => c.appIds ?? []).map(appName).join(', ') || '—' },
        ]}
        onCreate={() => setEditing('new')}
        onEdit={(s) => setEditing(s)}
        onDelete={async (s) => {
          await api.post('delete-ext-idp', { id: s.id });
          await refresh();
        }}
      />
      {editing && connectors.data && <SourceForm source={editing === 'new' ? null : editing} connectors={connectors.data} apps={apps.data?.list ?? []} onClose={() => setEditing(null)} onSaved={refresh} />}
    </>
  );
}

function SourceForm({ source, connectors, apps, onClose, onSaved }: { source: Source | null; connectors: Connector[]; apps: App[]; onClose: () => void; onSaved: () => Promise<unknown> }) {
  const t = useT();
  const conn = source?.connections[0];
  const [type, setType] = useState<string | null>(conn?.type ?? null);
  const connector = connectors.find((c) => c.types.some((x) => x.type === type));
  const [name, setName] = useState(source?.name ?? '');
  const [identifier, setIdentifier] = useState(conn?.identifier ?? '');
  const [displayName, setDisplayName] = useState(conn?.displayName ?? '');
  // Secret fields come back masked: left out of the form, the stored value is kept.
  const [values, setValues] = useState<FormValues>(() => Object.fromEntries(Object.entries(conn?.fields ?? {}).filter(([k]) => !connector?.secretFields.includes(k))));
  const [appIds, setAppIds] = useState<string[]>(conn?.appIds ?? []);
  const pick = (v: string | null) => {
    setType(v);
    const c = connectors.find((x) => x.types.some((y) => y.type === v));
    if (c && !name) setName(c.name);
    if (c && !displayName) setDisplayName(c.name);
    if (v && !identifier) setIdentifier(v.replace(/[^A-Za-z0-9_.-]/g, '-'));
    setValues({});
  };
  const submit = async () => {
    if (!connector || !type) throw new Error(t('idps.pickType'));
    const fields = configToSend(connector.configSchema, values);
    let connId: string;
    if (source && conn) {
      if (name !== source.name) await api.post('update-ext-idp', { id: source.id, name });
      await api.post('update-ext-idp-conn', { id: conn.id, displayName, fields });
      connId = conn.id;
    } else {
      const sourceType = connector.types.find((x) => x.type === type)!.sourceType;
      const idp = await api.post<{ id: string }>('create-ext-idp', { name, type: sourceType });
      try {
        connId = (await api.post<{ id: string }>('create-ext-idp-conn', { extIdpId: idp.id, type, identifier, displayName, fields })).id;
      } catch (err) {
        // No half-made source: the connection's validation message is what the administrator sees.
        await api.post('delete-ext-idp', { id: idp.id }).catch(() => undefined);
        throw err;
      }
    }
    const before = conn?.appIds ?? [];
    const on = appIds.filter((a) => !before.includes(a));
    const off = before.filter((a) => !appIds.includes(a));
    if (on.length) await api.post('change-ext-idp-conn-state', { id: connId, enabled: true, appIds: on });
    if (off.length) await api.post('change-ext-idp-conn-state', { id: connId, enabled: false, appIds: off });
    await onSaved();
  };
  return (
    <FormModal title={source ? `${t('common.edit')} ${source.name}` : t('idps.create')} onClose={onClose} onSubmit={submit}>
      <Select
        label={t('idps.connector')}
        required
        searchable
        disabled={!!source}
        data={connectors.flatMap((c) => c.types.map((x) => ({ value: x.type, label: `${c.name} (${x.type})` })))}
        value={type}
        onChange={pick}
      />
      <TextInput label={t('common.name')} required value={name} onChange={(e) => setName(e.currentTarget.value)} />
      <TextInput label={t('idps.identifier')} description={t('idps.identifierHint')} required disabled={!!source} value={identifier} onChange={(e) => setIdentifier(e.currentTarget.value)} />
      <TextInput label={t('idps.displayName')} required value={displayName} onChange={(e) => setDisplayName(e.currentTarget.value)} />
      {connector ? (
        <SchemaForm schema={connector.configSchema} secretFields={connector.secretFields} hidden={connector.operatorOnlyFields} values={values} onChange={setValues} />
      ) : (
        <Text c="dimmed">{t('idps.pickType')}</Text>
      )}
      <Checkbox.Group label={t('idps.apps')} value={appIds} onChange={setAppIds}>
        <Group mt="xs">
          {apps.map((a) => (
            <Checkbox key={a.appId} value={a.appId} label={a.appName} />
          ))}
        </Group>
      </Checkbox.Group>
      {connector?.kind === 'directory' && type && isDirectoryType(type) && <TestConnection type={type} connId={conn?.id} fields={() => configToSend(connector.configSchema, values)} secretFields={connector.secretFields} />}
      {source && conn && connector?.kind !== 'directory' && <CallbackHint identifier={conn.identifier} />}
    </FormModal>
  );
}

/**
 * "Test connection" of a directory (test-ext-idp-conn): connect → TLS → bind → search with the
 * form's settings; a saved connection whose secret is left blank is tested with its stored
 * settings instead (secrets are write-only, so the form never has them). The answer names the
 * failing step; the server never puts the bind password in it.
 */
function TestConnection({ type, connId, fields, secretFields }: { type: DirectoryType; connId: string | undefined; fields: () => Record<string, unknown>; secretFields: string[] }) {
  const t = useT();
  const test = useMutation({
    mutationFn: () => {
      const f = fields();
      const stored = connId !== undefined && secretFields.every((k) => f[k] === undefined || f[k] === '');
      return api.post('test-ext-idp-conn', stored ? { id: connId } : { type, fields: f });
    },
  });
  return (
    <Stack gap="xs">
      <Group>
        <Button variant="default" onClick={() => test.mutate()} loading={test.isPending}>
          {t('idps.testConnection')}
        </Button>
      </Group>
      <ErrorAlert error={test.error} />
      {test.data && (
        <div role="status">
          <Text fw={700} c={test.data.success ? 'teal.9' : 'red.9'}>
            {test.data.success ? t('idps.testOk') : t('idps.testFailed', { step: test.data.step })}
          </Text>
          <Text size="sm">{test.data.message}</Text>
        </div>
      )}
    </Stack>
  );
}

/** The callback URL to register at the provider (/connections/social/<identifier>/callback). */
function CallbackHint({ identifier }: { identifier: string }) {
  const t = useT();
  return (
    <Text size="sm">
      {t('idps.callback')}: <code>{`${location.origin}/connections/social/${identifier}/callback`}</code>
    </Text>
  );
}
