import type { RedisClient } from './redis-client.ts';

/** A stream entry id `<ms>-<seq>`, as two numbers. */
type EntryId = readonly [number, number];

function parseId(id: string): EntryId {
  const dash = id.indexOf('-');
  return dash < 0 ? [Number(id), 0] : [Number(id.slice(0, dash)), Number(id.slice(dash + 1))];
}

function before(a: EntryId, b: EntryId): boolean {
  return a[0] < b[0] || (a[0] === b[0] && a[1] < b[1]);
}

/** The least id that can follow `id`. */
function after([ms, seq]: EntryId): EntryId {
  return [ms, seq + 1];
}

function latest(a: EntryId, b: EntryId): EntryId {
  return before(a, b) ? b : a;
}

/**
 * Tells whether an event stream lost an entry its reader had not read yet, from one
 * XINFO STREAM per check. BullMQ trims the stream from its oldest end (XADD MAXLEN ~):
 * every entry older than the first one kept is gone, and entries XDEL removed are at
 * most `max-deleted-entry-id` (Redis 7). A reader that lags behind the trimming, a
 * stream deleted or started over (Redis restarted without it: its newest id is older
 * than what was read) all show here. What a full re-check of every job has covered
 * (the gone entries as of its start) does not count again.
 */
export class StreamWatch {
  readonly #client: RedisClient;
  readonly #key: string;
  /** Every entry before this id that is gone was gone before a full re-check started. */
  #covered: EntryId = [0, 0];
  /** What the last check saw gone: all entries before it. */
  #goneBefore: EntryId = [0, 0];

  constructor(client: RedisClient, key: string) {
    this.#client = client;
    this.#key = key;
  }

  /** Whether an entry after `lastRead` may be gone unread, past what a re-check covered. */
  async lostUnread(lastRead: string): Promise<boolean> {
    let info: unknown[];
    try {
      info = (await this.#client.xinfo('STREAM', this.#key)) as unknown[];
    } catch (error) {
      // No stream at all: whatever it carried is gone.
      if (/no such key/i.test((error as Error).message)) return true;
      throw error;
    }
    const field = (name: string): unknown => {
      const at = info.indexOf(name);
      return at < 0 || at % 2 === 1 ? undefined : info[at + 1];
    };
    const last = field('last-generated-id');
    if (typeof last !== 'string') return true;
    const read = parseId(lastRead);
    const lastGenerated = parseId(last);
    if (before(lastGenerated, read)) return true;
    // Redis 7 counts the entries ever added: none deleted, none lost (a young stream
    // whose first entry the reader has not reached yet is not a gap).
    const added = field('entries-added');
    if (typeof added === 'number' && added === field('length')) return false;
    const first = field('first-entry');
    const firstId =
      Array.isArray(first) && typeof first[0] === 'string' ? parseId(first[0]) : undefined;
    const maxDeleted = field('max-deleted-entry-id');
    // Every entry before the first one kept is gone (all of them when the stream is empty).
    let gone = firstId ?? after(lastGenerated);
    if (typeof maxDeleted === 'string') gone = latest(gone, after(parseId(maxDeleted)));
    this.#goneBefore = gone;
    return before(latest(after(read), this.#covered), gone);
  }

  /** A full re-check starts: what the last check saw gone is covered by it. */
  coverGone(): void {
    this.#covered = latest(this.#covered, this.#goneBefore);
  }
}
