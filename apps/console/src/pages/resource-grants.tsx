import { Badge, Button, Card, Checkbox, Group, Select, Stack, Switch, Table, Text, TextInput, Title } from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { api, type Page } from '../api';
import { ErrorAlert, WriteButton } from '../components';
import { FormModal } from '../crud';
import { useT } from '../i18n';
import { useSession } from '../session';

/*
 * Grants of the general permission model (docs/permissions.md "Granting", "Who may do what"):
 * authorize-resources sets the actions a target has on a resource — the list replaces what it
 * had, and an empty list is the vendor's revoke (the V3 API has no separate revoke route) — the
 * four "authorized resources" reads, and is-action-allowed.
 */

/** The resource types create-resource accepts (services/organizations/permissions.ts RESOURCE_TYPES). */
export const RESOURCE_TYPES = ['DATA', 'API', 'MENU', 'BUTTON', 'UI'] as const;
export type ResourceType = (typeof RESOURCE_TYPES)[number];

export interface Resource {
  code: string;
  name: string;
  description: string;
  type: ResourceType;
  actions: Array<{ name: string; description: string }>;
  apiIdentifier: string;
  namespace: string;
}

export const resourceKey = (r: Pick<Resource, 'namespace' | 'code'>) => `${r.namespace}/${r.code}`;
const TARGETS = ['USER', 'ROLE', 'GROUP', 'DEPARTMENT'] as const;
type TargetType = (typeof TARGETS)[number];
interface Target {
  type: TargetType;
  id: string;
}
interface Authorized {
  resourceCode: string;
  resourceType: string;
  actions: string[];
}
/** What the grant form opens with: a resource, a target, or both with the actions they have. */
export interface Grantable {
  resource?: Resource;
  target?: Target;
  namespace?: string;
}

const nsOf = (namespace: string | undefined) => (namespace && namespace !== 'default' ? { namespace } : {});

/** The target's direct grants in a namespace (get-authorized-resources). */
const directGrants = (target: Target, namespace: string) => api.get<Page<Authorized>>('get-authorized-resources', { targetType: target.type, targetIdentifier: target.id, ...nsOf(namespace) });

/** Picks the target: a user or department by id, a role or group from the pool's lists. */
function TargetPicker({ target, onChange, namespace, disabled }: { target: Target; onChange: (t: Target) => void; namespace: string; disabled?: boolean }) {
  const t = useT();
  const { pool } = useSession();
  const roles = useQuery({ queryKey: [pool, 'roles', 'picker', namespace], enabled: target.type === 'ROLE', queryFn: () => api.get<Page<{ code: string; name?: string }>>('list-roles', { page: 1, limit: 100, ...nsOf(namespace) }) });
  const groups = useQuery({ queryKey: [pool, 'groups', 'picker'], enabled: target.type === 'GROUP', queryFn: () => api.get<Page<{ code: string; name?: string }>>('list-groups', { page: 1, limit: 100 }) });
  const options = (target.type === 'ROLE' ? roles.data?.list : groups.data?.list)?.map((x) => ({ value: x.code, label: x.name && x.name !== x.code ? `${x.name} (${x.code})` : x.code })) ?? [];
  return (
    <Group grow align="flex-start">
      <Select label={t('res.targetType')} data={TARGETS.map((x) => ({ value: x, label: t(`res.target.${x}`) }))} value={target.type} allowDeselect={false} disabled={disabled ?? false} onChange={(v) => v && onChange({ type: v as TargetType, id: '' })} />
      {target.type === 'ROLE' || target.type === 'GROUP' ? (
        <Select label={t(target.type === 'ROLE' ? 'res.role' : 'res.group')} required searchable data={options} value={target.id || null} disabled={disabled ?? false} onChange={(v) => onChange({ ...target, id: v ?? '' })} />
      ) : (
        <TextInput label={t(target.type === 'USER' ? 'res.userId' : 'res.departmentId')} required value={target.id} disabled={disabled ?? false} onChange={(e) => onChange({ ...target, id: e.currentTarget.value.trim() })} />
      )}
    </Group>
  );
}

