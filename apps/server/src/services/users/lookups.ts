import type { UserLookupColumn, UsersRepo } from '../../storage/repositories/users.js';
import { lookupForm } from './identifier-profile.js';

/**
 * The users repository as every sign-in path sees it: a username or email is looked up in its
 * stored form (the identifier profile: NFKC, lower case, trimmed), so `ALICE`, `alice ` and the
 * full-width `ａｌｉｃｅ` all find the user stored as `alice`. A row that could not be brought
 * into that form by the upgrade (two rows that differ only in case) is still found by its exact
 * spelling. The container hands this wrapper to every consumer of the repository.
 */
export function withIdentifierLookups(repo: UsersRepo): UsersRepo {
  const folds = (column: UserLookupColumn) => column === 'username' || column === 'email';
  return {
    ...repo,
    async findBy(poolId: string, column: UserLookupColumn, value: string) {
      if (!folds(column) || typeof value !== 'string') return repo.findBy(poolId, column, value);
      const form = lookupForm(value);
      return (await repo.findBy(poolId, column, form)) ?? (form !== value ? repo.findBy(poolId, column, value) : undefined);
    },
    async findManyBy(poolId: string, column: UserLookupColumn, values: string[]) {
      if (!folds(column)) return repo.findManyBy(poolId, column, values);
      return repo.findManyBy(poolId, column, [...new Set(values.flatMap((v) => [lookupForm(v), v]))]);
    },
  };
}
