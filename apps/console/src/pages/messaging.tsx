import { Badge, Button, Card, Group, Modal, NumberInput, PasswordInput, SegmentedControl, Select, SimpleGrid, Stack, Switch, Table, Text, TextInput, Textarea, Title } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { api, type GetData, type PostBody } from '../api';
import { ErrorAlert, PageHeader, SaveBar } from '../components';
import { FormModal } from '../crud';
import { useT } from '../i18n';
import { SchemaForm, configToSend, type FormValues, type JsonSchema } from '../schema-form';
import { useServerForm } from '../server-form';
import { useSession } from '../session';

interface Connector {
  id: string;
  name: string;
  configSchema: JsonSchema;
  secretFields: string[];
  operatorOnlyFields: string[];
}
interface Provider {
  provider?: string;
  enabled: boolean;
  config?: FormValues;
}
/** A template in effect as list-message-templates returns it (typed from the OpenAPI document). */
type Template = GetData<'list-message-templates'>[number];

/** Message services: the SMS provider (a form generated from the connector's manifest), the email provider, code and quota settings, and the message templates. */
export function MessagingPage() {
  const t = useT();
  return (
    <>
      <PageHeader title={t('messaging.title')} />
      <Stack gap="xl">
        <SmsProvider />
        <EmailProvider />
        <Settings />
        <Templates />
      </Stack>
    </>
  );
}

function SmsProvider() {
  const t = useT();
  const { pool, readOnly } = useSession();
  const qc = useQueryClient();
  const connectors = useQuery({ queryKey: ['connectors', 'sms'], queryFn: () => api.get<{ list: Connector[] }>('console/connectors', { kind: 'sms' }) });
  const current = useQuery({ queryKey: [pool, 'sms-provider'], queryFn: () => api.get<Provider>('get-sms-provider') });
  const [provider, setProvider] = useState<string | null>(null);
  const [enabled, setEnabled] = useState(true);
  const [values, setValues] = useState<FormValues>({});
  const [saved, setSaved] = useState(false);
  useEffect(() => {
    if (current.data && provider === null) {
      setProvider(current.data.provider ?? null);
      // A pool without its own provider yet: a provider picked now is meant to be used.
      setEnabled(current.data.provider ? current.data.enabled : true);
      setValues(current.data.config ?? {});
    }
  }, [current.data, provider]);
  const connector = connectors.data?.list.find((c) => c.id === provider);
  const save = useMutation({
    mutationFn: async () => {
      // The save button is disabled until a provider with a known connector is picked.
      if (provider === null || !connector) return;
      await api.post('config-sms-provider', { provider, enabled, config: configToSend(connector.configSchema, values) });
    },
    onSuccess: () => {
      setSaved(true);
      void qc.invalidateQueries({ queryKey: [pool, 'sms-provider'] });
    },
  });
  return (
    <Card withBorder component="section" aria-label={t('messaging.sms')}>
      <Title order={2} size="h4" mb="sm">
        {t('messaging.sms')}
      </Title>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          setSaved(false);
          save.mutate();
        }}
      >
        <Stack>
          <ErrorAlert error={connectors.error ?? current.error ?? save.error} />
          <Select
            label={t('messaging.provider')}
            data={(connectors.data?.list ?? []).map((c) => ({ value: c.id, label: `${c.name} (${c.id})` }))}
            value={provider}
            onChange={(v) => {
              setProvider(v);
              setValues({});
            }}
            disabled={readOnly}
          />
          <Switch label={t('common.enabled')} checked={enabled} onChange={(e) => setEnabled(e.currentTarget.checked)} disabled={readOnly} />
          {connector && <SchemaForm schema={connector.configSchema} secretFields={connector.secretFields} hidden={connector.operatorOnlyFields} values={values} onChange={setValues} />}
          <SaveBar saved={saved} readOnly={readOnly} pending={save.isPending} disabled={!connector} />
        </Stack>
      </form>
    </Card>
  );
}

type EmailType = PostBody<'config-email-provider'>['type'];
const EMAIL_TYPES: EmailType[] = ['custom', 'ali', 'qq', 'sendgrid', 'console'];
const isEmailType = (v: string | null): v is EmailType => (EMAIL_TYPES as Array<string | null>).includes(v);
interface EmailProviderDto {
  enabled: boolean;
  type?: EmailType;
  smtpConfig?: { smtp_host?: string; smtp_port?: number; sender?: string; secure?: boolean };
  sendGridConfig?: { sender?: string };
  aliExmailConfig?: { sender?: string };
  tencentExmailConfig?: { sender?: string };
}

