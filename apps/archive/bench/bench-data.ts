import pg from 'pg';
import { adminUrl } from './bench-platform';

/** One data set: the subject's archive among other users' archives. */
export interface DataSet {
  subject: string;
  /** Rows in the subject's own archive. */
  subjectRows: number;
  /** Rows in other users' archives, the subject's correspondents' copies included. */
  otherRows: number;
}

// Messages are spread over a year, the subject's among everyone else's, as they arrive on a real
// server. The rows of every past day are laid out as the service's clustering sweep leaves them
// (grouped by owner, in archive order: the ORDER BY of ArchiveRepository.cluster); today's rows
// are still in arrival order, as the sweep has not reached them.
const DAY_MS = 24 * 3600 * 1000;
const DAYS = 365;
const CHUNK_MESSAGES = 250_000;
const SUBJECT_CONTACTS = 200;
const ROWS_PER_OTHER_USER = 100;

/**
 * The messages g in [$7, $8] as rows. Message g (1…M) is one of the subject's when ⌊g·S/M⌋ steps
 * (exactly S of them, evenly spread); it falls on day ⌊g·365/M⌋, day 364 being today so far.
 * Each message gives two rows, the sender's and the recipient's copy, with the same UUID v7.
 * Stanzas look like what clients send (about 530 bytes: body, chat state, marker request,
 * origin-id, stanza-id).
 */
const INSERT_CHUNK = `
  WITH m AS MATERIALIZED (
    SELECT g,
           (g::bigint * $2 / $3) > ((g - 1)::bigint * $2 / $3) AS mine,
           (g::bigint * ${DAYS} / $3) AS day,
           (g::bigint * ${DAYS * DAY_MS} / $3) AS offset_ms,
           (g * 2654435761::bigint) % $6 AS a,
           (g * 40503::bigint) % ($6 - 1) AS b
    FROM generate_series($7::bigint, $8::bigint) AS g
  ), timed AS (
    -- Today's share is squeezed into the part of today gone by.
    SELECT *,
           CASE WHEN day < ${DAYS - 1} THEN $4::bigint + offset_ms
                ELSE $4::bigint + ${(DAYS - 1) * DAY_MS}::bigint
                     + (offset_ms - ${(DAYS - 1) * DAY_MS}::bigint) * $5 / ${DAY_MS} END AS ms
    FROM m
  ), msg AS MATERIALIZED (
    SELECT g, ms, day,
           encode(set_byte(raw, 6, (get_byte(raw, 6) & 15) | 112), 'hex')::uuid AS id,
           CASE WHEN NOT mine THEN 'user' || a || '@localhost'
                WHEN g % 2 = 0 THEN $1
                ELSE 'contact' || (g % ${SUBJECT_CONTACTS}) || '@localhost' END AS sender,
           CASE WHEN NOT mine THEN 'user' || ((a + 1 + b) % $6) || '@localhost'
                WHEN g % 2 = 0 THEN 'contact' || (g % ${SUBJECT_CONTACTS}) || '@localhost'
                ELSE $1 END AS recipient,
           CASE WHEN g % 3 = 0 THEN 'laptop' ELSE 'phone' END AS resource,
           left(repeat(md5(g::text) || ' ' || md5((g + 7)::text) || ' ', 4), 40 + (g % 160)::int)
             AS body
    FROM (SELECT *, overlay(uuid_send(gen_random_uuid())
                            placing substring(int8send(ms) from 3) from 1 for 6) AS raw
          FROM timed) x
  ), stanzas AS (
    SELECT msg.*,
           '<message xmlns=''jabber:client'' from=''' || sender || '/' || resource || ''' to='''
           || recipient || ''' type=''chat'' id=''' || left(md5(g::text || 'id'), 16) || '''>'
           || '<body>' || body || '</body>'
           || '<active xmlns=''http://jabber.org/protocol/chatstates''/>'
           || '<markable xmlns=''urn:xmpp:chat-markers:0''/>'
           || '<origin-id xmlns=''urn:xmpp:sid:0'' id=''' || gen_random_uuid() || '''/>'
           || '<stanza-id xmlns=''urn:xmpp:sid:0'' by=''' || recipient || ''' id=''' || id
           || '''/></message>' AS stanza
    FROM msg
  )
  INSERT INTO archived_messages
    (id, sent_at, owner_jid, with_jid, with_resource, direction, stanza, clustered)
  SELECT s.id, to_timestamp(s.ms / 1000.0), r.owner, r.other, r.resource, r.direction, s.stanza,
         $9::boolean
  FROM stanzas s
  CROSS JOIN LATERAL (VALUES (s.sender, s.recipient, NULL, 'out'),
                             (s.recipient, s.sender, s.resource, 'in'))
    AS r(owner, other, resource, direction)
  ORDER BY CASE WHEN $9 THEN s.day END, CASE WHEN $9 THEN r.owner END, s.id, r.owner`;

