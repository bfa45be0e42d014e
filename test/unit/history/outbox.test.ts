import { expect } from 'chai';

import {
	advanceCursor,
	BUCKET_MS,
	bucketOf,
	CLOSE_MARGIN_MS,
	collectableBuckets,
	compareEvents,
	deadLetterId,
	doneMarks,
	entriesToSend,
	eventKey,
	exhausted,
	isClosed,
	isRecordableRoomType,
	MessageFacts,
	nextStep,
	requeue,
	SETTLE_MS,
	summarize,
	toOutboxEvent,
} from '../../../core/history/outbox';
import { AttemptMark, BucketView, DoneMark, OutboxEvent } from '../../../core/history/types';

const T0 = 1_700_000_000_000;

function facts(extra: Partial<MessageFacts> = {}): MessageFacts {
	return {
		kind: 'created',
		messageId: 'm1',
		roomId: 'r1',
		roomName: 'Youth',
		roomType: 'p',
		userId: 'u1',
		username: 'jane',
		text: 'hello',
		createdAt: T0,
		...extra,
	};
}

function ev(key: string, at: number, bucket = bucketOf(at), userId = 'u1'): OutboxEvent {
	return {
		type: 'event',
		key,
		at,
		bucket,
		entry: {
			id: key,
			roomId: 'r1',
			roomName: 'Youth',
			userId,
			username: 'jane',
			text: key,
			ts: new Date(at).toISOString(),
			event: 'created',
		},
	};
}

const done = (bucket: number, keys: string[]): DoneMark => ({ type: 'done', bucket, keys, at: T0, reason: 'acked' });
const attempt = (bucket: number, keys: string[]): AttemptMark => ({ type: 'attempt', bucket, keys, at: T0, error: 'HTTP 500' });

describe('chat history outbox: recording', () => {
	it('records public and private rooms, never direct messages, livechat or system messages', () => {
		expect(['c', 'p', 'd', 'l', undefined].map(isRecordableRoomType)).to.deep.equal([true, true, false, false, false]);
		expect(toOutboxEvent(facts({ roomType: 'd' }), T0)).to.equal(undefined);
		expect(toOutboxEvent(facts({ systemType: 'uj' }), T0)).to.equal(undefined);
		expect(toOutboxEvent(facts({ messageId: '' }), T0)).to.equal(undefined);
	});

	it('keeps the contract fields and adds the event kind; the bucket is the minute it was recorded in', () => {
		const e = toOutboxEvent(facts(), T0 + 1500) as OutboxEvent;
		expect(e.entry).to.deep.equal({
			id: 'm1',
			roomId: 'r1',
			roomName: 'Youth',
			userId: 'u1',
			username: 'jane',
			text: 'hello',
			ts: new Date(T0).toISOString(),
			event: 'created',
		});
		expect(e.at).to.equal(T0);
		expect(e.bucket).to.equal(bucketOf(T0 + 1500));
		expect(e.key).to.equal('m1.created');
	});

	it('gives edits the edit time and new text, and deletions the deletion time and no text', () => {
		const edit = toOutboxEvent(facts({ kind: 'edited', text: 'hello!', editedAt: T0 + 5000 }), T0 + 5100) as OutboxEvent;
		expect(edit.entry).to.include({ event: 'edited', text: 'hello!', ts: new Date(T0 + 5000).toISOString() });
		expect(edit.key).to.equal(eventKey('m1', 'edited', T0 + 5000));
		const del = toOutboxEvent(facts({ kind: 'deleted' }), T0 + 9000) as OutboxEvent;
		expect(del.entry).to.include({ event: 'deleted', text: '', ts: new Date(T0 + 9000).toISOString() });
		expect(new Set([eventKey('m1', 'created', T0), edit.key, del.key]).size).to.equal(3);
	});

	it('adds the externalId when sending, only for people the map knows', () => {
		const batch = [ev('a', T0, undefined, 'u1'), ev('b', T0, undefined, 'u2')];
		const sent = entriesToSend(batch, new Map([['u1', 'ext-1']]));
		expect(sent[0].externalId).to.equal('ext-1');
		expect(sent[1]).to.not.have.property('externalId');
		expect(batch[0].entry).to.not.have.property('externalId');
	});
});

