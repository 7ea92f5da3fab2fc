import { Inject, Injectable } from '@nestjs/common';
import { IqReply, iqSubject } from '@sotto/contracts';
import { NatsClient, decodeJson, encodeJson, isNoResponders, isTimeout } from '@sotto/nats';
import { StanzaError } from '@sotto/xmpp';
import { GATEWAY_CONFIG, type GatewayConfig } from '../config/gateway.config';

/** Hands an IQ to the feature service that serves its namespace and returns its answer. */
@Injectable()
export class ServiceIqForwarder {
  constructor(
    private readonly nats: NatsClient,
    @Inject(GATEWAY_CONFIG) private readonly config: GatewayConfig,
  ) {}

  /**
   * The service's answer: the stanzas to deliver before the reply, then the reply, as XML;
   * throws StanzaError when the service cannot answer.
   */
  async forward(service: string, from: string, stanza: string): Promise<string[]> {
    let data: Uint8Array;
    try {
      const reply = await this.nats.connection.request(
        iqSubject(service),
        encodeJson({ from, stanza }),
        {
          timeout: this.config.DELIVERY_TIMEOUT_MS * 3,
        },
      );
      data = reply.data;
    } catch (error) {
      if (isNoResponders(error)) {
        throw new StanzaError('service-unavailable');
      }
      if (isTimeout(error)) {
        throw new StanzaError(
          'internal-server-error',
          'the service did not answer in time',
          'wait',
        );
      }
      throw error;
    }
    const parsed = IqReply.safeParse(decodeJson(data));
    if (!parsed.success) {
      throw new StanzaError('internal-server-error', undefined, 'wait');
    }
    return [...(parsed.data.before ?? []), parsed.data.stanza];
  }
}
