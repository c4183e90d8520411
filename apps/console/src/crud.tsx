import { Button, Group, Modal, Stack, Table, Text, TextInput, Textarea } from '@mantine/core';
import { useMutation } from '@tanstack/react-query';
import { useState, type ReactNode } from 'react';
import { ConfirmDelete, ErrorAlert, PageHeader, WriteButton } from './components';
import { useT } from './i18n';
import { useSession } from './session';

/**
 * The console's one list page: a header with search and "Create", a table whose rows carry
 * edit/delete (absent for a read-only auditor, whom the server refuses anyway), a delete
 * confirmation, and an empty state. Pages give columns and callbacks; the forms are
 * `FormModal`s, so every page validates through the API and shows its messages the same way.
 */
export interface Column<T> {
  label: string;
  render: (row: T) => ReactNode;
}

export function ResourceTable<T>({
  title,
  rows,
  rowKey,
  rowName,
  columns,
  error,
  search,
  onSearch,
  onCreate,
  onEdit,
  onDelete,
  canDelete,
  actions,
  headerExtra,
  writable,
}: {
  title: string;
  rows: T[] | undefined;
  rowKey: (row: T) => string;
  rowName: (row: T) => string;
  columns: Array<Column<T>>;
  error?: unknown;
  search?: string;
  onSearch?: (s: string) => void;
  onCreate?: () => void;
  onEdit?: (row: T) => void;
  onDelete?: (row: T) => Promise<unknown>;
  /** Rows the server refuses to delete though they may be edited (a pool's default application). */
  canDelete?: (row: T) => boolean;
  /** Extra row actions (read-only ones may show for an auditor; write ones check `readOnly`). */
  actions?: (row: T) => ReactNode;
  headerExtra?: ReactNode;
  /** Rows that may be edited and deleted (default: all); e.g. login methods declared by files are read-only. */
  writable?: (row: T) => boolean;
}) {
  const t = useT();
  const { readOnly } = useSession();
  const [deleting, setDeleting] = useState<T | null>(null);
  const del = useMutation({ mutationFn: (row: T) => onDelete!(row), onSuccess: () => setDeleting(null) });
  const hasActions = Boolean(actions || (!readOnly && (onEdit || onDelete)));
  return (
    <>
      <PageHeader title={title}>
        {onSearch && <TextInput aria-label={t('common.search')} placeholder={t('common.search')} value={search ?? ''} onChange={(e) => onSearch(e.currentTarget.value)} />}
        {headerExtra}
        {onCreate && <WriteButton onClick={onCreate}>{t('common.create')}</WriteButton>}
      </PageHeader>
      <ErrorAlert error={error ?? del.error} />
      <Table striped highlightOnHover>
        <Table.Thead>
          <Table.Tr>
            {columns.map((c) => (
              <Table.Th key={c.label}>{c.label}</Table.Th>
            ))}
            {hasActions && <Table.Th>{t('common.actions')}</Table.Th>}
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {rows?.map((row) => (
            <Table.Tr key={rowKey(row)}>
              {columns.map((c) => (
                <Table.Td key={c.label}>{c.render(row)}</Table.Td>
              ))}
              {hasActions && (
                <Table.Td>
                  <Group gap={4} wrap="nowrap">
                    {actions?.(row)}
                    {!readOnly && onEdit && (writable?.(row) ?? true) && (
                      <Button size="xs" variant="subtle" aria-label={`${t('common.edit')} ${rowName(row)}`} onClick={() => onEdit(row)}>
                        {t('common.edit')}
                      </Button>
                    )}
                    {!readOnly && onDelete && (writable?.(row) ?? true) && (canDelete?.(row) ?? true) && (
                      <Button size="xs" variant="subtle" color="red" aria-label={`${t('common.delete')} ${rowName(row)}`} onClick={() => setDeleting(row)}>
                        {t('common.delete')}
                      </Button>
                    )}
                  </Group>
                </Table.Td>
              )}
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
      {rows && rows.length === 0 && (
        <Text c="dimmed" mt="md">
          {t('common.none')}
        </Text>
      )}
      <ConfirmDelete name={deleting ? rowName(deleting) : ''} opened={deleting !== null} onClose={() => setDeleting(null)} onConfirm={() => deleting !== null && del.mutate(deleting)} loading={del.isPending} />
    </>
  );
}

/** A create/edit form in a modal: the API's validation message on failure, closed on success. */
export function FormModal({ title, onClose, onSubmit, children, size }: { title: string; onClose: () => void; onSubmit: () => Promise<unknown>; children: ReactNode; size?: string }) {
  const t = useT();
  const save = useMutation({ mutationFn: onSubmit, onSuccess: onClose });
  return (
    <Modal opened onClose={onClose} title={title} size={size ?? 'lg'} closeButtonProps={{ 'aria-label': t('common.close') }}>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          save.mutate();
        }}
      >
        <Stack>
          <ErrorAlert error={save.error} />
          {children}
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose}>
              {t('common.cancel')}
            </Button>
            <Button type="submit" loading={save.isPending}>
              {t('common.save')}
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}

export interface CodeNameFields {
  code: string;
  name: string;
  description: string;
}

/**
 * The form of an entity keyed by a code, with a name and a description (groups, roles): the
 * server validates (code format, lengths, duplicates) and FormModal shows its message.
 */
export function CodeNameForm({ title, codeLabel, initial, codeLocked, nameRequired, onClose, onSubmit }: {
  title: string;
  codeLabel: string;
  initial: { code?: string; name?: string | null; description?: string | null } | null;
  /** The code cannot change once created (it is the entity's key). */
  codeLocked?: boolean;
  nameRequired?: boolean;
  onClose: () => void;
  onSubmit: (f: CodeNameFields) => Promise<unknown>;
}) {
  const t = useT();
  const [f, setF] = useState<CodeNameFields>({ code: initial?.code ?? '', name: initial?.name ?? '', description: initial?.description ?? '' });
  return (
    <FormModal title={title} onClose={onClose} onSubmit={() => onSubmit(f)}>
      <TextInput label={codeLabel} required disabled={codeLocked} value={f.code} onChange={(e) => setF({ ...f, code: e.currentTarget.value })} />
      <TextInput label={t('common.name')} required={nameRequired} value={f.name} onChange={(e) => setF({ ...f, name: e.currentTarget.value })} />
      <Textarea label={t('common.description')} value={f.description} onChange={(e) => setF({ ...f, description: e.currentTarget.value })} />
    </FormModal>
  );
}
