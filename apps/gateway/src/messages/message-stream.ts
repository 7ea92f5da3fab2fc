import { Injectable, type OnModuleInit } from '@nestjs/common';
import { jetstream, type JetStreamClient } from '@nats-io/jetstream';
import { ChatMessageEvent, messageSubjects, messagesStreamConfig } from '@sotto/contracts';
import { NatsClient, encodeJson, ensureStream } from '@sotto/nats';

/**
 * Where the gateway hands accepted messages over for good: the durable messages stream the
 * archive, inbox and offline services consume. A message counts as accepted once JetStream has
 * stored it; only then is it delivered.
 */
@Injectable()
export class MessageStream implements OnModuleInit {
  private js!: JetStreamClient;

  constructor(private readonly nats: NatsClient) {}

  async onModuleInit(): Promise<void> {
    await ensureStream(this.nats.connection, messagesStreamConfig);
    this.js = jetstream(this.nats.connection);
  }

  async accepted(event: ChatMessageEvent): Promise<void> {
    await this.js.publish(messageSubjects.accepted, encodeJson(event), { msgID: event.id });
  }

  /** No resource took it: the offline service stores it for the next login. */
  async undelivered(event: ChatMessageEvent): Promise<void> {
    await this.js.publish(messageSubjects.undelivered, encodeJson(event), {
      msgID: `${event.id}.undelivered`,
    });
  }
}
