/*
 * Applications (OAuth 2.0 / OIDC clients). The code lives in ./applications/, one concern per
 * file; this module keeps the old import path working.
 */
export {
  APP_IDENTIFIER_PATTERN,
  APP_TYPES,
  AUTH_METHODS,
  DEFAULT_PROTOCOLS,
  GRANT_TYPES,
  ID_TOKEN_ALGS,
  LOGIN_METHODS,
  OIDC_FIELDS,
  REGISTER_METHODS,
  UNSUPPORTED_OIDC_FIELDS,
  type AppType,
  type AuthMethod,
} from './applications/vocabulary.js';
export type { ApplicationDto, ApplicationInput, CreateApplicationInput, ListApplicationsQuery, OidcConfigDto, StoredOidcConfig } from './applications/types.js';
export { checkRedirectUri } from './applications/redirect-uris.js';
export { resolveOidcConfig } from './applications/oidc-config.js';
export { toApplicationDto } from './applications/dto.js';
export { createApplicationsService, type ApplicationsService } from './applications/service.js';
