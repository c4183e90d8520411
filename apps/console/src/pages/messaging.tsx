import { Badge, Button, Card, Group, Modal, Select, Stack, Switch, Table, Text, TextInput, Textarea, Title } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { api } from '../api';
import { ErrorAlert, PageHeader } from '../components';
import { useT } from '../i18n';
import { SchemaForm, configToSend, type FormValues, type JsonSchema } from '../schema-form';
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
interface Template {
  kind: 'sms' | 'email';
  channel: string;
  lang: 'en' | 'zh-CN';
  custom: boolean;
  subject?: string;
  text: string;
}

/** Message services: the SMS provider (a form generated from the connector's manifest) and the message templates. */
export function MessagingPage() {
  const t = useT();
  return (
    <>
      <PageHeader title={t('messaging.title')} />
      <Stack gap="xl">
        <SmsProvider />
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
      setEnabled(current.data.enabled);
      setValues(current.data.config ?? {});
    }
  }, [current.data, provider]);
  const connector = connectors.data?.list.find((c) => c.id === provider);
  const save = useMutation({
    mutationFn: () => api.post('config-sms-provider', { provider, enabled, config: configToSend(connector!.configSchema, values) }),
    onSuccess: () => {
      setSaved(true);
      void qc.invalidateQueries({ queryKey: [pool, 'sms-provider'] });
    },
  });
  return (
    <Card withBorder>
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
          {saved && (
            <Text role="status" c="teal.9">
              {t('common.saved')}
            </Text>
          )}
          {!readOnly && (
            <Group justify="flex-end">
              <Button type="submit" disabled={!connector} loading={save.isPending}>
                {t('common.save')}
              </Button>
            </Group>
          )}
        </Stack>
      </form>
    </Card>
  );
}

function Templates() {
  const t = useT();
  const { pool, readOnly } = useSession();
  const qc = useQueryClient();
  const list = useQuery({ queryKey: [pool, 'templates'], queryFn: () => api.get<Template[]>('list-message-templates') });
  const [editing, setEditing] = useState<Template | null>(null);
  const refresh = () => qc.invalidateQueries({ queryKey: [pool, 'templates'] });
  const save = useMutation({ mutationFn: (tpl: Template) => api.post('update-message-template', { kind: tpl.kind, channel: tpl.channel, lang: tpl.lang, text: tpl.text, ...(tpl.kind === 'email' ? { subject: tpl.subject ?? '' } : {}) }), onSuccess: () => (setEditing(null), void refresh()) });
  const reset = useMutation({ mutationFn: (tpl: Template) => api.post('reset-message-template', { kind: tpl.kind, channel: tpl.channel, lang: tpl.lang }), onSuccess: () => void refresh() });
  const name = (x: Template) => `${x.kind} ${x.channel} ${x.lang}`;
  return (
    <Card withBorder>
      <Title order={2} size="h4" mb="sm">
        {t('messaging.templates')}
      </Title>
      <ErrorAlert error={list.error ?? reset.error} />
      <Table striped>
        <Table.Thead>
          <Table.Tr>
            <Table.Th>{t('messaging.template')}</Table.Th>
            <Table.Th>{t('messaging.content')}</Table.Th>
            <Table.Th>{t('common.actions')}</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {list.data?.map((x) => (
            <Table.Tr key={name(x)}>
              <Table.Td>
                {name(x)} {x.custom && <Badge variant="light">custom</Badge>}
              </Table.Td>
              <Table.Td style={{ maxWidth: 420, overflow: 'hidden', textOverflow: 'ellipsis', whiteSpace: 'nowrap' }}>{x.subject ? `${x.subject} — ${x.text}` : x.text}</Table.Td>
              <Table.Td>
                {!readOnly && (
                  <Group gap={4} wrap="nowrap">
                    <Button size="xs" variant="subtle" aria-label={`${t('common.edit')} ${name(x)}`} onClick={() => setEditing(x)}>
                      {t('common.edit')}
                    </Button>
                    {x.custom && (
                      <Button size="xs" variant="subtle" color="red" aria-label={`${t('messaging.reset')} ${name(x)}`} onClick={() => reset.mutate(x)}>
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
      {editing && (
        <Modal opened onClose={() => setEditing(null)} title={name(editing)} size="lg">
          <form
            onSubmit={(e) => {
              e.preventDefault();
              save.mutate(editing);
            }}
          >
            <Stack>
              <ErrorAlert error={save.error} />
              {editing.kind === 'email' && <TextInput label={t('messaging.subject')} value={editing.subject ?? ''} onChange={(e) => setEditing({ ...editing, subject: e.currentTarget.value })} />}
              <Textarea label={t('messaging.content')} autosize minRows={3} value={editing.text} onChange={(e) => setEditing({ ...editing, text: e.currentTarget.value })} />
              <Text size="sm" c="dimmed">
                {editing.text.replace(/\{\{\s*code\s*\}\}/g, '123456')}
              </Text>
              <Group justify="flex-end">
                <Button type="submit" loading={save.isPending}>
                  {t('common.save')}
                </Button>
              </Group>
            </Stack>
          </form>
        </Modal>
      )}
    </Card>
  );
}
