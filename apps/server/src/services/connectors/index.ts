/**
 * The connector runtime: what every kind of connector (message services, identity providers,
 * directories) needs from the server — the registry of factories, config validation against the
 * manifest, secrets sealed at rest and write-only, operator-only destination fields, and the
 * translation of connector failures into API errors. Feature services (messaging, identity
 * sources, directories) build on it instead of repeating it.
 */
export { createConnectorRegistry, type ConnectorRegistry, type ExtraConnectors } from './registry.js';
export { withDefaults, firstConfigError, withoutSecrets, keepingSecrets, operatorOnlyViolation } from './config.js';
export { sealConfig, openConfig } from './sealed-config.js';
export { connectorErrorToAppError, isRetryable, errorLabel } from './message-errors.js';