/** Empties the bench's archive and fills it with `set`; calls `progress` after each chunk. */
export async function generate(
  archiveUrl: string,
  set: DataSet,
  progress: (done: number, total: number) => void,
): Promise<void> {
  const messages = set.subjectRows + (set.otherRows - set.subjectRows) / 2;
  const users = Math.max(2, Math.floor(set.otherRows / ROWS_PER_OTHER_USER));
  const midnight = Math.floor(Date.now() / DAY_MS) * DAY_MS;
  const start = midnight - (DAYS - 1) * DAY_MS;
  const today = Date.now() - midnight;
  // Whole days per statement, so that a day is laid out in one piece.
  const daysPerChunk = Math.max(1, Math.floor(CHUNK_MESSAGES / (messages / DAYS)));
  const firstOfDay = (day: number) => Math.floor((day * messages) / DAYS) + 1;
  const client = new pg.Client({ connectionString: archiveUrl });
  await client.connect();
  try {
    await client.query('TRUNCATE archived_messages, archive_prefs');
    for (let day = 0; day < DAYS;) {
      // Today goes alone: its rows are not clustered yet.
      const end = day === DAYS - 1 ? DAYS : Math.min(DAYS - 1, day + daysPerChunk);
      const to = end === DAYS ? messages : firstOfDay(end) - 1;
      await client.query(INSERT_CHUNK, [
        set.subject,
        set.subjectRows,
        messages,
        start,
        today,
        users,
        firstOfDay(day),
        to,
        end < DAYS,
      ]);
      progress(to, messages);
      day = end;
    }
    // What autovacuum would have done on a live server (it is off on this machine): hint bits,
    // visibility map, statistics.
    await client.query('VACUUM (ANALYZE) archived_messages');
  } finally {
    await client.end();
  }
}

/** Flushes dirty pages: each timed run then pays for the full-page writes of old data. */
export async function checkpoint(): Promise<void> {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    await client.query('CHECKPOINT');
  } finally {
    await client.end();
  }
}

export async function tableFacts(
  archiveUrl: string,
  subject: string,
): Promise<{ rows: number; subjectRows: number; heldByOthers: number; bytes: number }> {
  const client = new pg.Client({ connectionString: archiveUrl });
  await client.connect();
  try {
    const { rows } = await client.query<{
      rows: number;
      subject_rows: number;
      held: number;
      bytes: string;
    }>(
      `SELECT (SELECT count(*)::int FROM archived_messages) AS rows,
              (SELECT count(*)::int FROM archived_messages WHERE owner_jid = $1) AS subject_rows,
              (SELECT count(*)::int FROM archived_messages
                WHERE with_jid = $1 AND owner_jid <> $1) AS held,
              pg_total_relation_size('archived_messages') AS bytes`,
      [subject],
    );
    const [facts] = rows;
    if (facts === undefined) {
      throw new Error('no facts');
    }
    return {
      rows: facts.rows,
      subjectRows: facts.subject_rows,
      heldByOthers: facts.held,
      bytes: Number(facts.bytes),
    };
  } finally {
    await client.end();
  }
}
