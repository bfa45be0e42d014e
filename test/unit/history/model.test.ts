/**
 * A model of the outbox protocol: recorders and two delivery runs interleaved step by step over a
 * store that offers only what Apps persistence offers (insert, read by bucket, remove by bucket; no
 * atomic operation). Each persistence call or delivery is one step; fast-check picks the order, the
 * clock, and what the receiver does. The protocol's pure decisions are the real ones (core/history);
 * the runs follow features/history/delivery.ts (sweep included) without its lease, so they
 * really overlap.
 */
import { expect } from 'chai';
import fc from 'fast-check';

import {
	advanceCursor,
	BUCKET_MS,
	bucketOf,
	CLOSE_MARGIN_MS,
	collectableBuckets,
	doneMarks,
	isSweepTime,
	keysByBucket,
	nextStep,
	summarize,
} from '../../../core/history/outbox';
import { BucketView, OutboxEvent, OutboxRecord } from '../../../core/history/types';

const T0 = 1_700_000_040_000;
const BATCH = 3;

type Reply = 'ok' | 'fail' | 'ack-lost';

class World {
	now = T0;
	records: OutboxRecord[] = [];
	cursor: number | undefined;
	received: string[] = [];
	recorded = new Set<string>();
	violations: string[] = [];
	replies: Reply[];
	private replyIndex = 0;

	constructor(replies: Reply[]) {
		this.replies = replies;
	}

	reply(): Reply {
		const r = this.replies.length ? this.replies[this.replyIndex % this.replies.length] : 'ok';
		this.replyIndex++;
		return r;
	}

	readBucket(bucket: number): BucketView {
		return { bucket, records: this.records.filter((r) => r.bucket === bucket).map((r) => structuredClone(r)) };
	}

	removeBucket(bucket: number): void {
		const { pending } = summarize(this.records.filter((r) => r.bucket === bucket));
		if (pending.length > 0) this.violations.push(`bucket ${bucket} removed with ${pending.length} undelivered`);
		this.records = this.records.filter((r) => r.bucket !== bucket);
	}

	/** No record may sit behind the stored cursor: it would never be read. */
	check(): void {
		if (this.cursor === undefined) return;
		const behind = this.records.filter((r) => r.bucket < (this.cursor as number) && r.type === 'event');
		if (behind.length > 0) this.violations.push(`records behind the cursor ${this.cursor}`);
	}
}

/** One recording: the bucket is taken when the listener starts, the write lands later. */
function* recorder(w: World, id: string): Generator<void, void> {
	const at = w.now;
	const bucket = bucketOf(w.now);
	yield;
	const event: OutboxEvent = {
		type: 'event',
		key: `${id}.created`,
		at,
		bucket,
		entry: { id, roomId: 'r', roomName: 'r', userId: 'u', username: 'u', text: id, ts: new Date(at).toISOString(), event: 'created' },
	};
	w.records.push(event);
	w.recorded.add(event.key);
}

/** One delivery run, a persistence call or a delivery per step. */
function* delivery(w: World, maxBatches: number): Generator<void, void> {
	const readAt = w.now;
	const current = bucketOf(readAt);
	const stored = w.cursor;
	yield;
	let cursor = stored;
	if (cursor === undefined) {
		const oldest = w.records.length ? Math.min(...w.records.map((r) => r.bucket)) : current;
		cursor = Math.min(oldest, current - Math.ceil(CLOSE_MARGIN_MS / BUCKET_MS) - 1);
		yield;
	}
	const views: BucketView[] = [];
	for (let b = cursor; b <= current; b++) {
		views.push(w.readBucket(b));
		yield;
	}
	const state = summarize(views.flatMap((v) => v.records));
	const doneNow = new Set<string>();
	let sent = 0;
	for (let n = 0; n < maxBatches; n++) {
		const step = nextStep(state, 0, w.now, { batchSize: BATCH, maxAttempts: 1000, settleMs: 0 });
		if (step.kind !== 'send') break;
		sent++;
		const reply = w.reply();
		if (reply !== 'fail') w.received.push(...step.batch.map((e) => e.key));
		yield;
		const now = w.now;
		if (reply === 'ok') {
			w.records.push(...doneMarks(step.batch, now, 'acked'));
			for (const e of step.batch) doneNow.add(e.key);
			const gone = new Set(step.batch.map((e) => e.key));
			state.pending = state.pending.filter((e) => !gone.has(e.key));
			yield;
			continue;
		}
		for (const [bucket, keys] of keysByBucket(step.batch)) w.records.push({ type: 'attempt', bucket, keys, at: now, error: 'x' });
		yield;
		break;
	}
	const removable = collectableBuckets(views, readAt, doneNow);
	for (const b of removable) {
		if (views.find((v) => v.bucket === b)?.records.length) {
			w.removeBucket(b);
			yield;
		}
	}
	let next = advanceCursor(cursor, views, removable);
	// The processor's safety net when idle: back to the oldest record (a late recording, or a mark
	// an overlapping run wrote into a bucket that was already removed).
	if (sent === 0 && isSweepTime(w.now)) {
		const oldest = w.records.length ? Math.min(...w.records.map((r) => r.bucket)) : undefined;
		yield;
		if (oldest !== undefined && oldest < next) next = oldest;
	}
	w.cursor = next;
}

