// @xmpp/client ships no type declarations; the tests use this much of it.
declare module '@xmpp/client' {
  import type { EventEmitter } from 'node:events';

  export interface XmlElement {
    name: string;
    attrs: Record<string, string | undefined>;
    children: (XmlElement | string)[];
    is(name: string, xmlns?: string): boolean;
    getChild(name: string, xmlns?: string): XmlElement | undefined;
    getChildren(name: string, xmlns?: string): XmlElement[];
    getChildText(name: string, xmlns?: string): string | null;
    getText(): string;
    toString(): string;
  }

  export interface XmppClient extends EventEmitter {
    jid?: { toString(): string; resource?: string };
    status: string;
    start(): Promise<{ toString(): string }>;
    stop(): Promise<void>;
    send(element: XmlElement): Promise<void>;
    write(raw: string): Promise<void>;
    iqCaller: { request(element: XmlElement, timeout?: number): Promise<XmlElement> };
    iqCallee: {
      get(
        ns: string,
        name: string,
        handler: (context: { stanza: XmlElement; element: XmlElement }) => XmlElement,
      ): void;
    };
    reconnect: { stop(): void };
    disconnect(): Promise<void>;
  }

  export function client(options: Record<string, unknown>): XmppClient;
  export function xml(
    name: string,
    attrs?: Record<string, string | undefined>,
    ...children: (XmlElement | string | undefined)[]
  ): XmlElement;
}
