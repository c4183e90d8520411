import { AppError } from '../../errors/app-error.js';
import type { ConnectionView, ConnectionWithSecrets } from '../../services/identity-sources/types.js';

/**
 * Finds the `saml` connection whose SP metadata is asked for: in the pool an `app_id` named,
 * else the one `saml` connection with this identifier in any pool (the ACS URL, like every
 * callback URL, names only the identifier). Several pools with the same identifier and no
 * `app_id`: `federation.connection_ambiguous`, never a guess.
 */
export function createSamlSpMetadata(deps: {
  connectionByIdentifier: (poolId: string, identifier: string) => Promise<ConnectionView | undefined>;
  connectionWithSecrets: (poolId: string, id: string) => Promise<ConnectionWithSecrets | undefined>;
  connectionsByIdentifier: (identifier: string) => Promise<ConnectionWithSecrets[]>;
  render: (conn: ConnectionWithSecrets) => string;
}) {
  return async function samlMetadata(identifier: string, poolId?: string): Promise<string> {
    let candidates: ConnectionWithSecrets[];
    if (poolId) {
      const view = await deps.connectionByIdentifier(poolId, identifier);
      const conn = view ? await deps.connectionWithSecrets(poolId, view.id) : undefined;
      candidates = conn ? [conn] : [];
    } else {
      candidates = await deps.connectionsByIdentifier(identifier);
    }
    const saml = candidates.filter((c) => c.type === 'saml');
    if (saml.length > 1) throw new AppError('federation.connection_ambiguous', { params: { field: 'app_id' } });
    if (!saml[0]) throw new AppError('federation.connection_not_found');
    return deps.render(saml[0]);
  };
}
