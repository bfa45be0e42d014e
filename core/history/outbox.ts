/**
 * The outbox's decisions, pure: which messages are recorded, how records are keyed and ordered,
 * which records form the next batch, when a batch is set aside, and which buckets can be removed.
 *
 * Storage model (see adapters/persistence/OutboxRepository.ts). Apps persistence has no atomic
 * operation, no query and no sort, so the outbox is built from records that are only ever added:
 * - one `OutboxEvent` per message event, filed under the bucket (minute) it was recorded in;
 * - one `DoneMark` per delivered (or dead-lettered) batch and bucket, listing the event keys;
 * - one `AttemptMark` per failed attempt and bucket.
 * An event is pending while no done mark lists it. A bucket is removed in one call once it is closed
 * (no recording can still land in it) and every event in it is done. Two instances may deliver at
 * once: each acknowledges exactly the keys it sent, and nothing is removed that is not done, so a
 * race costs a duplicate delivery, never a lost message.
 */
import { BucketView, DoneMark, HistoryEntry, HistoryEventKind, OutboxEvent, OutboxRecord } from './types';

/** Records are filed by the minute they were recorded in. */
export const BUCKET_MS = 60_000;
/**
 * A bucket is closed this long after its minute ends: longer than a listener call may take (the
 * engine bounds calls to 30 s) plus clock drift between instances, so no record can still land in it.
 */
export const CLOSE_MARGIN_MS = 120_000;
/**
 * Events younger than this are not sent yet, so a listener that finished a little late (they run
 * fire-and-forget) still gets its event in before later events of the room are sent.
 */
export const SETTLE_MS = 2_000;

export function bucketOf(ms: number): number {
	return Math.floor(ms / BUCKET_MS);
}

export function isClosed(bucket: number, now: number): boolean {
	return (bucket + 1) * BUCKET_MS + CLOSE_MARGIN_MS <= now;
}

/** Room types whose messages may be recorded: public channels and private groups, never direct messages or livechat. */
export function isRecordableRoomType(type: string | undefined): boolean {
	return type === 'c' || type === 'p';
}

/** A message event as the shell sees it, in plain data. */
export interface MessageFacts {
	kind: HistoryEventKind;
	messageId: string;
	roomId: string;
	roomName: string;
	roomType: string | undefined;
	userId: string;
	username: string;
	text: string;
	/** ms epoch */
	createdAt: number;
	/** ms epoch; for edits */
	editedAt?: number;
	/** System messages (joins, topic changes...) carry a type; they are not chat. */
	systemType?: string;
}

/** The key of an event record: unique per event, stable across instances (no counter). */
export function eventKey(messageId: string, kind: HistoryEventKind, at: number): string {
	return kind === 'created' ? `${messageId}.created` : `${messageId}.${kind}.${at}`;
}

/** The outbox record of a message event, or undefined when the event is not recorded. */
export function toOutboxEvent(facts: MessageFacts, now: number): OutboxEvent | undefined {
	if (!isRecordableRoomType(facts.roomType) || facts.systemType) return undefined;
	if (!facts.messageId || !facts.roomId) return undefined;
	const at = facts.kind === 'created' ? facts.createdAt : facts.kind === 'edited' ? (facts.editedAt ?? now) : now;
	if (!Number.isFinite(at)) return undefined;
	const entry: HistoryEntry = {
		id: facts.messageId,
		roomId: facts.roomId,
		roomName: facts.roomName,
		userId: facts.userId,
		username: facts.username,
		text: facts.kind === 'deleted' ? '' : facts.text,
		ts: new Date(at).toISOString(),
		event: facts.kind,
	};
	return { type: 'event', key: eventKey(facts.messageId, facts.kind, at), at, bucket: bucketOf(now), entry };
}

/**
 * The entries of a batch as sent: each with its author's externalId when the people map knows them
 * (looked up at delivery, once per person and run).
 */
export function entriesToSend(batch: ReadonlyArray<OutboxEvent>, externalIds: ReadonlyMap<string, string | undefined>): HistoryEntry[] {
	return batch.map((e) => {
		const externalId = externalIds.get(e.entry.userId);
		return externalId ? { ...e.entry, externalId } : e.entry;
	});
}

/** The outbox order: event time, then key (unique, and the same on every instance). */
export function compareEvents(a: Pick<OutboxEvent, 'at' | 'key'>, b: Pick<OutboxEvent, 'at' | 'key'>): number {
	if (a.at !== b.at) return a.at - b.at;
	return a.key < b.key ? -1 : a.key > b.key ? 1 : 0;
}

/** What the outbox holds: the pending events in order, and the failed attempts of each. */
export interface OutboxState {
	/** Not yet done, one per key, in outbox order. */
	pending: OutboxEvent[];
	/** Failed attempts per event key. */
	attempts: Map<string, number>;
}

export function summarize(records: Iterable<OutboxRecord>): OutboxState {
	const done = new Set<string>();
	const attempts = new Map<string, number>();
	const events = new Map<string, OutboxEvent>();
	for (const r of records) {
		if (r.type === 'done') for (const k of r.keys) done.add(k);
		else if (r.type === 'attempt') for (const k of r.keys) attempts.set(k, (attempts.get(k) ?? 0) + 1);
		else if (!events.has(r.key)) events.set(r.key, r);
	}
	const pending = [...events.values()].filter((e) => !done.has(e.key)).sort(compareEvents);
	return { pending, attempts };
}

