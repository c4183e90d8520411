import { Card, Group, SimpleGrid, Text, Title } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { api } from '../api';
import { ErrorAlert, PageHeader } from '../components';
import { useT } from '../i18n';
import { useSession } from '../session';

interface Day {
  day: string;
  success: number;
  failure: number;
}

/** Sign-ins per day (successful and failed, from the audit log) as a bar chart, and a few counts. */
export function DashboardPage() {
  const t = useT();
  const { pool } = useSession();
  const days = useQuery({ queryKey: [pool, 'sign-ins'], queryFn: () => api.get<{ days: Day[] }>('console/sign-ins-per-day', { days: 14 }) });
  const users = useQuery({ queryKey: [pool, 'users', 'count'], queryFn: () => api.post('list-users', { options: { pagination: { page: 1, limit: 1 } } }) });
  const apps = useQuery({ queryKey: [pool, 'apps', 'count'], queryFn: () => api.get('list-applications', { page: 1, limit: 1 }) });
  return (
    <>
      <PageHeader title={t('dashboard.title')} />
      <ErrorAlert error={days.error ?? users.error ?? apps.error} />
      <SimpleGrid cols={{ base: 1, sm: 2 }} mb="md">
        <Stat label={t('dashboard.users')} value={users.data?.totalCount} />
        <Stat label={t('dashboard.apps')} value={apps.data?.totalCount} />
      </SimpleGrid>
      <Card withBorder>
        <Title order={2} size="h4" mb="sm">
          {t('dashboard.signIns')}
        </Title>
        {days.data && <Chart days={days.data.days} successLabel={t('dashboard.success')} failureLabel={t('dashboard.failure')} />}
      </Card>
    </>
  );
}

function Stat({ label, value }: { label: string; value: number | undefined }) {
  return (
    <Card withBorder>
      <Text size="sm" c="dimmed">
        {label}
      </Text>
      <Text size="xl" fw={700}>
        {value ?? '…'}
      </Text>
    </Card>
  );
}

/** Stacked bars, drawn as SVG (no chart library: one small chart does not need one). */
function Chart({ days, successLabel, failureLabel }: { days: Day[]; successLabel: string; failureLabel: string }) {
  const max = Math.max(1, ...days.map((d) => d.success + d.failure));
  const w = 720;
  const h = 220;
  const bw = w / days.length;
  const scale = (n: number) => (n / max) * (h - 30);
  const summary = days.map((d) => `${d.day}: ${successLabel} ${d.success}, ${failureLabel} ${d.failure}`).join('; ');
  return (
    <>
      <svg viewBox={`0 0 ${w} ${h}`} width="100%" role="img" aria-label={summary} data-testid="sign-ins-chart">
        {days.map((d, i) => {
          const s = scale(d.success);
          const f = scale(d.failure);
          return (
            <g key={d.day}>
              <rect x={i * bw + 4} y={h - 20 - s} width={bw - 8} height={s} fill="var(--mantine-color-teal-6)">
                <title>{`${d.day} ${successLabel}: ${d.success}`}</title>
              </rect>
              <rect x={i * bw + 4} y={h - 20 - s - f} width={bw - 8} height={f} fill="var(--mantine-color-red-6)">
                <title>{`${d.day} ${failureLabel}: ${d.failure}`}</title>
              </rect>
              <text x={i * bw + bw / 2} y={h - 5} fontSize="10" textAnchor="middle" fill="currentColor">
                {d.day.slice(5)}
              </text>
            </g>
          );
        })}
      </svg>
      <Group gap="md" mt="xs">
        {/* The colour is the key's square only: the words keep the body colour's contrast. */}
        <Text size="sm">
          <span style={{ color: 'var(--mantine-color-teal-6)' }}>■</span> {successLabel}: {days.reduce((n, d) => n + d.success, 0)}
        </Text>
        <Text size="sm">
          <span style={{ color: 'var(--mantine-color-red-6)' }}>■</span> {failureLabel}: {days.reduce((n, d) => n + d.failure, 0)}
        </Text>
      </Group>
    </>
  );
}
