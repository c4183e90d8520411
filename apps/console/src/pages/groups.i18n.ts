/** Words of the Groups page (merged into i18n.tsx). */
export const en = {
  'nav.groups': 'Groups',
  'groups.title': 'Groups',
  'groups.create': 'Create group',
  'groups.code': 'Code',
  'groups.type': 'Type',
  'groups.members': 'Members',
  'groups.addMember': 'User to add (search by email, phone, username, name or ID)',
  'groups.add': 'Add',
  'groups.remove': 'Remove',
  'groups.user': 'User',
  'groups.dynamic': 'The members of a dynamic group follow its rule; they cannot be added or removed by hand.',
};

export const zh: Record<keyof typeof en, string> = {
  'nav.groups': '用户分组',
  'groups.title': '用户分组',
  'groups.create': '创建分组',
  'groups.code': '分组标识符',
  'groups.type': '类型',
  'groups.members': '成员',
  'groups.addMember': '要添加的用户（按邮箱、手机号、用户名、姓名或 ID 搜索）',
  'groups.add': '添加',
  'groups.remove': '移除',
  'groups.user': '用户',
  'groups.dynamic': '动态分组的成员由其规则决定，不能手动添加或移除。',
};