describe('chat history outbox: order and batches', () => {
	it('orders by event time, then key', () => {
		const list = [ev('b', T0 + 1), ev('c', T0), ev('a', T0 + 1)].sort(compareEvents);
		expect(list.map((e) => e.key)).to.deep.equal(['c', 'a', 'b']);
	});

	it('summarizes: done events leave, twins count once, attempts are counted per event', () => {
		const b = bucketOf(T0);
		const s = summarize([
			ev('a', T0),
			ev('b', T0 + 1),
			ev('b', T0 + 1),
			ev('c', T0 + 2),
			done(b, ['a']),
			attempt(b, ['b', 'c']),
			attempt(b, ['b']),
		]);
		expect(s.pending.map((e) => e.key)).to.deep.equal(['b', 'c']);
		expect(s.attempts.get('b')).to.equal(2);
		expect(s.attempts.get('c')).to.equal(1);
	});

	it('sends the oldest settled events, up to the batch size', () => {
		const now = T0 + 10_000;
		const s = summarize([ev('a', T0), ev('b', T0 + 1), ev('c', T0 + 2), ev('late', now - 100)]);
		const step = nextStep(s, 0, now, { batchSize: 2, maxAttempts: 3 });
		expect(step).to.deep.include({ kind: 'send', attempt: 1 });
		expect(step.kind === 'send' && step.batch.map((e) => e.key)).to.deep.equal(['a', 'b']);
		const rest = nextStep(summarize([ev('late', now - 100)]), 0, now, { batchSize: 2, maxAttempts: 3 });
		expect(rest).to.deep.equal({ kind: 'wait', until: now - 100 + SETTLE_MS, reason: 'settling' });
		expect(nextStep(summarize([]), 0, now, { batchSize: 2, maxAttempts: 3 })).to.deep.equal({ kind: 'idle' });
	});

	it('waits for the backoff without sending anything behind the failed batch', () => {
		const s = summarize([ev('a', T0), ev('b', T0 + 1), attempt(bucketOf(T0), ['a'])]);
		expect(nextStep(s, T0 + 20_000, T0 + 10_000, { batchSize: 10, maxAttempts: 3 })).to.deep.equal({
			kind: 'wait',
			until: T0 + 20_000,
			reason: 'backoff',
		});
		const after = nextStep(s, T0 + 20_000, T0 + 20_000, { batchSize: 10, maxAttempts: 3 });
		expect(after.kind === 'send' && after.attempt).to.equal(2);
	});

	it('sets aside the events that used up their attempts, and only those, even during a backoff', () => {
		const b = bucketOf(T0);
		const s = summarize([ev('a', T0), ev('b', T0 + 1), ev('c', T0 + 2), attempt(b, ['a', 'b']), attempt(b, ['a', 'b'])]);
		const step = nextStep(s, T0 + 99_000, T0 + 10_000, { batchSize: 10, maxAttempts: 2 });
		expect(step.kind).to.equal('dead');
		expect(step.kind === 'dead' && step.batch.map((e) => e.key)).to.deep.equal(['a', 'b']);
		expect(exhausted(s.pending, s.attempts, 2).map((e) => e.key)).to.deep.equal(['a', 'b']);
		// A lower limit set later applies at once.
		expect(nextStep(summarize([ev('a', T0), attempt(b, ['a'])]), 0, T0 + 10_000, { batchSize: 10, maxAttempts: 1 }).kind).to.equal(
			'dead',
		);
	});

	it('writes one done mark per bucket of a batch', () => {
		const batch = [ev('a', T0, 10), ev('b', T0, 10), ev('c', T0, 11)];
		expect(doneMarks(batch, T0, 'acked').map((m) => [m.bucket, m.keys])).to.deep.equal([
			[10, ['a', 'b']],
			[11, ['c']],
		]);
	});
});

describe('chat history outbox: removing delivered buckets', () => {
	const b = 1000;
	const closedAt = (b + 1) * BUCKET_MS + CLOSE_MARGIN_MS;
	const view = (bucket: number, ...records: BucketView['records']): BucketView => ({ bucket, records });

	it('closes a bucket once no recording can still land in it', () => {
		expect(isClosed(b, closedAt - 1)).to.equal(false);
		expect(isClosed(b, closedAt)).to.equal(true);
	});

	it('removes only closed buckets whose events are all done', () => {
		const views = [
			view(b, ev('a', 0, b), done(b, ['a'])),
			view(b + 1, ev('b', 0, b + 1), ev('c', 0, b + 1), done(b + 1, ['b'])),
			view(b + 2),
			view(b + 3, ev('d', 0, b + 3), done(b + 3, ['d'])),
		];
		const now = (b + 3) * BUCKET_MS + CLOSE_MARGIN_MS; // b+3 still open
		expect(collectableBuckets(views, now)).to.deep.equal([b, b + 2]);
		// Marks written during the run count too.
		expect(collectableBuckets(views, now, new Set(['c']))).to.deep.equal([b, b + 1, b + 2]);
	});

	it('moves the cursor past removed buckets only, never past one that was not read', () => {
		const views = [view(b), view(b + 1), view(b + 2)];
		expect(advanceCursor(b, views, [b, b + 1, b + 2])).to.equal(b + 3);
		expect(advanceCursor(b, views, [b, b + 2])).to.equal(b + 1);
		expect(advanceCursor(b, [view(b)], [b, b + 1])).to.equal(b + 1);
	});
});

describe('chat history outbox: dead letters', () => {
	it('names a dead letter after its batch, the same on every instance', () => {
		const batch = [ev('a', T0), ev('b', T0)];
		expect(deadLetterId(batch)).to.equal(deadLetterId([...batch]));
		expect(deadLetterId(batch)).to.not.equal(deadLetterId(batch.slice(0, 1)));
	});

	it('puts dead events back with new keys, their times, and the current bucket', () => {
		const now = T0 + 3_600_000;
		const back = requeue([ev('a', T0), ev('b', T0 + 1)], now);
		expect(back.map((e) => e.at)).to.deep.equal([T0, T0 + 1]);
		expect(back.every((e) => e.bucket === bucketOf(now))).to.equal(true);
		expect(back.map((e) => e.key)).to.deep.equal([`a~r${now}`, `b~r${now}`]);
		// Requeued again later: one suffix, not a growing chain.
		expect(requeue(back, now + 5)[0].key).to.equal(`a~r${now + 5}`);
		expect(back[0].entry.id).to.equal('a');
	});
});
