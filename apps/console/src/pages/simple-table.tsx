import { Table, Text } from '@mantine/core';
import type { ReactNode } from 'react';
import { useT } from '../i18n';

/**
 * A plain table of the user-details tabs: a header row and cells, or "none" when there are no
 * rows. `rowKeys` keeps each row's DOM with its item when a refetched list changes order, so a
 * row's button is never reused for another item under the pointer.
 */
export function SimpleTable({ head, rows, rowKeys }: { head: string[]; rows: ReactNode[][] | undefined; rowKeys?: string[] }) {
  const t = useT();
  if (rows && rows.length === 0) return <Text c="dimmed">{t('common.none')}</Text>;
  return (
    <Table>
      <Table.Thead>
        <Table.Tr>
          {head.map((h) => (
            <Table.Th key={h}>{h}</Table.Th>
          ))}
        </Table.Tr>
      </Table.Thead>
      <Table.Tbody>
        {rows?.map((r, i) => (
          <Table.Tr key={rowKeys?.[i] ?? i}>
            {r.map((c, j) => (
              <Table.Td key={j}>{c}</Table.Td>
            ))}
          </Table.Tr>
        ))}
      </Table.Tbody>
    </Table>
  );
}
