import type { Container } from '../container/index.js';
import type { Lang } from '@gatehouse/contracts';

export interface ManagementPrincipal {
  poolId: string;
  accessKeyId: string;
  /** Set when an administrator signed in to the console made the request (plugins/console-auth.ts). */
  administrator?: { userId: string; role: 'owner' | 'pool-admin' | 'auditor'; poolIds: string[] };
}

declare module 'fastify' {
  interface FastifyInstance {
    gh: Container;
  }
  interface FastifyContextConfig {
    /** `v2`: errors in the vendor's v2 envelope (`code` = apiCode), for the Authing Guard surface. */
    envelope?: 'v2';
  }
  interface FastifyRequest {
    lang: Lang;
    /** Set by the request-signing plugin on management routes. */
    management?: ManagementPrincipal;
  }
}
