import type { TSchema } from '@sinclair/typebox';
import type { ErrorCode } from '@gatehouse/contracts';

/** What a login method returns (design.md §4). Failures the flow must count come back as `failed`, not thrown. */
export type MethodResult<O> =
  | { status: 'authenticated'; outcome: O }
  | { status: 'failed'; outcome: O }
  | { status: 'challenge'; challenge: Record<string, unknown> }
  | { status: 'pending' };

export interface LoginMethod<I, O> {
  id: string;
  factor: 'knowledge' | 'possession' | 'inherence' | 'federated';
  /** RFC 8176 values recorded on success. */
  amr: string[];
  verifySchema: TSchema;
  /** Catalogued codes this method may raise. */
  errors: readonly ErrorCode[];
  describe(): { id: string; factor: string; amr: string[] };
  start?(poolId: string, input: unknown): Promise<MethodResult<O>>;
  verify(poolId: string, input: I): Promise<MethodResult<O>>;
  poll?(poolId: string, input: unknown): Promise<MethodResult<O>>;
}
