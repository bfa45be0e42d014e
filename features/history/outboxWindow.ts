import { IPersistenceRead } from '@rocket.chat/apps-engine/definition/accessors';

import { BUCKET_MS, bucketOf, CLOSE_MARGIN_MS, summarize } from '../../core/history/outbox';
import { BucketView } from '../../core/history/types';
import { OutboxRepository } from '../../adapters/persistence/OutboxRepository';
import { DeliveryStateRepository } from '../../adapters/persistence/DeliveryStateRepository';

/** Buckets read at once. */
const PARALLEL_READS = 16;

export interface OutboxWindow {
	/** The first bucket that may hold records. */
	cursor: number;
	/** Whether the cursor was stored (false: computed, to be stored by the next delivery run). */
	cursorStored: boolean;
	/** The buckets read, in order from the cursor. */
	views: BucketView[];
	/** True when buckets after the last one read were left unread. */
	truncated: boolean;
}

/**
 * Reads the outbox from the cursor on, bucket by bucket (16 at a time), until `need` pending
 * events are known, `maxBuckets` were read, or the current minute is reached. Bounded, so a run
 * stays inside its budget whatever the backlog; what is left is read by the next run.
 */
export async function readOutboxWindow(read: IPersistenceRead, now: number, need: number, maxBuckets: number): Promise<OutboxWindow> {
	const outbox = new OutboxRepository();
	const state = new DeliveryStateRepository();
	const current = bucketOf(now);
	const stored = await state.cursor(read);
	// No cursor yet (first run, or lost): start at the oldest record, and never later than the
	// buckets a recording may still land in.
	const cursor = stored ?? Math.min((await outbox.oldestBucket(read)) ?? current, current - Math.ceil(CLOSE_MARGIN_MS / BUCKET_MS) - 1);
	const last = Math.min(current, cursor + maxBuckets - 1);
	const views: BucketView[] = [];
	let next = cursor;
	while (next <= last) {
		const chunk: number[] = [];
		for (let b = next; b <= last && chunk.length < PARALLEL_READS; b++) chunk.push(b);
		views.push(...(await Promise.all(chunk.map((b) => outbox.readBucket(read, b)))));
		next += chunk.length;
		if (next <= last && summarize(views.flatMap((v) => v.records)).pending.length >= need) break;
	}
	return { cursor, cursorStored: stored !== undefined, views, truncated: next <= current };
}
