import { Button, Group, Select, Stack } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { api, type Page } from '../api';
import { ErrorAlert } from '../components';
import { useT } from '../i18n';
import { useSession } from '../session';
import { SimpleTable } from './simple-table';
import type { User } from './users';

interface Group_ {
  code: string;
  name: string;
  type?: string;
}
interface Org {
  organizationCode: string;
  organizationName: string;
  departmentId: string;
}
interface UserDept {
  organizationCode: string;
  departmentId: string;
  name: string;
  isRoot?: boolean;
  departmentNamePath?: string[];
}
interface Dept {
  departmentId: string;
  name: string;
}

const isStatic = (g: Group_) => g.type !== 'DYNAMIC';

/** The user's groups (get-user-groups); add to and remove from a static group (a dynamic group's members follow its rules). */
export function UserGroups({ user }: { user: User }) {
  const t = useT();
  const { pool, readOnly } = useSession();
  const qc = useQueryClient();
  const key = [pool, 'user-groups', user.userId];
  const mine = useQuery({ queryKey: key, queryFn: () => api.get<Page<Group_>>('get-user-groups', { userId: user.userId }) });
  const all = useQuery({ queryKey: [pool, 'all-groups'], queryFn: () => api.get<Group_[]>('get-all-groups', {}), enabled: !readOnly });
  const [code, setCode] = useState<string | null>(null);
  const change = useMutation({
    mutationFn: ({ path, group }: { path: 'add-group-members' | 'remove-group-members'; group: string }) => api.post(path, { code: group, userIds: [user.userId] }),
    onSuccess: () => {
      setCode(null);
      void qc.invalidateQueries({ queryKey: key });
    },
  });
  const held = new Set(mine.data?.list.map((g) => g.code));
  const addable = (all.data ?? []).filter((g) => isStatic(g) && !held.has(g.code));
  return (
    <Stack>
      <ErrorAlert error={mine.error ?? all.error ?? change.error} />
      <SimpleTable
        head={[t('users.code'), t('common.name'), t('users.groupType'), ...(readOnly ? [] : [t('common.actions')])]}
        rowKeys={mine.data?.list.map((g) => g.code)}
        rows={mine.data?.list.map((g) => [
          g.code,
          g.name,
          isStatic(g) ? t('users.groupType.static') : t('users.groupType.dynamic'),
          ...(readOnly
            ? []
            : [
                isStatic(g) ? (
                  <Button key="remove" size="xs" variant="subtle" color="red" aria-label={`${t('users.removeFrom')} ${g.code}`} onClick={() => change.mutate({ path: 'remove-group-members', group: g.code })}>
                    {t('users.removeFrom')}
                  </Button>
                ) : (
                  ''
                ),
              ]),
        ])}
      />
      {!readOnly && (
        <Group align="flex-end">
          <Select label={t('users.addToGroup')} data={addable.map((g) => ({ value: g.code, label: `${g.name} (${g.code})` }))} value={code} onChange={setCode} searchable />
          <Button disabled={!code} loading={change.isPending} onClick={() => code && change.mutate({ path: 'add-group-members', group: code })}>
            {t('users.add')}
          </Button>
        </Group>
      )}
    </Stack>
  );
}

/** The user's departments with their organisation (get-user-departments); add to a department of an organisation, remove from one. */
export function UserDepartments({ user }: { user: User }) {
  const t = useT();
  const { pool, readOnly } = useSession();
  const qc = useQueryClient();
  const key = [pool, 'user-departments', user.userId];
  const mine = useQuery({ queryKey: key, queryFn: () => api.get<Page<UserDept>>('get-user-departments', { userId: user.userId, page: 1, limit: 50, withDepartmentPaths: true }) });
  const orgs = useQuery({ queryKey: [pool, 'orgs', ''], queryFn: () => api.get<Page<Org>>('list-organizations', { page: 1, limit: 50 }) });
  const [org, setOrg] = useState<string | null>(null);
  const [dept, setDept] = useState<string | null>(null);
  const picked = orgs.data?.list.find((o) => o.organizationCode === org);
  const depts = useQuery({
    queryKey: [pool, 'depts', org, '*all'], // shared with the departments tree (same call)
    queryFn: () => api.get<Page<Dept>>('get-all-departments', { organizationCode: org!, page: 1, limit: 500 }),
    enabled: !readOnly && !!org,
  });
  const change = useMutation({
    mutationFn: ({ path, organizationCode, departmentId }: { path: 'add-department-members' | 'remove-department-members'; organizationCode: string; departmentId: string }) =>
      api.post(path, { organizationCode, departmentId, userIds: [user.userId] }),
    onSuccess: () => {
      setDept(null);
      void qc.invalidateQueries({ queryKey: key });
    },
  });
  const orgName = (code: string) => orgs.data?.list.find((o) => o.organizationCode === code)?.organizationName ?? code;
  const held = new Set(mine.data?.list.map((d) => d.departmentId));
  // The organisation itself (its root department) first, then every department below it.
  const options = picked ? [{ value: picked.departmentId, label: picked.organizationName }, ...(depts.data?.list ?? []).filter((d) => d.departmentId !== picked.departmentId).map((d) => ({ value: d.departmentId, label: d.name }))].filter((o) => !held.has(o.value)) : [];
  const path = (d: UserDept) => (d.departmentNamePath?.length ? d.departmentNamePath.join(' / ') : d.name);
  return (
    <Stack>
      <ErrorAlert error={mine.error ?? orgs.error ?? depts.error ?? change.error} />
      <SimpleTable
        head={[t('users.organization'), t('users.department'), ...(readOnly ? [] : [t('common.actions')])]}
        rowKeys={mine.data?.list.map((d) => d.departmentId)}
        rows={mine.data?.list.map((d) => [
          orgName(d.organizationCode),
          path(d),
          ...(readOnly
            ? []
            : [
                <Button key="remove" size="xs" variant="subtle" color="red" aria-label={`${t('users.removeFrom')} ${d.name}`} onClick={() => change.mutate({ path: 'remove-department-members', organizationCode: d.organizationCode, departmentId: d.departmentId })}>
                  {t('users.removeFrom')}
                </Button>,
              ]),
        ])}
      />
      {!readOnly && (
        <Group align="flex-end">
          <Select
            label={t('users.organization')}
            data={(orgs.data?.list ?? []).map((o) => ({ value: o.organizationCode, label: o.organizationName }))}
            value={org}
            onChange={(v) => {
              setOrg(v);
              setDept(null);
            }}
          />
          <Select label={t('users.addToDepartment')} data={options} value={dept} onChange={setDept} searchable disabled={!org} />
          <Button disabled={!org || !dept} loading={change.isPending} onClick={() => org && dept && change.mutate({ path: 'add-department-members', organizationCode: org, departmentId: dept })}>
            {t('users.add')}
          </Button>
        </Group>
      )}
    </Stack>
  );
}
