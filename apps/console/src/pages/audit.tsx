import { Badge, Button, Code, Group, Pagination, Table, TextInput } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { api } from '../api';
import { ErrorAlert, PageHeader, fmtTime } from '../components';
import { useT } from '../i18n';
import { useSession } from '../session';

interface Entry {
  id: string;
  at: string;
  type: string;
  result: string;
  actor: string | null;
  subject: string | null;
  ip: string | null;
  data: Record<string, unknown>;
}

const LIMIT = 50;
/** `<input type="datetime-local">` value (local time) → ISO-8601 UTC for the API. */
const toIso = (v: string) => (v ? new Date(v).toISOString() : undefined);

/** The audit log: filter by actor, event and time; export what the filter selects as CSV. */
export function AuditPage() {
  const t = useT();
  const { pool } = useSession();
  const [f, setF] = useState({ actor: '', type: '', from: '', to: '' });
  const [page, setPage] = useState(1);
  const filter = { ...(f.actor ? { actor: f.actor } : {}), ...(f.type ? { type: f.type } : {}), from: toIso(f.from), to: toIso(f.to) };
  const q = useQuery({ queryKey: [pool, 'audit', filter, page], queryFn: () => api.get<{ list: Entry[]; totalCount: number }>('console/audit-logs', { ...filter, page, limit: LIMIT }) });
  const [exportError, setExportError] = useState<unknown>(null);
  const exportCsv = async () => {
    try {
      const blob = await api.download('console/audit-logs/export', filter);
      const a = document.createElement('a');
      a.href = URL.createObjectURL(blob);
      a.download = `audit-log-${pool}.csv`;
      a.click();
      URL.revokeObjectURL(a.href);
    } catch (err) {
      setExportError(err);
    }
  };
  const set = (k: keyof typeof f) => (e: React.ChangeEvent<HTMLInputElement>) => {
    setF({ ...f, [k]: e.currentTarget.value });
    setPage(1);
  };
  return (
    <>
      <PageHeader title={t('audit.title')}>
        <Button variant="light" onClick={() => void exportCsv()}>
          {t('audit.export')}
        </Button>
      </PageHeader>
      <Group mb="md" align="flex-end" wrap="wrap">
        <TextInput label={t('audit.actor')} value={f.actor} onChange={set('actor')} />
        <TextInput label={t('audit.event')} placeholder="login, user:created…" value={f.type} onChange={set('type')} />
        <TextInput type="datetime-local" label={t('audit.from')} value={f.from} onChange={set('from')} />
        <TextInput type="datetime-local" label={t('audit.to')} value={f.to} onChange={set('to')} />
      </Group>
      <ErrorAlert error={q.error ?? exportError} />
      <Table striped>
        <Table.Thead>
          <Table.Tr>
            <Table.Th>{t('audit.time')}</Table.Th>
            <Table.Th>{t('audit.event')}</Table.Th>
            <Table.Th>{t('audit.result')}</Table.Th>
            <Table.Th>{t('audit.actor')}</Table.Th>
            <Table.Th>{t('audit.subject')}</Table.Th>
            <Table.Th>IP</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {q.data?.list.map((e) => (
            <Table.Tr key={e.id}>
              <Table.Td>{fmtTime(e.at)}</Table.Td>
              <Table.Td>
                <Code>{e.type}</Code>
              </Table.Td>
              <Table.Td>
                <Badge color={e.result === 'success' ? 'teal.9' : 'red.9'} variant="filled">
                  {e.result}
                </Badge>
              </Table.Td>
              <Table.Td>{e.actor ?? '—'}</Table.Td>
              <Table.Td>{e.subject ?? '—'}</Table.Td>
              <Table.Td>{e.ip ?? '—'}</Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
      {q.data && q.data.totalCount > LIMIT && <Pagination mt="md" total={Math.ceil(q.data.totalCount / LIMIT)} value={page} onChange={setPage} />}
    </>
  );
}
