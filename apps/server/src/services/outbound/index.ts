/** The outbound guard: one per server, built by the container (services/outbound/guard.ts). */
export { createOutboundGuard, type OutboundGuard, type OutboundGuardOptions, type CheckedAddress, type OperatorOutbound } from './guard.js';
export { blockedReason } from '../../utils/net/addresses.js';
export { allowListProblems } from '../../utils/net/allow-list.js';
export { overridesProblems, parseOverrides, rewriteUrl, type UpstreamOverrides } from '../../utils/net/overrides.js';
export { outboundGuardFor } from './for-config.js';
