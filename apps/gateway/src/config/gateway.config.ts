import { z } from 'zod';
import { boolVar, commonConfig, intVar, loadConfig } from '@sotto/config';

const gatewayConfigSchema = z.object({
  ...commonConfig,
  /** Address the WebSocket and TCP listeners bind to. */
  GATEWAY_HOST: z.string().default('127.0.0.1'),
  /** RFC 7395 WebSocket listener; path below. 0 disables it. */
  WS_PORT: intVar(5280, 0, 65535),
  WS_PATH: z.string().startsWith('/').default('/ws-xmpp'),
  /** Set when a TLS-terminating proxy sits in front of the WebSocket listener (allows PLAIN). */
  WS_BEHIND_TLS_PROXY: boolVar(false),
  /** RFC 6120 TCP c2s listener with STARTTLS. 0 disables it. */
  C2S_PORT: intVar(5222, 0, 65535),
  /** PEM files; when unset a self-signed pair is made in TLS_DIR at first start. */
  TLS_CERT_FILE: z.string().optional(),
  TLS_KEY_FILE: z.string().optional(),
  TLS_DIR: z.string().default('.sotto/tls'),
  /** Largest stanza accepted, in bytes. */
  MAX_STANZA_BYTES: intVar(262_144, 1024),
  /** Deepest element nesting accepted inside a stanza. */
  MAX_STANZA_DEPTH: intVar(64, 4, 10_000),
  /** Per-connection input rate limit (token bucket), bytes per second and burst size. */
  RATE_LIMIT_BYTES_PER_SECOND: intVar(262_144, 1024),
  RATE_LIMIT_BURST_BYTES: intVar(1_048_576, 1024),
  /** Time a client has to authenticate and bind, in milliseconds. */
  NEGOTIATION_TIMEOUT_MS: intVar(30_000, 1000),
  /** SASL failures allowed before the stream is closed. */
  MAX_AUTH_ATTEMPTS: intVar(3, 1, 20),
  /** How often this gateway writes its heartbeat, and when a silent gateway counts as dead. */
  HEARTBEAT_INTERVAL_MS: intVar(2000, 100),
  GATEWAY_DEAD_AFTER_MS: intVar(6000, 300),
  /** How long a delivery to another gateway may take before the target counts as gone. */
  DELIVERY_TIMEOUT_MS: intVar(3000, 100),
  /** XEP-0115: how long a client has to answer the gateway's disco#info about its caps. */
  CAPS_QUERY_TIMEOUT_MS: intVar(10_000, 500),
  /** XEP-0115: most features a client's caps answer may list; a longer answer is ignored. */
  CAPS_MAX_FEATURES: intVar(512, 16, 1024),
  /** Size limit of the shared bucket of verified caps (set by the gateway that creates it). */
  CAPS_BUCKET_MAX_BYTES: intVar(16_777_216, 65_536),
});

export type GatewayConfig = z.infer<typeof gatewayConfigSchema>;

export function loadGatewayConfig(env: NodeJS.ProcessEnv = process.env): GatewayConfig {
  return loadConfig(gatewayConfigSchema, env);
}

/** Injection token for the gateway's settings (a plain object, read once at start). */
export const GATEWAY_CONFIG = Symbol('GATEWAY_CONFIG');