/**
 * The email provider in the vendor's shape (config-email-provider / get-email-provider): a
 * custom SMTP server, or a mail service whose SMTP host the server knows. The password or API
 * key is write-only: left empty, the stored one is kept.
 */
function EmailProvider() {
  const t = useT();
  const { pool, readOnly } = useSession();
  const qc = useQueryClient();
  const current = useQuery({ queryKey: [pool, 'email-provider'], queryFn: () => api.get<EmailProviderDto>('get-email-provider') });
  const [f, setF] = useState<{ type: EmailType | null; enabled: boolean; host: string; port: number | ''; secure: boolean; sender: string; secret: string } | null>(null);
  useEffect(() => {
    if (current.data && f === null) {
      const d = current.data;
      const smtp = d.smtpConfig ?? {};
      const sender = smtp.sender ?? d.sendGridConfig?.sender ?? d.aliExmailConfig?.sender ?? d.tencentExmailConfig?.sender ?? '';
      setF({ type: d.type ?? null, enabled: d.type ? d.enabled : true, host: smtp.smtp_host ?? '', port: smtp.smtp_port ?? 465, secure: smtp.secure ?? true, sender, secret: '' });
    }
  }, [current.data, f]);
  const [saved, setSaved] = useState(false);
  const save = useMutation({
    mutationFn: async () => {
      const v = f!;
      // The save button is disabled until a provider is picked.
      if (v.type === null) return;
      const secret = v.secret ? v.secret : undefined;
      const body: PostBody<'config-email-provider'> = { type: v.type, enabled: v.enabled };
      if (v.type === 'custom') body.smtpConfig = { smtp_host: v.host, smtp_port: typeof v.port === 'number' ? v.port : 0, sender: v.sender, secure: v.secure, ...(secret ? { senderPass: secret } : {}) };
      if (v.type === 'sendgrid') body.sendGridConfig = { sender: v.sender, ...(secret ? { apikey: secret } : {}) };
      if (v.type === 'ali') body.aliExmailConfig = { sender: v.sender, ...(secret ? { senderPass: secret } : {}) };
      if (v.type === 'qq') body.tencentExmailConfig = { sender: v.sender, ...(secret ? { senderPass: secret } : {}) };
      await api.post('config-email-provider', body);
    },
    onSuccess: () => {
      setSaved(true);
      setF((x) => (x ? { ...x, secret: '' } : x));
      void qc.invalidateQueries({ queryKey: [pool, 'email-provider'] });
    },
  });
  const set = (p: Partial<NonNullable<typeof f>>) => f && setF({ ...f, ...p });
  return (
    <Card withBorder component="section" aria-label={t('messaging.email')}>
      <Title order={2} size="h4" mb="sm">
        {t('messaging.email')}
      </Title>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          setSaved(false);
          save.mutate();
        }}
      >
        <Stack>
          <ErrorAlert error={current.error ?? save.error} />
          {f && (
            <>
              <Select
                label={t('messaging.provider')}
                data={[
                  { value: 'custom', label: t('messaging.emailCustom') },
                  { value: 'ali', label: t('messaging.emailAli') },
                  { value: 'qq', label: t('messaging.emailQq') },
                  { value: 'sendgrid', label: 'SendGrid' },
                  { value: 'console', label: t('messaging.emailConsole') },
                ]}
                value={f.type}
                onChange={(v) => set({ type: isEmailType(v) ? v : null })}
                disabled={readOnly}
              />
              <Switch label={t('common.enabled')} checked={f.enabled} onChange={(e) => set({ enabled: e.currentTarget.checked })} disabled={readOnly} />
              {f.type === 'custom' && (
                <Group grow align="flex-start">
                  <TextInput label={t('messaging.smtpHost')} required value={f.host} onChange={(e) => set({ host: e.currentTarget.value })} disabled={readOnly} />
                  <NumberInput label={t('messaging.smtpPort')} required min={1} max={65535} value={f.port} onChange={(n) => set({ port: typeof n === 'number' ? n : '' })} disabled={readOnly} />
                </Group>
              )}
              {f.type === 'custom' && <Switch label={t('messaging.smtpSecure')} checked={f.secure} onChange={(e) => set({ secure: e.currentTarget.checked })} disabled={readOnly} />}
              {f.type && f.type !== 'console' && (
                <>
                  <TextInput label={t('messaging.sender')} required={f.type !== 'custom'} value={f.sender} onChange={(e) => set({ sender: e.currentTarget.value })} disabled={readOnly} />
                  {!readOnly && (
                    <PasswordInput
                      label={f.type === 'sendgrid' ? t('messaging.apiKey') : t('messaging.senderPass')}
                      description={t('messaging.secretKept')}
                      autoComplete="new-password"
                      value={f.secret}
                      onChange={(e) => set({ secret: e.currentTarget.value })}
                      visibilityToggleButtonProps={{ 'aria-label': t('form.toggleSecret') }}
                    />
                  )}
                </>
              )}
            </>
          )}
          <SaveBar saved={saved} readOnly={readOnly} pending={save.isPending} disabled={!f?.type} />
        </Stack>
      </form>
    </Card>
  );
}

