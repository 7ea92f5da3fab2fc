import { WebSocket } from 'ws';

// @xmpp/client's WebSocket transport expects the global WebSocket that Node 22 has; Node 20 does not.
if (!('WebSocket' in globalThis)) {
  Object.assign(globalThis, { WebSocket });
}
// The gateway makes a self-signed certificate on first start; the TCP tests accept it.
process.env.NODE_TLS_REJECT_UNAUTHORIZED = '0';
