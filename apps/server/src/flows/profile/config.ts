/**
 * An app's registration information completion (`registerConfig.completeProfile`, set with
 * `updateApplication`; docs/custom-fields.md, "Profile completion").
 */
export interface ProfileFieldConfig {
  type: 'udf' | 'user';
  key: string;
  required?: boolean;
  inputType?: string;
}

export interface CompleteProfileConfig {
  enabled: boolean;
  when?: Array<'register' | 'login'>;
  fields: ProfileFieldConfig[];
}

/** The app's setting as stored (a JSON object of the application), or null when absent or malformed. */
export function completeProfileOf(registerConfig: unknown): CompleteProfileConfig | null {
  const c = (registerConfig as { completeProfile?: unknown } | undefined)?.completeProfile as Partial<CompleteProfileConfig> | undefined;
  if (!c || typeof c !== 'object' || !Array.isArray(c.fields)) return null;
  return { enabled: c.enabled === true, ...(Array.isArray(c.when) ? { when: c.when } : {}), fields: c.fields };
}

/** Each key once (the first listing wins). */
export function profileFieldsOf(cfg: CompleteProfileConfig): ProfileFieldConfig[] {
  const seen = new Set<string>();
  return cfg.fields.filter((f) => (seen.has(f.key) ? false : (seen.add(f.key), true)));
}
