import { ROUTE_SUBJECT, RouteRequest } from '@sotto/contracts';
import { NatsClient, encodeJson } from '@sotto/nats';
import type { Element } from '@sotto/xmpp';

/** Sends a stanza to a user's sessions through whichever gateway takes it (roster pushes, …). */
export class StanzaSender {
  constructor(private readonly nats: NatsClient) {}

  send(to: string, stanza: Element): void {
    const request = RouteRequest.parse({ to, stanza: stanza.toString() });
    this.nats.connection.publish(ROUTE_SUBJECT, encodeJson(request));
  }
}