interface MessagingSettings {
  codeLength: number;
  codeTtlSeconds: number;
  maxAttempts: number;
  captchaBeforeSend: boolean;
  welcomeEmail: boolean;
  verificationEmail: boolean;
  defaultLang: 'en' | 'zh-CN';
  quotas: Record<QuotaKey, number>;
}
const QUOTAS = ['recipientPerMinute', 'recipientPerHour', 'recipientPerDay', 'ipPerHour', 'poolPerHour', 'poolPerDay'] as const;
type QuotaKey = (typeof QUOTAS)[number];

/**
 * Only what the administrator changed: a pool stores the keys it sets and follows the server
 * defaults (config sendLimit*) for the rest, so saving the form must not pin every default.
 */
function changed(from: MessagingSettings, to: MessagingSettings): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const k of ['codeLength', 'codeTtlSeconds', 'maxAttempts', 'captchaBeforeSend', 'welcomeEmail', 'verificationEmail', 'defaultLang'] as const) if (to[k] !== from[k]) out[k] = to[k];
  const quotas = Object.fromEntries(QUOTAS.filter((k) => to.quotas[k] !== from.quotas[k]).map((k) => [k, to.quotas[k]]));
  if (Object.keys(quotas).length > 0) out.quotas = quotas;
  return out;
}

/** Codes (length, lifetime, attempts), sending limits, a captcha before sending, the registration mails and the default language (get/update-messaging-settings). */
function Settings() {
  const t = useT();
  const { pool, readOnly } = useSession();
  const qc = useQueryClient();
  const q = useQuery({ queryKey: [pool, 'messaging-settings'], queryFn: () => api.get<MessagingSettings>('get-messaging-settings') });
  const { form: s, setForm: setS, saved: markSaved } = useServerForm(q.data, (d: MessagingSettings) => d);
  const [saved, setSaved] = useState(false);
  const save = useMutation({
    mutationFn: (sent: MessagingSettings) => api.post('update-messaging-settings', changed(q.data!, sent)),
    onSuccess: (_r, sent) => {
      markSaved(sent);
      setSaved(true);
      void qc.invalidateQueries({ queryKey: [pool, 'messaging-settings'] });
    },
  });
  const num = (v: string | number) => (typeof v === 'number' ? v : Number(v));
  return (
    <Card withBorder component="section" aria-label={t('messaging.settings')}>
      <Title order={2} size="h4" mb="sm">
        {t('messaging.settings')}
      </Title>
      <ErrorAlert error={q.error} />
      {s && (
        <form
          onSubmit={(e) => {
            e.preventDefault();
            setSaved(false);
            save.mutate(s);
          }}
        >
          <fieldset disabled={readOnly} style={{ border: 0, padding: 0, margin: 0 }}>
            <Stack gap="sm">
              <ErrorAlert error={save.error} />
              <Group grow align="flex-start">
                <NumberInput label={t('messaging.codeLength')} value={s.codeLength} onChange={(v) => setS({ ...s, codeLength: num(v) })} />
                <NumberInput label={t('messaging.codeTtl')} value={s.codeTtlSeconds} onChange={(v) => setS({ ...s, codeTtlSeconds: num(v) })} />
                <NumberInput label={t('messaging.maxAttempts')} value={s.maxAttempts} onChange={(v) => setS({ ...s, maxAttempts: num(v) })} />
              </Group>
              <fieldset className="plain-fieldset">
                <legend>
                  <Text size="sm" fw={500}>
                    {t('messaging.quotas')}
                  </Text>
                </legend>
                <Text size="xs" c="dimmed" mb="xs">
                  {t('messaging.quotasHint')}
                </Text>
                <SimpleGrid cols={{ base: 1, sm: 3 }}>
                  {QUOTAS.map((k) => (
                    <NumberInput key={k} label={t(`messaging.quota.${k}`)} min={1} max={1_000_000} clampBehavior="none" allowDecimal={false} value={s.quotas[k]} onChange={(v) => setS({ ...s, quotas: { ...s.quotas, [k]: num(v) } })} />
                  ))}
                </SimpleGrid>
              </fieldset>
              <Switch label={t('messaging.captchaBeforeSend')} checked={s.captchaBeforeSend} onChange={(e) => setS({ ...s, captchaBeforeSend: e.currentTarget.checked })} />
              <Switch label={t('messaging.welcomeEmail')} checked={s.welcomeEmail} onChange={(e) => setS({ ...s, welcomeEmail: e.currentTarget.checked })} />
              <Switch label={t('messaging.verificationEmail')} checked={s.verificationEmail} onChange={(e) => setS({ ...s, verificationEmail: e.currentTarget.checked })} />
              <Select label={t('messaging.defaultLang')} data={[{ value: 'en', label: 'English' }, { value: 'zh-CN', label: '简体中文' }]} value={s.defaultLang} onChange={(v) => v && setS({ ...s, defaultLang: v as 'en' | 'zh-CN' })} allowDeselect={false} />
              <SaveBar saved={saved} readOnly={readOnly} pending={save.isPending} />
            </Stack>
          </fieldset>
        </form>
      )}
    </Card>
  );
}

