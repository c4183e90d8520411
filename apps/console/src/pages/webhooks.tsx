import { Badge, Button, Checkbox, Group, Modal, Select, Switch, Table, Text, TextInput } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useContext, useState } from 'react';
import { api, type GetData, type PostBody } from '../api';
import { ErrorAlert, SecretOnce, fmtTime } from '../components';
import { FormModal, ResourceTable } from '../crud';
import { I18nContext, useT } from '../i18n';
import { useSession } from '../session';

/** A webhook as list-webhooks returns it (typed from the OpenAPI document). */
type Webhook = GetData<'list-webhooks'>['list'][number];
type ContentType = PostBody<'create-webhook'>['contentType'];
const CONTENT_TYPES: ContentType[] = ['application/json', 'application/x-www-form-urlencoded'];
const isContentType = (v: string | null): v is ContentType => (CONTENT_TYPES as Array<string | null>).includes(v);

/** Webhooks: the events they subscribe to (from get-webhook-event-list), their deliveries, redelivery and a test delivery. */
export function WebhooksPage() {
  const t = useT();
  const { pool, readOnly } = useSession();
  const qc = useQueryClient();
  const list = useQuery({ queryKey: [pool, 'webhooks'], queryFn: () => api.get('list-webhooks', { page: 1, limit: 50 }) });
  const [editing, setEditing] = useState<Webhook | 'new' | null>(null);
  const [deliveries, setDeliveries] = useState<Webhook | null>(null);
  const [secret, setSecret] = useState<string | null>(null);
  const refresh = () => qc.invalidateQueries({ queryKey: [pool, 'webhooks'] });
  return (
    <>
      <ResourceTable<Webhook>
        title={t('webhooks.title')}
        rows={list.data?.list}
        rowKey={(w) => w.webhookId}
        rowName={(w) => w.name}
        error={list.error}
        columns={[
          { label: t('common.name'), render: (w) => w.name },
          { label: t('webhooks.url'), render: (w) => <Text size="sm" style={{ wordBreak: 'break-all' }}>{w.url}</Text> },
          { label: t('webhooks.events'), render: (w) => w.events.join(', ') },
          { label: t('users.status'), render: (w) => <Badge variant="filled" color={w.enabled ? 'teal.9' : 'gray.7'}>{w.enabled ? t('common.enabled') : t('common.disabled')}</Badge> },
        ]}
        onCreate={() => setEditing('new')}
        onEdit={setEditing}
        onDelete={async (w) => {
          await api.post('delete-webhook', { webhookIds: [w.webhookId] });
          await refresh();
        }}
        actions={(w) => (
          <Button size="xs" variant="subtle" aria-label={`${t('webhooks.deliveries')} ${w.name}`} onClick={() => setDeliveries(w)}>
            {t('webhooks.deliveries')}
          </Button>
        )}
      />
      {editing && (
        <WebhookForm
          hook={editing === 'new' ? null : editing}
          onClose={() => setEditing(null)}
          onSaved={async (created) => {
            if (created?.secret) setSecret(created.secret);
            await refresh();
          }}
        />
      )}
      {deliveries && <Deliveries hook={deliveries} readOnly={readOnly} onClose={() => setDeliveries(null)} />}
      <Modal opened={!!secret} onClose={() => setSecret(null)} title={t('webhooks.secret')} closeButtonProps={{ 'aria-label': t('common.close') }}>
        {secret && <SecretOnce label={t('webhooks.secret')} value={secret} />}
      </Modal>
    </>
  );
}

