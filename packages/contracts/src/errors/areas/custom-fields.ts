import { defineErrors } from '../define.js';

/**
 * 720xxxx — custom fields and custom data of users, roles, groups and departments
 * (docs/custom-fields.md), and the profile-completion step of sign-in. 1642 is the vendor's own
 * code for "complete the user information" (Authing Guard's `COMPLETE_INFO`), kept so Guard and
 * SDK callers recognise the step.
 */
export const customFieldErrors = defineErrors({
  'custom_field.not_found': { apiCode: 7200001, status: 404, en: 'No custom field {key} is defined for {targetType}.', zh: '{targetType} 未定义自定义字段 {key}。' },
  'custom_field.reserved_key': { apiCode: 7200002, status: 400, en: 'The key {key} is a built-in field and cannot be a custom field.', zh: '{key} 是内置字段，不能作为自定义字段。' },
  'custom_field.immutable': { apiCode: 7200003, status: 400, en: 'The {property} of custom field {key} cannot be changed once set.', zh: '自定义字段 {key} 的 {property} 设置后不能修改。' },
  'custom_field.invalid_definition': { apiCode: 7200004, status: 400, en: 'Custom field {key} is not usable: {reason}.', zh: '自定义字段 {key} 不可用：{reason}。' },
  'custom_field.invalid_value': { apiCode: 7200005, status: 400, en: 'The value of custom field {key} is not valid: {reason}.', zh: '自定义字段 {key} 的值不合法：{reason}。' },
  'custom_field.duplicate_value': { apiCode: 7200006, status: 409, en: 'Another {targetType} already has this value of the unique field {key}.', zh: '已有其他 {targetType} 使用了唯一字段 {key} 的这个值。' },
  'custom_field.target_not_found': { apiCode: 7200007, status: 404, en: 'No {targetType} {identifier} in the user pool.', zh: '用户池中不存在 {targetType} {identifier}。' },
  'custom_field.not_user_editable': { apiCode: 7200008, status: 403, en: 'The field {key} cannot be changed by the user.', zh: '用户不能修改字段 {key}。' },
  'profile.completion_required': { apiCode: 1642, status: 401, en: 'Complete your profile to finish signing in.', zh: '请补全个人信息以完成登录。' },
  'profile.field_required': { apiCode: 7200010, status: 400, en: 'The field {key} is required.', zh: '字段 {key} 为必填项。' },
  'profile.field_not_asked': { apiCode: 7200011, status: 400, en: 'The field {key} is not part of this profile completion.', zh: '字段 {key} 不在本次信息补全范围内。' },
  'custom_field.too_many': { apiCode: 7200009, status: 409, en: 'At most {max} custom fields per target type.', zh: '每种主体类型最多 {max} 个自定义字段。' },
  'profile.unknown_field': { apiCode: 7200012, status: 400, en: 'completeProfile lists the {type} field {key}, which is neither a built-in profile field nor a USER custom field of this user pool.', zh: 'completeProfile 中的 {type} 字段 {key} 既不是内置用户资料字段，也不是本用户池的 USER 自定义字段。' },
  'profile.encrypted_field': { apiCode: 7200013, status: 400, en: 'completeProfile cannot ask for the encrypted custom field {key}.', zh: 'completeProfile 不能要求补全加密的自定义字段 {key}。' },
});
