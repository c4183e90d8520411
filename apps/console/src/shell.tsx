import { ActionIcon, AppShell, Badge, Burger, Button, Group, NavLink, ScrollArea, Select, Text, useMantineColorScheme } from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import type { ReactNode } from 'react';
import { useContext } from 'react';
import { I18nContext, useT, type MessageKey } from './i18n';
import { navigate, usePage, type PageId } from './router';
import { useSession } from './session';
import { DashboardPage } from './pages/dashboard';
import { PoolsPage } from './pages/pools';
import { ApplicationsPage } from './pages/applications';
import { UsersPage } from './pages/users';
import { RolesPage } from './pages/roles';
import { GroupsPage } from './pages/groups';
import { LoginMethodsPage } from './pages/login-methods';
import { ResourcesPage } from './pages/resources';
import { AuditPage } from './pages/audit';
import { AccessKeysPage } from './pages/access-keys';
import { MessagingPage } from './pages/messaging';
import { SecurityPage } from './pages/security';
import { IdentitySourcesPage } from './pages/identity-sources';
import { WebhooksPage } from './pages/webhooks';
import { CustomFieldsPage } from './pages/custom-fields';
import { OrganizationsPage } from './pages/organizations';
import { MfaPage } from './pages/mfa';
import { PipelinePage } from './pages/pipeline';
import { AdministratorsPage } from './pages/administrators';

const NAV: Array<{ id: PageId; key: MessageKey; page: () => ReactNode; ownerOnly?: true }> = [
  { id: 'dashboard', key: 'nav.dashboard', page: DashboardPage },
  { id: 'pools', key: 'nav.pools', page: PoolsPage },
  { id: 'applications', key: 'nav.applications', page: ApplicationsPage },
  { id: 'identity-sources', key: 'nav.identitySources', page: IdentitySourcesPage },
  { id: 'login-methods', key: 'nav.loginMethods', page: LoginMethodsPage },
  { id: 'users', key: 'nav.users', page: UsersPage },
  { id: 'roles', key: 'nav.roles', page: RolesPage },
  { id: 'groups', key: 'nav.groups', page: GroupsPage },
  { id: 'resources', key: 'nav.resources', page: ResourcesPage },
  { id: 'organizations', key: 'nav.organizations', page: OrganizationsPage },
  { id: 'custom-fields', key: 'nav.customFields', page: CustomFieldsPage },
  { id: 'audit', key: 'nav.audit', page: AuditPage },
  { id: 'access-keys', key: 'nav.accessKeys', page: AccessKeysPage },
  { id: 'messaging', key: 'nav.messaging', page: MessagingPage },
  { id: 'security', key: 'nav.security', page: SecurityPage },
  { id: 'mfa', key: 'nav.mfa', page: MfaPage },
  { id: 'pipeline', key: 'nav.pipeline', page: PipelinePage },
  { id: 'webhooks', key: 'nav.webhooks', page: WebhooksPage },
  { id: 'administrators', key: 'nav.administrators', page: AdministratorsPage, ownerOnly: true },
];

/** Header (pool, language, theme, sign-out), navigation, and the current page. Every control is a real button or link. */
export function Shell({ onPoolChange, onSignOut }: { onPoolChange: (pool: string) => void; onSignOut: () => void }) {
  const t = useT();
  const page = usePage();
  const { me, pool, readOnly } = useSession();
  const { lang, setLang } = useContext(I18nContext);
  const { colorScheme, toggleColorScheme } = useMantineColorScheme();
  const [opened, { toggle, close }] = useDisclosure();
  // Owner-only pages are left out of everyone else's navigation (the server refuses them anyway).
  const nav = NAV.filter((n) => !n.ownerOnly || me.role === 'owner');
  const Page = nav.find((n) => n.id === page)?.page ?? DashboardPage;
  return (
    <AppShell header={{ height: 56 }} navbar={{ width: 220, breakpoint: 'md', collapsed: { mobile: !opened } }} padding="md">
      <a href="#main" className="skip-link">
        {t('shell.skip')}
      </a>
      <AppShell.Header>
        <Group h="100%" px="md" justify="space-between" wrap="nowrap">
          <Group gap="sm" wrap="nowrap">
            <Burger opened={opened} onClick={toggle} hiddenFrom="md" size="sm" aria-label={t('shell.menu')} />
            <Text fw={700}>{t('app.title')}</Text>
            {readOnly && <Badge color="gray">{t('shell.readOnly')}</Badge>}
          </Group>
          <Group gap="xs" wrap="nowrap">
            <Select aria-label={t('shell.pool')} size="xs" w={200} data={me.pools.map((p) => ({ value: p.userPoolId, label: p.name }))} value={pool} onChange={(v) => v && onPoolChange(v)} allowDeselect={false} />
            <Select aria-label={t('shell.language')} size="xs" w={110} data={[{ value: 'en', label: 'English' }, { value: 'zh-CN', label: '简体中文' }]} value={lang} onChange={(v) => v && setLang(v as 'en' | 'zh-CN')} allowDeselect={false} />
            <ActionIcon variant="default" size="lg" aria-label={t('shell.theme')} onClick={toggleColorScheme}>
              {colorScheme === 'dark' ? '☀' : '☾'}
            </ActionIcon>
            <Text size="sm" visibleFrom="lg">
              {me.email}
            </Text>
            <Button size="xs" variant="default" onClick={onSignOut}>
              {t('shell.signOut')}
            </Button>
          </Group>
        </Group>
      </AppShell.Header>
      <AppShell.Navbar p="xs" aria-label="Main">
        <ScrollArea>
          {nav.map((n) => (
            <NavLink
              key={n.id}
              href={`/console/${n.id}`}
              label={t(n.key)}
              active={n.id === page}
              aria-current={n.id === page ? 'page' : undefined}
              onClick={(e) => {
                e.preventDefault();
                navigate(`/console/${n.id}`);
                close();
              }}
            />
          ))}
        </ScrollArea>
      </AppShell.Navbar>
      <AppShell.Main id="main" tabIndex={-1}>
        <Page key={`${page}:${pool}`} />
      </AppShell.Main>
    </AppShell>
  );
}
