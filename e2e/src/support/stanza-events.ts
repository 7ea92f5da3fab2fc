import * as XMPP from 'stanza';
import type { TestAccount } from './accounts';

/** A StanzaJS client whose events are kept until a test takes them. */
export interface StanzaSession {
  client: XMPP.Agent;
  /** The bound full JID. */
  jid: string;
  /** The first kept (or next) `event` whose data matches. */
  next<T>(event: string, match?: (data: T) => boolean, timeoutMs?: number): Promise<T>;
  /** Everything kept of `event` so far, taken. */
  taken<T>(event: string): T[];
}

export interface StanzaLoginOptions {
  url: string;
  resource?: string;
  /** Events to keep (`pubsub:published`, `avatar`, …). */
  events: readonly string[];
  /** Runs before connecting (extra disco features, for example). */
  configure?: (client: XMPP.Agent) => void;
  /**
   * Whether to send initial presence with entity capabilities (XEP-0115), as a chat client does
   * (default true): notifications to a bare JID reach available resources only, and PEP ones
   * only those whose capabilities ask for the node (`+notify`).
   */
  available?: boolean;
}

/** Logs in with StanzaJS; `cleanups` receives the disconnection. */
export async function stanzaSession(
  account: TestAccount,
  options: StanzaLoginOptions,
  cleanups: (() => unknown)[],
): Promise<StanzaSession> {
  const resource = options.resource ?? 'stanza';
  const client = XMPP.createClient({
    jid: account.jid,
    password: account.password,
    resource,
    transports: { websocket: options.url, bosh: false },
  });
  options.configure?.(client);
  cleanups.push(() => client.disconnect());
  const inbox: { event: string; data: unknown }[] = [];
  const waiters: {
    event: string;
    match: (data: unknown) => boolean;
    resolve: (data: unknown) => void;
  }[] = [];
  const emitter = client as unknown as {
    on(event: string, listener: (data: unknown) => void): void;
  };
  for (const event of options.events) {
    emitter.on(event, (data: unknown) => {
      const index = waiters.findIndex((w) => w.event === event && w.match(data));
      if (index >= 0) {
        waiters.splice(index, 1)[0]!.resolve(data);
      } else {
        inbox.push({ event, data });
      }
    });
  }
  await new Promise<void>((resolve, reject) => {
    client.once('session:started', () => resolve());
    client.once('auth:failed', () => reject(new Error('auth failed')));
    client.connect();
  });
  if (options.available ?? true) {
    client.updateCaps();
    client.sendPresence({ legacyCapabilities: client.disco.getCaps() });
  }
  return {
    client,
    jid: `${account.jid}/${resource}`,
    next<T>(event: string, match: (data: T) => boolean = () => true, timeoutMs = 5000) {
      const test = match as (data: unknown) => boolean;
      const index = inbox.findIndex((entry) => entry.event === event && test(entry.data));
      if (index >= 0) {
        return Promise.resolve(inbox.splice(index, 1)[0]!.data as T);
      }
      return new Promise<T>((resolve, reject) => {
        const waiter = {
          event,
          match: test,
          resolve: (data: unknown) => {
            clearTimeout(timer);
            resolve(data as T);
          },
        };
        const timer = setTimeout(() => {
          waiters.splice(waiters.indexOf(waiter), 1);
          reject(new Error(`no ${event} within ${timeoutMs} ms`));
        }, timeoutMs);
        waiters.push(waiter);
      });
    },
    taken<T>(event: string): T[] {
      const kept = inbox.filter((entry) => entry.event === event);
      for (const entry of kept) {
        inbox.splice(inbox.indexOf(entry), 1);
      }
      return kept.map((entry) => entry.data as T);
    },
  };
}

/** The stanza error of a failed request: its condition and pubsub#errors condition. */
export async function stanzaError(
  request: Promise<unknown>,
): Promise<
  { condition?: string; pubsubError?: string; pubsubUnsupportedFeature?: string } | 'no error'
> {
  try {
    await request;
  } catch (error) {
    const { condition, pubsubError, pubsubUnsupportedFeature } =
      (error as { error?: Record<string, string> }).error ?? {};
    return { condition, pubsubError, pubsubUnsupportedFeature };
  }
  return 'no error';
}