/** The server's sample values (send-test-message), so the preview reads as the test message will. */
const SAMPLE: Record<string, string> = { code: '123456', appName: 'Gatehouse', ttlMinutes: '5', userName: 'Test user', link: 'https://example.com/verify' };
const preview = (s: string) => s.replace(/\{\{\s*(\w+)\s*\}\}/g, (whole, k: string) => SAMPLE[k] ?? whole);
const nameOf = (x: Pick<Template, 'kind' | 'channel' | 'lang'>) => `${x.kind} ${x.channel} ${x.lang}`;

function Templates() {
  const t = useT();
  const { pool, readOnly } = useSession();
  const qc = useQueryClient();
  const list = useQuery({ queryKey: [pool, 'templates'], queryFn: async () => (await api.get('list-message-templates')) ?? [] });
  const [editing, setEditing] = useState<Template | null>(null);
  const [testing, setTesting] = useState<Template | null>(null);
  const [kind, setKind] = useState<'sms' | 'email'>('sms');
  const refresh = () => qc.invalidateQueries({ queryKey: [pool, 'templates'] });
  const reset = useMutation({ mutationFn: (tpl: Template) => api.post('reset-message-template', { kind: tpl.kind, channel: tpl.channel, lang: tpl.lang }), onSuccess: () => void refresh() });
  const rows = list.data?.filter((x) => x.kind === kind);
  return (
    <Card withBorder component="section" aria-label={t('messaging.templates')}>
      <Group justify="space-between" mb="sm">
        <Title order={2} size="h4">
          {t('messaging.templates')}
        </Title>
        <SegmentedControl aria-label={t('messaging.kind')} value={kind} onChange={(v) => setKind(v as 'sms' | 'email')} data={[{ value: 'sms', label: 'SMS' }, { value: 'email', label: 'Email' }]} />
      </Group>
      <ErrorAlert error={list.error ?? reset.error} />
      <Table striped>
        <Table.Thead>
          <Table.Tr>
            <Table.Th>{t('messaging.template')}</Table.Th>
            <Table.Th>{t('messaging.preview')}</Table.Th>
            <Table.Th>{t('common.actions')}</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {rows?.map((x) => (
            <Table.Tr key={nameOf(x)}>
              <Table.Td>
                {x.channel} <Badge variant="outline">{x.lang}</Badge> {x.custom && <Badge variant="light">{t('messaging.custom')}</Badge>}
              </Table.Td>
              <Table.Td style={{ maxWidth: 520, overflow: 'hidden', textOverflow: 'ellipsis', whiteSpace: 'nowrap' }}>{preview(x.subject ? `${x.subject} — ${x.text}` : x.text)}</Table.Td>
              <Table.Td>
                {!readOnly && (
                  <Group gap={4} wrap="nowrap">
                    <Button size="xs" variant="subtle" aria-label={`${t('common.edit')} ${nameOf(x)}`} onClick={() => setEditing(x)}>
                      {t('common.edit')}
                    </Button>
                    <Button size="xs" variant="subtle" aria-label={`${t('messaging.sendTest')} ${nameOf(x)}`} onClick={() => setTesting(x)}>
                      {t('messaging.sendTest')}
                    </Button>
                    {x.custom && (
                      <Button size="xs" variant="subtle" color="red" aria-label={`${t('messaging.reset')} ${nameOf(x)}`} onClick={() => reset.mutate(x)}>
                        {t('messaging.reset')}
                      </Button>
                    )}
                  </Group>
                )}
              </Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
      {editing && <TemplateForm template={editing} other={list.data?.find((o) => o.kind === editing.kind && o.channel === editing.channel && o.lang !== editing.lang)} onClose={() => setEditing(null)} onSaved={refresh} />}
      {testing && <SendTest template={testing} onClose={() => setTesting(null)} />}
    </Card>
  );
}

/** Edit one language of a template, with a live preview of it and of the other language beside it. */
function TemplateForm({ template, other, onClose, onSaved }: { template: Template; other: Template | undefined; onClose: () => void; onSaved: () => Promise<unknown> }) {
  const t = useT();
  const [tpl, setTpl] = useState(template);
  const submit = async () => {
    await api.post('update-message-template', { kind: tpl.kind, channel: tpl.channel, lang: tpl.lang, text: tpl.text, ...(tpl.kind === 'email' ? { subject: tpl.subject ?? '' } : {}) });
    await onSaved();
  };
  const previews = [tpl, ...(other ? [other] : [])].sort((a, b) => a.lang.localeCompare(b.lang));
  return (
    <FormModal title={nameOf(template)} onClose={onClose} onSubmit={submit}>
      {tpl.kind === 'email' && <TextInput label={t('messaging.subject')} value={tpl.subject ?? ''} onChange={(e) => setTpl({ ...tpl, subject: e.currentTarget.value })} />}
      <Textarea label={t('messaging.content')} autosize minRows={3} value={tpl.text} onChange={(e) => setTpl({ ...tpl, text: e.currentTarget.value })} />
      <SimpleGrid cols={2}>
        {previews.map((p) => (
          <Card key={p.lang} withBorder padding="sm" data-testid={`preview-${p.lang}`}>
            <Text size="xs" fw={700} mb={4}>
              {t('messaging.preview')} ({p.lang})
            </Text>
            {p.kind === 'email' && (
              <Text size="sm" fw={600}>
                {preview(p.subject ?? '')}
              </Text>
            )}
            <Text size="sm" style={{ whiteSpace: 'pre-wrap' }}>
              {preview(p.text)}
            </Text>
          </Card>
        ))}
      </SimpleGrid>
    </FormModal>
  );
}

/** "Send a test message": the template in effect, with the sample values, through the pool's provider. */
function SendTest({ template, onClose }: { template: Template; onClose: () => void }) {
  const t = useT();
  const [to, setTo] = useState('');
  const [sent, setSent] = useState(false);
  const send = useMutation({ mutationFn: () => api.post('send-test-message', { kind: template.kind, channel: template.channel, lang: template.lang, to }), onSuccess: () => setSent(true) });
  return (
    <Modal opened onClose={onClose} title={`${t('messaging.sendTest')}: ${nameOf(template)}`} closeButtonProps={{ 'aria-label': t('common.close') }}>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          setSent(false);
          send.mutate();
        }}
      >
        <Stack>
          <ErrorAlert error={send.error} />
          <TextInput label={template.kind === 'sms' ? t('messaging.toPhone') : t('messaging.toEmail')} required value={to} onChange={(e) => setTo(e.currentTarget.value)} />
          {sent && (
            <Text role="status" c="teal.9">
              {t('messaging.sent')}
            </Text>
          )}
          <Group justify="flex-end">
            <Button type="submit" loading={send.isPending}>
              {t('messaging.send')}
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}