type Action = { kind: 'record' } | { kind: 'deliver' } | { kind: 'step'; which: number } | { kind: 'tick'; ms: number };

const actionArb: fc.Arbitrary<Action> = fc.oneof(
	{ weight: 4, arbitrary: fc.constant<Action>({ kind: 'record' }) },
	{ weight: 1, arbitrary: fc.constant<Action>({ kind: 'deliver' }) },
	{ weight: 8, arbitrary: fc.nat(7).map<Action>((which) => ({ kind: 'step', which })) },
	{ weight: 2, arbitrary: fc.integer({ min: 0, max: 90_000 }).map<Action>((ms) => ({ kind: 'tick', ms })) },
);

describe('chat history outbox: protocol model with overlapping runs', () => {
	it('never loses a recorded message, never removes an undelivered one, never strands one behind the cursor', () => {
		fc.assert(
			fc.property(
				fc.array(actionArb, { minLength: 20, maxLength: 400, size: 'large' }),
				fc.array(fc.constantFrom<Reply>('ok', 'ok', 'fail', 'ack-lost'), { maxLength: 12 }),
				(actions, replies) => {
					const w = new World(replies);
					const running: Array<{ gen: Generator<void, void>; recording?: number }> = [];
					let n = 0;
					const advance = (i: number) => {
						const task = running[i];
						if (task.gen.next().done) running.splice(i, 1);
						w.check();
					};
					for (const a of actions) {
						if (a.kind === 'record') {
							const gen = recorder(w, `m${n++}`);
							gen.next();
							running.push({ gen, recording: bucketOf(w.now) });
						} else if (a.kind === 'deliver') {
							const gen = delivery(w, 2);
							running.push({ gen });
						} else if (a.kind === 'step' && running.length > 0) {
							advance(a.which % running.length);
						} else if (a.kind === 'tick') {
							// The model's one assumption: a recording lands before its bucket closes
							// (the engine bounds listener calls to 30 s; buckets close 2 minutes after their minute).
							const open = running.filter((t) => t.recording !== undefined).map((t) => t.recording as number);
							const limit = open.length ? Math.min(...open.map((b) => (b + 1) * BUCKET_MS + CLOSE_MARGIN_MS - 1)) : Infinity;
							w.now = Math.min(w.now + a.ms, Math.max(w.now, limit));
						}
					}
					// Let everything in flight finish, then deliver with a healthy receiver, time moving on.
					while (running.length > 0) advance(0);
					w.replies = [];
					for (let i = 0; i < 200 && (summarize(w.records).pending.length > 0 || w.records.length > 0); i++) {
						w.now += 60_000;
						const gen = delivery(w, 1000);
						while (!gen.next().done) w.check();
					}
					expect(w.violations).to.deep.equal([]);
					const got = new Set(w.received);
					const missing = [...w.recorded].filter((k) => !got.has(k));
					expect(missing, 'lost').to.deep.equal([]);
					expect(w.records, 'the outbox empties once its buckets close').to.deep.equal([]);
				},
			),
			{ numRuns: 300 },
		);
	});
});