/** Grant (or change, or with nothing ticked revoke) a resource's actions for one target. */
export function GrantForm({ resource: fixed, target: fixedTarget, namespace: fixedNs, resources, onClose }: Grantable & { resources: Resource[]; onClose: () => void }) {
  const t = useT();
  const { pool } = useSession();
  const qc = useQueryClient();
  const [resKey, setResKey] = useState<string | null>(fixed ? resourceKey(fixed) : null);
  const choices = fixedNs ? resources.filter((r) => r.namespace === fixedNs) : resources;
  const resource = fixed ?? resources.find((r) => resourceKey(r) === resKey);
  const [target, setTarget] = useState<Target>(fixedTarget ?? { type: 'USER', id: '' });
  const [actions, setActions] = useState<string[]>([]);
  const [touched, setTouched] = useState(false);
  const [children, setChildren] = useState(false);
  // The form opens on what the target already has, since what is saved replaces it.
  const [id] = useDebouncedValue(target.id, 300);
  const current = useQuery({
    queryKey: [pool, 'grants', 'direct', target.type, id, resource?.namespace],
    enabled: !!resource && id !== '',
    retry: false,
    queryFn: () => directGrants({ type: target.type, id }, resource!.namespace),
  });
  useEffect(() => {
    if (!touched && resource) setActions(current.data?.list.find((g) => g.resourceCode === resource.code)?.actions ?? []);
  }, [current.data, resource, touched]);
  const submit = async () => {
    if (!resource) throw new Error(t('res.resource'));
    await api.post('authorize-resources', {
      ...nsOf(resource.namespace),
      list: [{ targetType: target.type, targetIdentifiers: [target.id], resources: [{ code: resource.code, actions, resourceType: resource.type }], ...(target.type === 'DEPARTMENT' && children ? { includeChildrenDepartments: true } : {}) }],
    });
    await qc.invalidateQueries({ queryKey: [pool, 'grants'] });
  };
  return (
    <FormModal title={t('res.grantTitle', { code: resource?.code ?? '' })} onClose={onClose} onSubmit={submit}>
      <Select
        label={t('res.resource')}
        required
        searchable
        disabled={!!fixed}
        data={choices.map((r) => ({ value: resourceKey(r), label: r.namespace === 'default' ? r.code : `${r.code} (${r.namespace})` }))}
        value={resKey}
        onChange={(v) => {
          setResKey(v);
          setTouched(false);
        }}
      />
      <TargetPicker target={target} namespace={resource?.namespace ?? fixedNs ?? 'default'} disabled={!!fixedTarget} onChange={(x) => (setTarget(x), setTouched(false))} />
      {target.type === 'DEPARTMENT' && <Switch label={t('res.includeChildren')} checked={children} onChange={(e) => setChildren(e.currentTarget.checked)} />}
      {resource && (
        <Checkbox.Group label={t('res.grantedActions')} description={t('res.grantHint')} value={actions} onChange={(v) => (setActions(v), setTouched(true))}>
          <Group mt="xs">
            {resource.actions.map((a) => (
              <Checkbox key={a.name} value={a.name} label={a.name} />
            ))}
            <Checkbox value="*" label={t('res.allActions')} />
          </Group>
        </Checkbox.Group>
      )}
    </FormModal>
  );
}

