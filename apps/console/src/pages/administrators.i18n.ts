/** Words of the Administrators page (merged into i18n.tsx). */
export const en = {
  'nav.administrators': 'Administrators',
  'admins.title': 'Administrators',
  'admins.email': 'Email',
  'admins.role': 'Role',
  'admins.role.owner': 'Owner (every pool)',
  'admins.role.pool-admin': 'Pool administrator',
  'admins.role.auditor': 'Auditor (read-only)',
  'admins.pools': 'User pools',
  'admins.allPools': 'All',
  'admins.password': 'Password (leave empty to generate one)',
  'admins.generated': 'Generated password for {email}',
  'admins.you': 'you',
};

export const zh: Record<keyof typeof en, string> = {
  'nav.administrators': '管理员',
  'admins.title': '管理员',
  'admins.email': '邮箱',
  'admins.role': '角色',
  'admins.role.owner': '所有者（全部用户池）',
  'admins.role.pool-admin': '用户池管理员',
  'admins.role.auditor': '审计员（只读）',
  'admins.pools': '用户池',
  'admins.allPools': '全部',
  'admins.password': '密码（留空则自动生成）',
  'admins.generated': '{email} 的生成密码',
  'admins.you': '你',
};
