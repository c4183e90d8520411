import type { Config } from '../../config/schema.js';
import { createOutboundGuard, type OutboundGuard, type OutboundGuardOptions } from './guard.js';

/**
 * One outbound guard per server configuration. The container builds it first (with its logger
 * and, in tests, a resolver); code that is handed only the configuration (the messaging
 * service, built inside the passcode flows) gets the same instance.
 */
const guards = new WeakMap<object, OutboundGuard>();

export function outboundGuardFor(config: Pick<Config, 'outboundAllow' | 'upstreamOverrides'>, opts: Omit<OutboundGuardOptions, 'allow' | 'upstreamOverrides'> = {}): OutboundGuard {
  let g = guards.get(config);
  if (!g) {
    g = createOutboundGuard({ allow: config.outboundAllow, upstreamOverrides: config.upstreamOverrides, ...opts });
    guards.set(config, g);
  }
  return g;
}
