import { createContext, useContext } from 'react';

export interface Me {
  userId: string;
  email: string | null;
  role: 'owner' | 'pool-admin' | 'auditor';
  poolIds: string[];
  currentPoolId: string;
  pools: Array<{ userPoolId: string; name: string; isDefault: boolean; createdAt: string; description?: string }>;
}

/** The signed-in administrator and the pool the pages act on. */
export const SessionContext = createContext<{ me: Me; pool: string; readOnly: boolean }>(null as never);
export const useSession = () => useContext(SessionContext);
