import { afterAll, describe, expect, inject, it } from 'vitest';
import { xml } from '@xmpp/client';
import { createAccount } from '../src/support/accounts';
import { connectXmpp, type XmppSession } from '../src/support/xmpp-session';

// 1:1 chat throughput and latency through the real platform: two gateways, every feature
// service (the archive and inbox write from the stream as in production), real XMPP clients
// over WebSocket. The load generator shares the machine's two cores with the platform, so the
// figures are a floor, not a ceiling.
const PAIRS = Number(process.env.BENCH_PAIRS ?? 20);
const MESSAGES_PER_SENDER = Number(process.env.BENCH_MESSAGES ?? 500);

const sessions: XmppSession[] = [];
afterAll(async () => {
  await Promise.all(sessions.map((session) => session.stop()));
});

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;
}

describe('message throughput', () => {
  it(
    `${PAIRS} pairs × ${MESSAGES_PER_SENDER} messages across two gateways`,
    { timeout: 600_000 },
    async () => {
      const gateways = inject('gateways');
      const pairs: { sender: XmppSession; receiver: XmppSession }[] = [];
      for (let i = 0; i < PAIRS; i++) {
        const [a, b] = await Promise.all([createAccount('bench-a'), createAccount('bench-b')]);
        const sender = await connectXmpp({ service: gateways[i % 2]!.ws, account: a });
        const receiver = await connectXmpp({ service: gateways[(i + 1) % 2]!.ws, account: b });
        sessions.push(sender, receiver);
        await receiver.xmpp.send(xml('presence'));
        pairs.push({ sender, receiver });
      }
      await new Promise((resolve) => setTimeout(resolve, 500));

      const latencies: number[] = [];
      const total = PAIRS * MESSAGES_PER_SENDER;
      const allReceived = new Promise<void>((resolve) => {
        for (const { receiver } of pairs) {
          receiver.xmpp.on('stanza', (stanza) => {
            const body = stanza.is('message') ? stanza.getChildText('body') : null;
            if (body?.startsWith('t=')) {
              latencies.push(performance.now() - Number(body.slice(2)));
              if (latencies.length === total) {
                resolve();
              }
            }
          });
        }
      });
      const started = performance.now();
      await Promise.all(
        pairs.map(async ({ sender, receiver }) => {
          const to = receiver.jid.split('/')[0]!;
          for (let i = 0; i < MESSAGES_PER_SENDER; i++) {
            await sender.xmpp.send(
              xml('message', { to, type: 'chat' }, xml('body', {}, `t=${performance.now()}`)),
            );
          }
        }),
      );
      await allReceived;
      const seconds = (performance.now() - started) / 1000;
      latencies.sort((a, b) => a - b);
      const figures = {
        messages: total,
        seconds: Number(seconds.toFixed(2)),
        messagesPerSecond: Math.round(total / seconds),
        p50ms: Number(percentile(latencies, 50).toFixed(1)),
        p99ms: Number(percentile(latencies, 99).toFixed(1)),
        maxMs: Number(latencies.at(-1)!.toFixed(1)),
      };
      console.log(`BENCH messages ${JSON.stringify(figures)}`);
      expect(latencies).toHaveLength(total);
    },
  );
});
