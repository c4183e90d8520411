/** Normalising organisation snapshots so that two pulls of the same tree compare equal. */
import type { OrgDepartment, OrgMember, OrgSnapshot } from '@gatehouse/connector-kit';

const byId = (a: { externalId: string }, b: { externalId: string }) => a.externalId.localeCompare(b.externalId, 'en', { numeric: true });

export function snapshot(departments: OrgDepartment[], members: Map<string, OrgMember>, stats: OrgSnapshot['stats']): OrgSnapshot {
  return {
    departments: [...departments].sort(byId),
    members: [...members.values()].map((m) => ({ ...m, departmentExternalIds: [...new Set(m.departmentExternalIds)].sort((a, b) => a.localeCompare(b, 'en', { numeric: true })) })).sort(byId),
    stats,
  };
}