/** Who has what: a target's grants in a permission space, changed or revoked per resource; a user's effective permissions. */
export function GrantsView({ resources, onChange }: { resources: Resource[]; onChange: (g: Grantable) => void }) {
  const t = useT();
  const { pool, readOnly } = useSession();
  const qc = useQueryClient();
  const namespaces = [...new Set(['default', ...resources.map((r) => r.namespace)])];
  const [target, setTarget] = useState<Target>({ type: 'ROLE', id: '' });
  const [namespace, setNamespace] = useState('default');
  const [effective, setEffective] = useState(false);
  const [shown, setShown] = useState<{ target: Target; namespace: string; effective: boolean } | null>(null);
  const q = useQuery({
    queryKey: [pool, 'grants', 'view', shown],
    enabled: shown !== null,
    retry: false,
    queryFn: async (): Promise<Authorized[]> => {
      const { target: tg, namespace: n, effective: eff } = shown!;
      const scope = nsOf(n);
      if (tg.type === 'USER' && eff) return (await api.get<Page<Authorized>>('get-user-authorized-resources', { userId: tg.id, ...scope })).list;
      if (tg.type === 'ROLE') return (await api.get<Page<Authorized>>('get-role-authorized-resources', { code: tg.id, ...scope })).list;
      if (tg.type === 'GROUP') return api.get<Authorized[]>('get-group-authorized-resources', { code: tg.id, ...scope });
      return (await directGrants(tg, n)).list;
    },
  });
  const revoke = useMutation({
    mutationFn: (g: Authorized) =>
      api.post('authorize-resources', { ...nsOf(shown!.namespace), list: [{ targetType: shown!.target.type, targetIdentifiers: [shown!.target.id], resources: [{ code: g.resourceCode, actions: [] }] }] }),
    onSuccess: () => qc.invalidateQueries({ queryKey: [pool, 'grants'] }),
  });
  const direct = shown !== null && !(shown.target.type === 'USER' && shown.effective);
  const resourceOf = (code: string) => resources.find((r) => r.code === code && r.namespace === shown?.namespace);
  return (
    <Card withBorder component="section" aria-label={t('res.grants')}>
      <Title order={2} size="h4">
        {t('res.grants')}
      </Title>
      <Text size="sm" c="dimmed" mb="sm">
        {t('res.grantsHint')}
      </Text>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          if (target.id) setShown({ target, namespace, effective: target.type === 'USER' && effective });
        }}
      >
        <Stack gap="xs">
          <Group grow align="flex-start">
            <TargetPicker target={target} namespace={namespace} onChange={setTarget} />
            <Select label={t('res.namespace')} data={namespaces} value={namespace} allowDeselect={false} onChange={(v) => v && setNamespace(v)} />
          </Group>
          {target.type === 'USER' && <Switch label={t('res.effective')} checked={effective} onChange={(e) => setEffective(e.currentTarget.checked)} />}
          <Group justify="flex-end">
            {shown && direct && (
              <WriteButton variant="default" onClick={() => onChange({ target: shown.target, namespace: shown.namespace })}>
                {t('res.grant')}
              </WriteButton>
            )}
            <Button type="submit">{t('res.show')}</Button>
          </Group>
        </Stack>
      </form>
      <ErrorAlert error={q.error ?? revoke.error} />
      {q.data && q.data.length === 0 && (
        <Text c="dimmed" mt="sm">
          {t('common.none')}
        </Text>
      )}
      {q.data && q.data.length > 0 && (
        <Table mt="sm" aria-label={t('res.grants')}>
          <Table.Thead>
            <Table.Tr>
              <Table.Th>{t('res.resource')}</Table.Th>
              <Table.Th>{t('res.type')}</Table.Th>
              <Table.Th>{t('res.grantedActions')}</Table.Th>
              {direct && !readOnly && <Table.Th>{t('common.actions')}</Table.Th>}
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {q.data.map((g) => (
              <Table.Tr key={g.resourceCode}>
                <Table.Td>{g.resourceCode}</Table.Td>
                <Table.Td>
                  <Badge variant="light">{g.resourceType}</Badge>
                </Table.Td>
                <Table.Td>{[...g.actions].sort().join(', ')}</Table.Td>
                {direct && !readOnly && (
                  <Table.Td>
                    <Group gap={4} wrap="nowrap">
                      {resourceOf(g.resourceCode) && (
                        <Button size="xs" variant="subtle" aria-label={`${t('res.editGrant')} ${g.resourceCode}`} onClick={() => onChange({ resource: resourceOf(g.resourceCode)!, target: shown!.target })}>
                          {t('res.editGrant')}
                        </Button>
                      )}
                      <Button size="xs" variant="subtle" color="red" aria-label={`${t('res.revoke')} ${g.resourceCode}`} loading={revoke.isPending && revoke.variables?.resourceCode === g.resourceCode} onClick={() => revoke.mutate(g)}>
                        {t('res.revoke')}
                      </Button>
                    </Group>
                  </Table.Td>
                )}
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      )}
    </Card>
  );
}

/** "May this user do this action on this resource?" (is-action-allowed: a read, open to auditors too). */
export function CheckPermission({ resources }: { resources: Resource[] }) {
  const t = useT();
  const [userId, setUserId] = useState('');
  const [resKey, setResKey] = useState<string | null>(null);
  const [action, setAction] = useState<string | null>(null);
  const resource = resources.find((r) => resourceKey(r) === resKey);
  const check = useMutation({
    mutationFn: async () => {
      const r = await api.post('is-action-allowed', { userId: userId.trim(), resource: resource?.code ?? '', action: action ?? '', ...nsOf(resource?.namespace) });
      return { allowed: r?.allowed === true, user: userId.trim(), resource: resource?.code ?? '', action: action ?? '' };
    },
  });
  return (
    <Card withBorder component="section" aria-label={t('res.check')}>
      <Title order={2} size="h4" mb="sm">
        {t('res.check')}
      </Title>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          check.mutate();
        }}
      >
        <Stack gap="xs">
          <Group grow align="flex-start">
            <TextInput label={t('res.userId')} required value={userId} onChange={(e) => setUserId(e.currentTarget.value)} />
            <Select
              label={t('res.resource')}
              required
              searchable
              data={resources.map((r) => ({ value: resourceKey(r), label: r.namespace === 'default' ? r.code : `${r.code} (${r.namespace})` }))}
              value={resKey}
              onChange={(v) => (setResKey(v), setAction(null))}
            />
            <Select label={t('res.action')} required data={resource?.actions.map((a) => a.name) ?? []} value={action} onChange={setAction} />
          </Group>
          <Group justify="flex-end">
            <Button type="submit" loading={check.isPending}>
              {t('res.checkButton')}
            </Button>
          </Group>
          <ErrorAlert error={check.error} />
          {check.data && (
            <Text role="status" fw={700} c={check.data.allowed ? 'teal.9' : 'red.9'}>
              {t(check.data.allowed ? 'res.allowed' : 'res.denied', { user: check.data.user, action: check.data.action, resource: check.data.resource })}
            </Text>
          )}
        </Stack>
      </form>
    </Card>
  );
}
