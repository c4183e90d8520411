import { Button, Group, Modal, Select, Stack, Table, Text } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { api, type GetData } from '../api';
import { ErrorAlert } from '../components';
import { CodeNameForm, ResourceTable } from '../crud';
import { useT } from '../i18n';
import { useSession } from '../session';
import { SEARCH_ON, userLabel } from './users';

/** A group as list-groups returns it (typed from the OpenAPI document). */
type GroupRow = GetData<'list-groups'>['list'][number];

/** Groups: list, search, create, edit (name, description), delete (delete-groups-batch), members (add by searching users, remove). */
export function GroupsPage() {
  const t = useT();
  const { pool } = useSession();
  const qc = useQueryClient();
  const [keywords, setKeywords] = useState('');
  const list = useQuery({ queryKey: [pool, 'groups', keywords], queryFn: () => api.get('list-groups', { page: 1, limit: 100, ...(keywords ? { keywords } : {}) }) });
  const [editing, setEditing] = useState<GroupRow | 'new' | null>(null);
  const [members, setMembers] = useState<GroupRow | null>(null);
  const refresh = () => qc.invalidateQueries({ queryKey: [pool, 'groups'] });
  return (
    <>
      <ResourceTable<GroupRow>
        title={t('groups.title')}
        rows={list.data?.list}
        rowKey={(g) => g.code}
        rowName={(g) => g.code}
        error={list.error}
        search={keywords}
        onSearch={setKeywords}
        columns={[
          { label: t('groups.code'), render: (g) => g.code },
          { label: t('common.name'), render: (g) => g.name },
          { label: t('common.description'), render: (g) => g.description ?? '' },
          { label: t('groups.type'), render: (g) => g.type },
        ]}
        onCreate={() => setEditing('new')}
        onEdit={setEditing}
        onDelete={async (g) => {
          await api.post('delete-groups-batch', { codeList: [g.code] });
          await refresh();
        }}
        actions={(g) => (
          <Button size="xs" variant="subtle" aria-label={`${t('groups.members')} ${g.code}`} onClick={() => setMembers(g)}>
            {t('groups.members')}
          </Button>
        )}
      />
      {editing && <GroupForm group={editing === 'new' ? null : editing} onClose={() => setEditing(null)} onSaved={refresh} />}
      {members && <Members group={members} onClose={() => setMembers(null)} />}
    </>
  );
}

/** Create (code, name, description) or edit (name, description; the code is the group's key). */
function GroupForm({ group, onClose, onSaved }: { group: GroupRow | null; onClose: () => void; onSaved: () => Promise<unknown> }) {
  const t = useT();
  return (
    <CodeNameForm
      title={group ? `${t('common.edit')} ${group.code}` : t('groups.create')}
      codeLabel={t('groups.code')}
      initial={group}
      codeLocked={group !== null}
      nameRequired
      onClose={onClose}
      onSubmit={async (f) => {
        if (group) await api.post('update-group', { code: group.code, name: f.name, description: f.description });
        else await api.post('create-group', { code: f.code, name: f.name, ...(f.description ? { description: f.description } : {}) });
        await onSaved();
      }}
    />
  );
}

/** A group's members: add a user found by searching the pool's users, remove per row. */
function Members({ group, onClose }: { group: GroupRow; onClose: () => void }) {
  const t = useT();
  const { pool, readOnly } = useSession();
  const qc = useQueryClient();
  const key = [pool, 'group-members', group.code];
  const q = useQuery({ queryKey: key, queryFn: () => api.get('list-group-members', { code: group.code, page: 1, limit: 100 }) });
  const [search, setSearch] = useState('');
  const [picked, setPicked] = useState<{ value: string; label: string } | null>(null);
  // The same "any identifier" search as the Users page, done by the server (not again for the label of the picked user).
  const found = useQuery({
    queryKey: [pool, 'users', 'pick', search],
    enabled: !readOnly && search.trim().length > 0 && search !== picked?.label,
    queryFn: () => api.post('list-users', { keywords: search.trim(), options: { pagination: { page: 1, limit: 20 }, fuzzySearchOn: SEARCH_ON } }),
  });
  const done = () => void qc.invalidateQueries({ queryKey: key });
  const add = useMutation({ mutationFn: (id: string) => api.post('add-group-members', { code: group.code, userIds: [id] }), onSuccess: () => (setPicked(null), setSearch(''), done()) });
  const options = (found.data?.list ?? []).map((u) => ({ value: u.userId, label: `${userLabel(u)} (${u.userId})` }));
  // The picked user stays an option while the search box shows its label.
  const choices = picked && !options.some((o) => o.value === picked.value) ? [picked, ...options] : options;
  const remove = useMutation({ mutationFn: (id: string) => api.post('remove-group-members', { code: group.code, userIds: [id] }), onSuccess: done });
  const dynamic = group.type === 'DYNAMIC';
  return (
    <Modal opened onClose={onClose} title={`${t('groups.members')}: ${group.code}`} size="lg" closeButtonProps={{ 'aria-label': t('common.close') }}>
      <Stack>
        <ErrorAlert error={q.error ?? found.error ?? add.error ?? remove.error} />
        {dynamic && <Text size="sm">{t('groups.dynamic')}</Text>}
        {!readOnly && !dynamic && (
          <form
            onSubmit={(e) => {
              e.preventDefault();
              if (picked) add.mutate(picked.value);
            }}
          >
            <Group align="flex-end" wrap="nowrap">
              <Select
                style={{ flex: 1 }}
                label={t('groups.addMember')}
                searchable
                searchValue={search}
                onSearchChange={setSearch}
                // The server already matched; the label need not contain the search text (an ID, a phone).
                filter={({ options }) => options}
                data={choices}
                value={picked?.value ?? null}
                onChange={(_v, option) => setPicked(option ? { value: option.value, label: option.label } : null)}
                nothingFoundMessage={search.trim() && !found.isFetching ? t('common.none') : undefined}
              />
              <Button type="submit" disabled={!picked} loading={add.isPending}>
                {t('groups.add')}
              </Button>
            </Group>
          </form>
        )}
        {q.data && q.data.list.length === 0 && <Text c="dimmed">{t('common.none')}</Text>}
        <Table>
          <Table.Tbody>
            {q.data?.list.map((m) => (
              <Table.Tr key={m.userId}>
                <Table.Td>{userLabel(m)}</Table.Td>
                <Table.Td>{m.userId}</Table.Td>
                <Table.Td>
                  {!readOnly && !dynamic && (
                    <Button size="xs" variant="subtle" color="red" aria-label={`${t('groups.remove')} ${userLabel(m)}`} onClick={() => remove.mutate(m.userId)}>
                      {t('groups.remove')}
                    </Button>
                  )}
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      </Stack>
    </Modal>
  );
}