export interface PlanOptions {
	batchSize: number;
	maxAttempts: number;
	settleMs?: number;
}

export type Step =
	| { kind: 'idle' }
	| { kind: 'wait'; until: number; reason: 'settling' | 'backoff' }
	| { kind: 'send'; batch: OutboxEvent[]; attempt: number }
	| { kind: 'dead'; batch: OutboxEvent[]; attempts: number };

/**
 * The next thing to do. Delivery is one queue in outbox order, so every room's events go out in
 * order: the next batch is the oldest `batchSize` settled events; while it waits for its backoff,
 * nothing behind it is sent. Events that used up their attempts are set aside first.
 *
 * @param retryAt no delivery before this time (the backoff after the last failure).
 */
export function nextStep(state: OutboxState, retryAt: number, now: number, options: PlanOptions): Step {
	const { pending, attempts } = state;
	if (pending.length === 0) return { kind: 'idle' };
	const settle = options.settleMs ?? SETTLE_MS;
	const cutoff = now - settle;
	let settled = pending.findIndex((e) => e.at > cutoff);
	if (settled < 0) settled = pending.length;
	if (settled === 0) return { kind: 'wait', until: pending[0].at + settle, reason: 'settling' };
	const batch = pending.slice(0, Math.min(settled, Math.max(1, options.batchSize)));
	const tries = (e: OutboxEvent) => attempts.get(e.key) ?? 0;
	const spent = exhausted(batch, attempts, options.maxAttempts);
	if (spent.length > 0) return { kind: 'dead', batch: spent, attempts: Math.max(...spent.map(tries)) };
	if (retryAt > now) return { kind: 'wait', until: retryAt, reason: 'backoff' };
	return { kind: 'send', batch, attempt: 1 + Math.max(...batch.map(tries)) };
}

/** The events of `batch` that used up their attempts (counted after the last failure). */
export function exhausted(batch: ReadonlyArray<OutboxEvent>, attempts: ReadonlyMap<string, number>, maxAttempts: number): OutboxEvent[] {
	return batch.filter((e) => (attempts.get(e.key) ?? 0) >= maxAttempts);
}

/** The keys of `events` by bucket: one mark per bucket, so removing a bucket removes its marks too. */
export function keysByBucket(events: ReadonlyArray<OutboxEvent>): Map<number, string[]> {
	const out = new Map<number, string[]>();
	for (const e of events) {
		const keys = out.get(e.bucket);
		if (keys) keys.push(e.key);
		else out.set(e.bucket, [e.key]);
	}
	return out;
}

/** The done marks that acknowledge (or set aside) `events`. */
export function doneMarks(events: ReadonlyArray<OutboxEvent>, at: number, reason: DoneMark['reason']): DoneMark[] {
	return [...keysByBucket(events)].map(([bucket, keys]) => ({ type: 'done', bucket, keys, at, reason }));
}

/**
 * Buckets that can be removed: closed, and every event in them done (or no record at all).
 * `readAt` must be a time taken before the buckets were read: a bucket closed by then cannot have
 * taken a record since. `extraDone` are keys known done since the buckets were read (marks this run wrote).
 */
export function collectableBuckets(views: ReadonlyArray<BucketView>, readAt: number, extraDone: ReadonlySet<string> = new Set()): number[] {
	const out: number[] = [];
	for (const v of views) {
		if (!isClosed(v.bucket, readAt)) continue;
		const done = new Set(extraDone);
		for (const r of v.records) if (r.type === 'done') for (const k of r.keys) done.add(k);
		if (v.records.every((r) => r.type !== 'event' || done.has(r.key))) out.push(v.bucket);
	}
	return out;
}

/**
 * Where the next run starts reading: the first bucket, from `cursor` on, that was read and is
 * not removed. Only buckets that were read can be skipped, so the cursor never passes a record.
 */
export function advanceCursor(cursor: number, views: ReadonlyArray<BucketView>, removed: ReadonlyArray<number>): number {
	const gone = new Set(removed);
	const read = new Map(views.map((v) => [v.bucket, v]));
	let c = cursor;
	for (;;) {
		const v = read.get(c);
		if (!v) return c;
		if (!gone.has(c)) return c;
		c++;
	}
}

/**
 * Whether an idle run also looks for records behind the cursor (a full read of the outbox): during
 * one minute in five, so the safety net costs little.
 */
export function isSweepTime(now: number): boolean {
	return bucketOf(now) % 5 === 0;
}

/** The id of the dead letter holding `batch`: the same on every instance that sets the batch aside. */
export function deadLetterId(batch: ReadonlyArray<OutboxEvent>): string {
	return `dl.${batch[0]?.key ?? 'empty'}.${batch.length}`;
}

/**
 * The events of a dead letter put back into the outbox: same entries and times (so they go out
 * first, in order), new keys (attempts and done marks of the old ones do not apply), filed under the
 * bucket of `now`.
 */
export function requeue(events: ReadonlyArray<OutboxEvent>, now: number): OutboxEvent[] {
	return events.map((e) => ({ ...e, key: `${e.key.replace(/~r\d+$/, '')}~r${now}`, bucket: bucketOf(now) }));
}
