import { Anchor, Button, Checkbox, Group, Modal, Select, Stack, Table, TextInput, Textarea } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { api, type GetData, type PostBody } from '../api';
import { ConfirmDelete, ErrorAlert, PageHeader, SecretOnce, WriteButton } from '../components';
import { useT } from '../i18n';
import { useSession } from '../session';
import { AppMfaForm } from './application-mfa';
import { BrandingEditor, useBrandingWord } from '../branding-preview';

/** An application as list-applications returns it (typed from the OpenAPI document). */
type App = GetData<'list-applications'>['list'][number];
type LoginMethod = NonNullable<App['loginConfig']['enabledBasicLoginMethods']>[number];
type AppType = NonNullable<PostBody<'create-application'>['appType']>;

/** The application login methods the API accepts (services/applications/vocabulary.ts LOGIN_METHODS). */
const LOGIN_METHODS: LoginMethod[] = ['PHONE_CODE', 'EMAIL_CODE', 'PHONE_PASSWORD', 'EMAIL_PASSWORD', 'USERNAME_PASSWORD', 'SELF_BUILT_APP_QRCODE', 'PASSKEY'];
/** The types the server creates (mfa and the gateway types are refused as not supported yet). */
const APP_TYPES: AppType[] = ['web', 'spa', 'native', 'api', 'mini-program'];
const isLoginMethod = (m: string): m is LoginMethod => (LOGIN_METHODS as string[]).includes(m);
const isAppType = (v: string | null): v is AppType => (APP_TYPES as Array<string | null>).includes(v);
const lines = (s: string) => s.split('\n').map((l) => l.trim()).filter(Boolean);

