import { NS_CLIENT, NS_FRAMING, NS_STREAMS } from '@sotto/xmpp';

function escapeAttr(value: string): string {
  return value.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

function attrsToString(attrs: Record<string, string>): string {
  let out = '';
  for (const [name, value] of Object.entries(attrs)) {
    out += ` ${name}='${escapeAttr(value)}'`;
  }
  return out;
}

/** RFC 6120 §4.2 response stream header; left open until the stream ends. */
export function tcpStreamHeader(attrs: Record<string, string>): string {
  return `<?xml version='1.0'?><stream:stream xmlns='${NS_CLIENT}' xmlns:stream='${NS_STREAMS}'${attrsToString(attrs)}>`;
}

export const TCP_STREAM_CLOSE = '</stream:stream>';

/** RFC 7395 §3.4 `<open/>` frame. */
export function websocketOpenFrame(attrs: Record<string, string>): string {
  return `<open xmlns='${NS_FRAMING}'${attrsToString(attrs)}/>`;
}

export const WEBSOCKET_CLOSE_FRAME = `<close xmlns='${NS_FRAMING}'/>`;
