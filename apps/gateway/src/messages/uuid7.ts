import { randomBytes } from 'node:crypto';

const RAND_BITS = 74n; // rand_a (12 bits) and rand_b (62 bits) of RFC 9562 §5.7
const RAND_LIMIT = 1n << RAND_BITS;
// Each id within one millisecond adds a random step below 2^32 (RFC 9562 §6.2, method 2): ids
// stay in order without revealing how many were made in between.
const STEP_BITS = 32n;

/**
 * UUID version 7 (RFC 9562): 48 bits of Unix milliseconds, then 74 bits that are random for the
 * first id of a millisecond and grow monotonically after it. Archive ids made this way sort in
 * the order a gateway accepted the messages, even for several in one millisecond or when the
 * clock steps back, so the archive's index on (owner, id) is also its arrival order.
 */
export class Uuid7Generator {
  private lastMs = -1;
  private lastRand = 0n;

  next(now = Date.now()): string {
    let ms = now;
    let rand: bigint;
    if (ms > this.lastMs) {
      rand = BigInt('0x' + randomBytes(10).toString('hex')) >> 6n; // 80 random bits → 74
    } else {
      ms = this.lastMs;
      rand =
        this.lastRand + 1n + (BigInt('0x' + randomBytes(4).toString('hex')) % (1n << STEP_BITS));
      if (rand >= RAND_LIMIT) {
        // Only after ~2^42 ids in one millisecond: borrow the next millisecond.
        ms += 1;
        rand = 0n;
      }
    }
    this.lastMs = ms;
    this.lastRand = rand;
    return format(ms, rand);
  }
}

function format(ms: number, rand: bigint): string {
  const randA = Number(rand >> 62n); // 12 bits
  const randB = rand & ((1n << 62n) - 1n);
  const hex =
    ms.toString(16).padStart(12, '0') +
    (0x7000 | randA).toString(16) +
    ((1n << 63n) | randB).toString(16).padStart(16, '0');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

const processGenerator = new Uuid7Generator();

/** The next id of this process's monotonic UUID v7 sequence. */
export function uuid7(now = Date.now()): string {
  return processGenerator.next(now);
}
