import type { ConnectionView, IdpView } from './types.js';

/** The vendor's `ExtIdpDto` / `ExtIdpDetail` / `ExtIdpConnDetail` shapes (authing-node-sdk models). */
export const toExtIdpDto = (i: IdpView) => ({ id: i.id, name: i.name, logo: '', ...(i.tenantId ? { tenantId: i.tenantId } : {}), type: i.type });

/**
 * `ExtIdpConnDetail`, plus Gatehouse's `fields` (secret fields masked), `appIds` (the
 * applications it is enabled for) and `enabled` (for the `appId` asked about, when one was).
 */
export function toExtIdpConnDto(c: ConnectionView & { appIds?: string[] }, appId?: string) {
  return {
    id: c.id,
    type: c.type,
    extIdpId: c.extIdpId,
    logo: c.logo ?? '',
    identifier: c.identifier,
    displayName: c.displayName,
    loginOnly: c.loginOnly,
    // Linking rules are fixed by the server (docs/identity-providers.md "Accounts and linking").
    associationMode: 'none',
    challengeBindingMethods: [] as string[],
    fields: c.fields,
    ...(c.appIds ? { appIds: c.appIds, ...(appId ? { enabled: c.appIds.includes(appId) } : {}) } : {}),
    createdAt: c.createdAt,
    updatedAt: c.updatedAt,
  };
}

export const toExtIdpDetail = (i: IdpView & { connections: Array<ConnectionView & { appIds: string[] }> }, appId?: string) => ({
  ...toExtIdpDto(i),
  autoJoin: false,
  connections: i.connections.map((c) => toExtIdpConnDto(c, appId)),
});
