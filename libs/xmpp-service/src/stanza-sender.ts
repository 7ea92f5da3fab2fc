import { ROUTE_SUBJECT, RouteRequest } from '@sotto/contracts';
import { NatsClient, encodeJson } from '@sotto/nats';
import type { Element } from '@sotto/xmpp';

/** Sends a stanza to a user's sessions through whichever gateway takes it (roster pushes, …). */
export class StanzaSender {
  constructor(private readonly nats: NatsClient) {}

  send(to: string, stanza: Element): void {
    this.route({ to, stanza: stanza.toString() });
  }

  /**
   * A PEP notification of `node` (XEP-0163 §4.3.3): only the resources of the bare JID `to` whose
   * entity capabilities ask for `<node>+notify` get it; nothing is stored when none does.
   */
  notify(to: string, node: string, stanza: Element): void {
    this.route({ to, stanza: stanza.toString(), notify: node });
  }

  private route(route: RouteRequest): void {
    const request = RouteRequest.parse(route);
    this.nats.connection.publish(ROUTE_SUBJECT, encodeJson(request));
  }
}
