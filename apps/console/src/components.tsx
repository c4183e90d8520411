import { Alert, Button, Code, CopyButton, Group, Modal, Stack, Text, Title, type ButtonProps } from '@mantine/core';
import type { ReactNode } from 'react';
import { useT } from './i18n';
import { useSession } from './session';

export function PageHeader({ title, children }: { title: string; children?: ReactNode }) {
  return (
    <Group justify="space-between" mb="md" wrap="wrap">
      <Title order={1} size="h2">
        {title}
      </Title>
      <Group gap="xs">{children}</Group>
    </Group>
  );
}

export function ErrorAlert({ error }: { error: unknown }) {
  const t = useT();
  if (!error) return null;
  return (
    <Alert color="red" title={t('common.error')} role="alert" mb="md">
      {error instanceof Error ? error.message : String(error)}
    </Alert>
  );
}

/** A write button: absent for a read-only auditor (the server refuses them anyway). */
export function WriteButton(props: ButtonProps & { onClick?: () => void; type?: 'button' | 'submit'; children?: ReactNode }) {
  const { readOnly } = useSession();
  if (readOnly) return null;
  return <Button {...props} />;
}

export function ConfirmDelete({ name, opened, onClose, onConfirm, loading }: { name: string; opened: boolean; onClose: () => void; onConfirm: () => void; loading?: boolean }) {
  const t = useT();
  return (
    <Modal opened={opened} onClose={onClose} title={t('common.delete')} centered closeButtonProps={{ 'aria-label': t('common.close') }}>
      <Stack>
        <Text>{t('common.confirmDelete', { name })}</Text>
        <Group justify="flex-end">
          <Button variant="default" onClick={onClose}>
            {t('common.cancel')}
          </Button>
          <Button color="red" onClick={onConfirm} loading={loading}>
            {t('common.delete')}
          </Button>
        </Group>
      </Stack>
    </Modal>
  );
}

/** A secret shown once (application secret, access key secret). */
export function SecretOnce({ label, value }: { label: string; value: string }) {
  const t = useT();
  return (
    <Stack gap={4}>
      <Text size="sm" fw={600}>
        {label}
      </Text>
      <Group gap="xs" wrap="nowrap">
        <Code data-testid="secret" style={{ wordBreak: 'break-all' }}>
          {value}
        </Code>
        <CopyButton value={value}>{({ copied, copy }) => <Button size="xs" variant="light" onClick={copy}>{copied ? t('common.copied') : t('common.copy')}</Button>}</CopyButton>
      </Group>
      <Text size="xs" c="dimmed">
        {t('common.shownOnce')}
      </Text>
    </Stack>
  );
}

/** The end of a settings form: "Saved" once it is, and the submit button (not for read-only administrators). */
export function SaveBar({ saved, readOnly, pending, disabled }: { saved: boolean; readOnly: boolean; pending: boolean; disabled?: boolean }) {
  const t = useT();
  return (
    <>
      {saved && (
        <Text role="status" c="teal.9">
          {t('common.saved')}
        </Text>
      )}
      {!readOnly && (
        <Group justify="flex-end">
          <Button type="submit" disabled={disabled ?? false} loading={pending}>
            {t('common.save')}
          </Button>
        </Group>
      )}
    </>
  );
}

export const fmtTime = (iso: string | null | undefined) => (iso ? new Date(iso).toLocaleString() : '—');
