/*
 * Users of a pool. The code lives in ./users/, one concern per file; this module keeps the old
 * import path working.
 */
export {
  MAX_BATCH,
  MAX_CUSTOM_DATA_BYTES,
  PROFILE_COLUMNS,
  USER_ID_TYPES,
  USER_STATUSES,
  type CreateUserOptions,
  type Gender,
  type ListUsersInput,
  type ListUsersLegacyInput,
  type UpdateUserOptions,
  type UserDto,
  type UserFields,
  type UserIdType,
  type UserStatus,
  type UserViewOptions,
} from './users/types.js';
export { toUserDto } from './users/dto.js';
export { createUsersService, type UsersService } from './users/service.js';
