import { Anchor, Button, Checkbox, Group, Modal, Select, TextInput, Textarea } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { api, type GetData, type PostBody } from '../api';
import { SecretOnce, WriteButton } from '../components';
import { FormModal, ResourceTable } from '../crud';
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

/**
 * Applications on the shared list page (crud.tsx): search, create, edit (settings, redirect URIs,
 * login methods), delete (not the pool's default application, which the server refuses), and per
 * row "try sign-in", the MFA policy, the branding editor with its live preview and the secret on
 * request. The pool's login page branding opens from the header.
 */
export function ApplicationsPage() {
  const t = useT();
  const { pool, readOnly } = useSession();
  const qc = useQueryClient();
  const [keywords, setKeywords] = useState('');
  const list = useQuery({ queryKey: [pool, 'apps', keywords], queryFn: () => api.get('list-applications', { page: 1, limit: 100, ...(keywords ? { keywords } : {}) }) });
  const [editing, setEditing] = useState<App | 'new' | null>(null);
  const [secret, setSecret] = useState<{ appId: string; appSecret: string } | null>(null);
  const [mfa, setMfa] = useState<App | null>(null);
  const [branding, setBranding] = useState<{ level: 'application' | 'pool'; app: App } | null>(null);
  const bw = useBrandingWord();
  const rows = list.data?.list;
  const previewApp = rows?.find((a) => a.isDefault) ?? rows?.[0];
  const refresh = () => qc.invalidateQueries({ queryKey: [pool, 'apps'] });
  const showSecret = useMutation({ mutationFn: (appId: string) => api.get('get-application-secret', { appId }), onSuccess: (r, appId) => r && setSecret({ appId, appSecret: r.secret }) });
  // The hosted login of the pool, as a relying party would start it (a new tab; prompt=login so a console session is not reused).
  const trySignIn = (a: App, uri: string) => `/pools/${pool}/oidc/auth?client_id=${encodeURIComponent(a.appId)}&redirect_uri=${encodeURIComponent(uri)}&response_type=code&scope=openid&prompt=login`;

  return (
    <>
      <ResourceTable<App>
        title={t('apps.title')}
        rows={rows}
        rowKey={(a) => a.appId}
        rowName={(a) => a.appName}
        error={list.error ?? showSecret.error}
        search={keywords}
        onSearch={setKeywords}
        headerExtra={
          previewApp && (
            <WriteButton variant="default" onClick={() => setBranding({ level: 'pool', app: previewApp })}>
              {bw('openPool')}
            </WriteButton>
          )
        }
        columns={[
          { label: t('common.name'), render: (a) => a.appName },
          { label: t('apps.appId'), render: (a) => a.appId },
          { label: t('apps.type'), render: (a) => a.appType },
          { label: t('apps.loginMethods'), render: (a) => (a.loginConfig.enabledBasicLoginMethods ?? []).join(', ') },
        ]}
        onCreate={() => setEditing('new')}
        onEdit={setEditing}
        onDelete={async (a) => {
          await api.post('delete-application', { appId: a.appId });
          await refresh();
        }}
        canDelete={(a) => !a.isDefault}
        actions={(a) => (
          <>
            {a.redirectUris[0] && (
              <Anchor size="sm" href={trySignIn(a, a.redirectUris[0])} target="_blank" rel="noopener">
                {t('apps.trySignIn')}
              </Anchor>
            )}
            {!readOnly && (
              <>
                <Button size="xs" variant="subtle" aria-label={`${t('apps.mfaPolicy')} ${a.appName}`} onClick={() => setMfa(a)}>
                  {t('apps.mfaPolicy')}
                </Button>
                <Button size="xs" variant="subtle" aria-label={`${bw('openApp')} ${a.appName}`} onClick={() => setBranding({ level: 'application', app: a })}>
                  {bw('openApp')}
                </Button>
                <Button size="xs" variant="subtle" aria-label={`${t('apps.showSecret')} ${a.appName}`} onClick={() => showSecret.mutate(a.appId)}>
                  {t('apps.showSecret')}
                </Button>
              </>
            )}
          </>
        )}
      />
      {editing && <AppForm app={editing === 'new' ? null : editing} onClose={() => setEditing(null)} onSaved={refresh} />}
      {mfa && <AppMfaForm app={mfa} onClose={() => setMfa(null)} />}
      {branding && <BrandingEditor level={branding.level} appId={branding.app.appId} appName={branding.app.appName} onClose={() => setBranding(null)} />}
      <Modal opened={!!secret} onClose={() => setSecret(null)} title={t('apps.secret')} closeButtonProps={{ 'aria-label': t('common.close') }}>
        {secret && <SecretOnce label={secret.appId} value={secret.appSecret} />}
      </Modal>
    </>
  );
}

/** Create or edit: the API validates (redirect URIs, login methods) and its message shows in the form. */
function AppForm({ app, onClose, onSaved }: { app: App | null; onClose: () => void; onSaved: () => Promise<unknown> }) {
  const t = useT();
  const [name, setName] = useState(app?.appName ?? '');
  const [type, setType] = useState<AppType>('web');
  const [description, setDescription] = useState(app?.appDescription ?? '');
  const [uris, setUris] = useState((app?.redirectUris ?? []).join('\n'));
  const [methods, setMethods] = useState<LoginMethod[]>(app?.loginConfig.enabledBasicLoginMethods ?? ['PHONE_PASSWORD', 'EMAIL_PASSWORD', 'USERNAME_PASSWORD']);
  const submit = async () => {
    const common = { appName: name, redirectUris: lines(uris), loginConfig: { enabledBasicLoginMethods: methods }, ...(description ? { appDescription: description } : {}) };
    if (app) await api.post('update-application', { appId: app.appId, ...common });
    else await api.post('create-application', { ...common, appType: type });
    await onSaved();
  };
  return (
    <FormModal title={app ? `${t('common.edit')} ${app.appName}` : t('common.create')} onClose={onClose} onSubmit={submit}>
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
    </FormModal>
  );
}
