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
// Messages per second from all senders together, paced evenly; unset: as fast as each socket
// takes them (an open load, whose latencies are mostly time spent queued).
const RATE = process.env.BENCH_RATE ? Number(process.env.BENCH_RATE) : undefined;
const STALL_MS = 15_000;

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
      // What the senders got back instead of a delivery, by error condition.
      const bounced = new Map<string, number>();
      let lastReceipt = performance.now();
      // When the bench last saw progress: a receipt, or the end of the sending.
      let progressAt = lastReceipt;
      for (const { sender } of pairs) {
        sender.xmpp.on('stanza', (stanza) => {
          if (stanza.is('message') && stanza.attrs.type === 'error') {
            const condition = stanza.getChild('error')?.children[0];
            const name = typeof condition === 'object' ? condition.name : 'unknown';
            bounced.set(name, (bounced.get(name) ?? 0) + 1);
          }
        });
      }
      const allReceived = new Promise<void>((resolve) => {
        for (const { receiver } of pairs) {
          receiver.xmpp.on('stanza', (stanza) => {
            const body = stanza.is('message') ? stanza.getChildText('body') : null;
            if (body?.startsWith('t=')) {
              lastReceipt = performance.now();
              progressAt = lastReceipt;
              latencies.push(lastReceipt - Number(body.slice(2)));
              if (latencies.length === total) {
                resolve();
              }
            }
          });
        }
      });
      // A message that never arrives must not hang the bench: it ends once nothing has arrived
      // for STALL_MS, and reports what is missing.
      const stalled = new Promise<void>((resolve) => {
        const check = setInterval(() => {
          if (performance.now() - progressAt > STALL_MS) {
            clearInterval(check);
            resolve();
          }
        }, 1000);
        void allReceived.then(() => clearInterval(check));
      });
      const started = performance.now();
      await Promise.all(
        pairs.map(async ({ sender, receiver }, pair) => {
          const to = receiver.jid.split('/')[0]!;
          for (let i = 0; i < MESSAGES_PER_SENDER; i++) {
            if (RATE !== undefined) {
              // Staggered: the senders take turns, one message every 1/RATE s in all.
              const due = started + ((i * PAIRS + pair) * 1000) / RATE;
              await new Promise((resolve) => setTimeout(resolve, due - performance.now()));
            }
            await sender.xmpp.send(
              xml('message', { to, type: 'chat' }, xml('body', {}, `t=${performance.now()}`)),
            );
          }
        }),
      );
      progressAt = Math.max(progressAt, performance.now());
      await Promise.race([allReceived, stalled]);
      const seconds = (lastReceipt - started) / 1000;
      latencies.sort((a, b) => a - b);
      const figures = {
        rate: RATE ?? 'open',
        messages: total,
        seconds: Number(seconds.toFixed(2)),
        messagesPerSecond: Math.round(latencies.length / seconds),
        p50ms: Number(percentile(latencies, 50).toFixed(1)),
        p99ms: Number(percentile(latencies, 99).toFixed(1)),
        maxMs: Number((latencies.at(-1) ?? NaN).toFixed(1)),
        lost: total - latencies.length,
        bounced: Object.fromEntries(bounced),
      };
      console.log(`BENCH messages ${JSON.stringify(figures)}`);
      expect(latencies).toHaveLength(total);
    },
  );
});
