export interface ErrorDefinition {
  apiCode: number;
  status: number;
  en: string;
  zh: string;
  /** Counts as a failed authentication attempt for brute-force accounting. */
  countsAsFailedAttempt?: boolean;
}

export const defineErrors = <T extends Record<string, ErrorDefinition>>(catalog: T): T => catalog;
