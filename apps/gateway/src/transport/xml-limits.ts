import type { XmlLimits } from '@sotto/xmpp';
import type { GatewayConfig } from '../config/gateway.config';
import { RateLimiter } from './rate-limiter';

export function xmlLimits(config: GatewayConfig): XmlLimits {
  return { maxStanzaBytes: config.MAX_STANZA_BYTES, maxDepth: config.MAX_STANZA_DEPTH };
}

export function connectionRateLimiter(config: GatewayConfig): RateLimiter {
  return new RateLimiter(config.RATE_LIMIT_BYTES_PER_SECOND, config.RATE_LIMIT_BURST_BYTES);
}