export function ApplicationsPage() {
  const t = useT();
  const { pool, readOnly } = useSession();
  const qc = useQueryClient();
  const [keywords, setKeywords] = useState('');
  const list = useQuery({ queryKey: [pool, 'apps', keywords], queryFn: () => api.get('list-applications', { page: 1, limit: 100, ...(keywords ? { keywords } : {}) }) });
  const [editing, setEditing] = useState<App | 'new' | null>(null);
  const [deleting, setDeleting] = useState<App | null>(null);
  const [secret, setSecret] = useState<{ appId: string; appSecret: string } | null>(null);
  const [mfa, setMfa] = useState<App | null>(null);
  const [branding, setBranding] = useState<{ level: 'application' | 'pool'; app: App } | null>(null);
  const bw = useBrandingWord();
  const previewApp = list.data?.list.find((a) => a.isDefault) ?? list.data?.list[0];
  const refresh = () => qc.invalidateQueries({ queryKey: [pool, 'apps'] });
  const del = useMutation({
    mutationFn: (appId: string) => api.post('delete-application', { appId }),
    onSuccess: () => {
      setDeleting(null);
      void refresh();
    },
  });
  const showSecret = useMutation({ mutationFn: (appId: string) => api.get('get-application-secret', { appId }), onSuccess: (r, appId) => r && setSecret({ appId, appSecret: r.secret }) });

  return (
    <>
      <PageHeader title={t('apps.title')}>
        <TextInput aria-label={t('common.search')} placeholder={t('common.search')} value={keywords} onChange={(e) => setKeywords(e.currentTarget.value)} />
        {previewApp && (
          <WriteButton variant="default" onClick={() => setBranding({ level: 'pool', app: previewApp })}>
            {bw('openPool')}
          </WriteButton>
        )}
        <WriteButton onClick={() => setEditing('new')}>{t('common.create')}</WriteButton>
      </PageHeader>
      <ErrorAlert error={list.error ?? del.error ?? showSecret.error} />
      <Table striped highlightOnHover>
        <Table.Thead>
          <Table.Tr>
            <Table.Th>{t('common.name')}</Table.Th>
            <Table.Th>{t('apps.appId')}</Table.Th>
            <Table.Th>{t('apps.type')}</Table.Th>
            <Table.Th>{t('apps.loginMethods')}</Table.Th>
            <Table.Th>{t('common.actions')}</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {list.data?.list.map((a) => (
            <Table.Tr key={a.appId}>
              <Table.Td>{a.appName}</Table.Td>
              <Table.Td>{a.appId}</Table.Td>
              <Table.Td>{a.appType}</Table.Td>
              <Table.Td>{(a.loginConfig.enabledBasicLoginMethods ?? []).join(', ')}</Table.Td>
              <Table.Td>
                <Group gap={4} wrap="nowrap">
                  {a.redirectUris[0] && (
                    <Anchor size="sm" href={`/pools/${pool}/oidc/auth?client_id=${encodeURIComponent(a.appId)}&redirect_uri=${encodeURIComponent(a.redirectUris[0])}&response_type=code&scope=openid&prompt=login`} target="_blank" rel="noopener">
                      {t('apps.trySignIn')}
                    </Anchor>
                  )}
                  {!readOnly && (
                    <>
                      <Button size="xs" variant="subtle" aria-label={`${t('common.edit')} ${a.appName}`} onClick={() => setEditing(a)}>
                        {t('common.edit')}
                      </Button>
                      <Button size="xs" variant="subtle" aria-label={`${t('apps.mfaPolicy')} ${a.appName}`} onClick={() => setMfa(a)}>
                        {t('apps.mfaPolicy')}
                      </Button>
                      <Button size="xs" variant="subtle" aria-label={`${bw('openApp')} ${a.appName}`} onClick={() => setBranding({ level: 'application', app: a })}>
                        {bw('openApp')}
                      </Button>
                      <Button size="xs" variant="subtle" aria-label={`${t('apps.showSecret')} ${a.appName}`} onClick={() => showSecret.mutate(a.appId)}>
                        {t('apps.showSecret')}
                      </Button>
                      {!a.isDefault && (
                        <Button size="xs" variant="subtle" color="red" aria-label={`${t('common.delete')} ${a.appName}`} onClick={() => setDeleting(a)}>
                          {t('common.delete')}
                        </Button>
                      )}
                    </>
                  )}
                </Group>
              </Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
      {editing && <AppForm app={editing === 'new' ? null : editing} onClose={() => setEditing(null)} onSaved={() => void refresh()} />}
      {mfa && <AppMfaForm app={mfa} onClose={() => setMfa(null)} />}
      {branding && <BrandingEditor level={branding.level} appId={branding.app.appId} appName={branding.app.appName} onClose={() => setBranding(null)} />}
      <ConfirmDelete name={deleting?.appName ?? ''} opened={!!deleting} onClose={() => setDeleting(null)} onConfirm={() => deleting && del.mutate(deleting.appId)} loading={del.isPending} />
      <Modal opened={!!secret} onClose={() => setSecret(null)} title={t('apps.secret')} closeButtonProps={{ 'aria-label': t('common.close') }}>
        {secret && <SecretOnce label={secret.appId} value={secret.appSecret} />}
      </Modal>
    </>
  );
}

function AppForm({ app, onClose, onSaved }: { app: App | null; onClose: () => void; onSaved: () => void }) {
  const t = useT();
  const [name, setName] = useState(app?.appName ?? '');
  const [type, setType] = useState<AppType>('web');
  const [description, setDescription] = useState(app?.appDescription ?? '');
  const [uris, setUris] = useState((app?.redirectUris ?? []).join('\n'));
  const [methods, setMethods] = useState<LoginMethod[]>(app?.loginConfig.enabledBasicLoginMethods ?? ['PHONE_PASSWORD', 'EMAIL_PASSWORD', 'USERNAME_PASSWORD']);
  const save = useMutation({
    mutationFn: async () => {
      const common = { appName: name, redirectUris: lines(uris), loginConfig: { enabledBasicLoginMethods: methods }, ...(description ? { appDescription: description } : {}) };
      if (app) await api.post('update-application', { appId: app.appId, ...common });
      else await api.post('create-application', { ...common, appType: type });
    },
    onSuccess: () => {
      onSaved();
      onClose();
    },
  });
  return (
    <Modal opened onClose={onClose} title={app ? `${t('common.edit')} ${app.appName}` : t('common.create')} size="lg" closeButtonProps={{ 'aria-label': t('common.close') }}>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          save.mutate();
        }}
      >
        <Stack>
          <ErrorAlert error={save.error} />
          <TextInput label={t('common.name')} required value={name} onChange={(e) => setName(e.currentTarget.value)} />
          {!app && <Select label={t('apps.type')} data={APP_TYPES} value={type} onChange={(v) => isAppType(v) && setType(v)} allowDeselect={false} />}
          <Textarea label={t('common.description')} value={description} onChange={(e) => setDescription(e.currentTarget.value)} />
          <Textarea label={t('apps.redirectUris')} autosize minRows={2} value={uris} onChange={(e) => setUris(e.currentTarget.value)} />
          <Checkbox.Group label={t('apps.loginMethods')} value={methods} onChange={(v) => setMethods(v.filter(isLoginMethod))}>
            <Group mt="xs">
              {LOGIN_METHODS.map((m) => (
                <Checkbox key={m} value={m} label={m} />
              ))}
            </Group>
          </Checkbox.Group>
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose}>
              {t('common.cancel')}
            </Button>
            <Button type="submit" loading={save.isPending}>
              {t('common.save')}
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}
