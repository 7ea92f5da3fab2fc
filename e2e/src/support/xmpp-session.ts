import { client, type XmlElement, type XmppClient } from '@xmpp/client';
import type { TestAccount } from './accounts';

export interface XmppSession {
  readonly xmpp: XmppClient;
  /** The bound full JID. */
  readonly jid: string;
  /** The SASL mechanism the client used. */
  readonly mechanism: string;
  /** Waits for (and takes) the first received stanza that matches. */
  next(match: (stanza: XmlElement) => boolean, timeoutMs?: number): Promise<XmlElement>;
  /** True once the stream has closed. */
  closed(): Promise<void>;
  stop(): Promise<void>;
}

export interface ConnectOptions {
  /** `ws://…` or `xmpp://127.0.0.1:PORT` (TCP with STARTTLS). */
  service: string;
  account: Pick<TestAccount, 'username' | 'password'>;
  resource?: string;
  /** Force a SASL mechanism; default: the client's first choice. */
  mechanism?: string;
}

/** Logs in with @xmpp/client and collects what the server sends. */
export async function connectXmpp(options: ConnectOptions): Promise<XmppSession> {
  let mechanism = '';
  const xmpp = client({
    service: options.service,
    domain: 'localhost',
    resource: options.resource,
    credentials: async (
      authenticate: (credentials: object, mechanism: string) => Promise<void>,
      mechanisms: string[],
    ) => {
      mechanism = options.mechanism ?? mechanisms.find((m) => m !== 'PLAIN') ?? mechanisms[0] ?? '';
      await authenticate(
        { username: options.account.username, password: options.account.password },
        mechanism,
      );
    },
  });
  // Reconnection is the test's decision, not the library's.
  xmpp.reconnect.stop();
  const inbox: XmlElement[] = [];
  const waiters: { match: (s: XmlElement) => boolean; resolve: (s: XmlElement) => void }[] = [];
  xmpp.on('error', () => undefined);
  xmpp.on('stanza', (stanza: XmlElement) => {
    const index = waiters.findIndex((waiter) => waiter.match(stanza));
    if (index >= 0) {
      const [waiter] = waiters.splice(index, 1);
      waiter?.resolve(stanza);
    } else {
      inbox.push(stanza);
    }
  });
  const closed = new Promise<void>((resolve) => xmpp.once('disconnect', () => resolve()));
  const address = await xmpp.start();
  return {
    xmpp,
    jid: address.toString(),
    mechanism,
    next(match, timeoutMs = 5000) {
      const index = inbox.findIndex(match);
      if (index >= 0) {
        return Promise.resolve(inbox.splice(index, 1)[0] as XmlElement);
      }
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => {
          waiters.splice(waiters.indexOf(waiter), 1);
          reject(new Error(`no matching stanza within ${timeoutMs} ms`));
        }, timeoutMs);
        const waiter = {
          match,
          resolve: (stanza: XmlElement) => {
            clearTimeout(timer);
            resolve(stanza);
          },
        };
        waiters.push(waiter);
      });
    },
    closed: () => closed,
    stop: async () => {
      await xmpp.stop().catch(() => undefined);
    },
  };
}

export const isMessageWithBody = (body: string) => (stanza: XmlElement) =>
  stanza.is('message') && stanza.getChildText('body') === body;