function WebhookForm({ hook, onClose, onSaved }: { hook: Webhook | null; onClose: () => void; onSaved: (created?: Webhook) => Promise<unknown> }) {
  const t = useT();
  const { lang } = useContext(I18nContext);
  const catalog = useQuery({ queryKey: ['webhook-events'], queryFn: async () => (await api.get('get-webhook-event-list')) ?? { categories: [], events: [] } });
  const [name, setName] = useState(hook?.name ?? '');
  const [url, setUrl] = useState(hook?.url ?? '');
  const [contentType, setContentType] = useState<ContentType>(hook?.contentType ?? 'application/json');
  const [enabled, setEnabled] = useState(hook?.enabled ?? true);
  const [events, setEvents] = useState<string[]>(hook?.events ?? []);
  const submit = async () => {
    const body = { name, url, events, contentType, enabled };
    if (hook) await api.post('update-webhook', { webhookId: hook.webhookId, ...body });
    else return onSaved((await api.post('create-webhook', body)) ?? undefined);
    return onSaved();
  };
  return (
    <FormModal title={hook ? `${t('common.edit')} ${hook.name}` : t('webhooks.create')} onClose={onClose} onSubmit={submit}>
      <ErrorAlert error={catalog.error} />
      <TextInput label={t('common.name')} required value={name} onChange={(e) => setName(e.currentTarget.value)} />
      <TextInput label={t('webhooks.url')} required value={url} onChange={(e) => setUrl(e.currentTarget.value)} />
      <Select label={t('webhooks.contentType')} data={CONTENT_TYPES} value={contentType} onChange={(v) => isContentType(v) && setContentType(v)} allowDeselect={false} />
      <Switch label={t('common.enabled')} checked={enabled} onChange={(e) => setEnabled(e.currentTarget.checked)} />
      {catalog.data?.categories.map((c) => (
        <Checkbox.Group key={c.value} label={lang === 'zh-CN' ? c.name : c.nameEn} value={events.filter((e) => catalog.data.events.some((x) => x.value === e && x.category === c.value))} onChange={(v) => setEvents([...events.filter((e) => !catalog.data.events.some((x) => x.value === e && x.category === c.value)), ...v])}>
          <Group mt="xs" gap="sm">
            {catalog.data.events
              .filter((e) => e.category === c.value)
              .map((e) => (
                <Checkbox key={e.value} value={e.value} label={e.value} />
              ))}
          </Group>
        </Checkbox.Group>
      ))}
    </FormModal>
  );
}

function Deliveries({ hook, readOnly, onClose }: { hook: Webhook; readOnly: boolean; onClose: () => void }) {
  const t = useT();
  const { pool } = useSession();
  const qc = useQueryClient();
  const key = [pool, 'webhook-logs', hook.webhookId];
  const logs = useQuery({ queryKey: key, queryFn: () => api.post('get-webhook-logs', { webhookId: hook.webhookId, page: 1, limit: 50 }) });
  const refresh = () => qc.invalidateQueries({ queryKey: key });
  const test = useMutation({ mutationFn: () => api.post('trigger-webhook', { webhookId: hook.webhookId }), onSettled: refresh });
  const redeliver = useMutation({ mutationFn: (deliveryId: string) => api.post('redeliver-webhook', { webhookId: hook.webhookId, deliveryId }), onSettled: refresh });
  return (
    <Modal opened onClose={onClose} title={`${t('webhooks.deliveries')}: ${hook.name}`} size="xl" closeButtonProps={{ 'aria-label': t('common.close') }}>
      <ErrorAlert error={logs.error ?? test.error ?? redeliver.error} />
      <Group mb="sm">
        {!readOnly && (
          <Button size="xs" onClick={() => test.mutate()} loading={test.isPending}>
            {t('webhooks.test')}
          </Button>
        )}
        <Button size="xs" variant="default" onClick={() => void refresh()}>
          {t('webhooks.refresh')}
        </Button>
      </Group>
      {logs.data && logs.data.list.length === 0 && <Text>{t('common.none')}</Text>}
      <Table>
        <Table.Thead>
          <Table.Tr>
            <Table.Th>{t('audit.time')}</Table.Th>
            <Table.Th>{t('audit.event')}</Table.Th>
            <Table.Th>{t('webhooks.attempt')}</Table.Th>
            <Table.Th>{t('audit.result')}</Table.Th>
            {!readOnly && <Table.Th>{t('common.actions')}</Table.Th>}
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {logs.data?.list.map((d) => (
            <Table.Tr key={`${d.deliveryId}:${d.attempt}`}>
              <Table.Td>{fmtTime(d.timestamp)}</Table.Td>
              <Table.Td>{d.eventName}</Table.Td>
              <Table.Td>{d.attempt}</Table.Td>
              <Table.Td>
                <Badge variant="filled" color={d.success ? 'teal.9' : 'red.9'}>
                  {d.responseStatusCode || d.errorMessage || '—'}
                </Badge>
              </Table.Td>
              {!readOnly && (
                <Table.Td>
                  <Button size="xs" variant="subtle" onClick={() => redeliver.mutate(d.deliveryId)}>
                    {t('webhooks.redeliver')}
                  </Button>
                </Table.Td>
              )}
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </Modal>
  );
}
