import { IPersistence, IPersistenceRead } from '@rocket.chat/apps-engine/definition/accessors';

import { AttemptMark, BucketView, DoneMark, OutboxEvent, OutboxRecord } from '../../core/history/types';
import { randomChars } from '../ids';
import { RecordStore } from './RecordStore';

const BUCKET_TAG = 'bucket';

/**
 * The chat-history outbox: one record per message event, plus done and attempt marks, each filed
 * under a bucket (the minute the event was recorded in). Records are only ever added; a bucket is
 * removed as a whole once it is closed and delivered (see core/history/outbox.ts).
 */
export class OutboxRepository {
	private readonly store = new RecordStore<OutboxRecord>('history-outbox');

	/** Records one event (one call: the handler's whole cost). */
	add(persis: IPersistence, event: OutboxEvent): Promise<void> {
		return this.store.insert(persis, event.key, event, { [BUCKET_TAG]: String(event.bucket) });
	}

	/** Records a done or attempt mark under its bucket. */
	mark(persis: IPersistence, mark: DoneMark | AttemptMark): Promise<void> {
		const id = `${mark.type}.${mark.bucket}.${mark.at}.${randomChars()}`;
		return this.store.insert(persis, id, mark, { [BUCKET_TAG]: String(mark.bucket) });
	}

	async readBucket(read: IPersistenceRead, bucket: number): Promise<BucketView> {
		return { bucket, records: await this.store.listByTag(read, BUCKET_TAG, String(bucket)) };
	}

	/** Removes a bucket's events and marks in one call; only for closed buckets whose events are all done. */
	removeBucket(persis: IPersistence, bucket: number): Promise<void> {
		return this.store.removeByTag(persis, BUCKET_TAG, String(bucket));
	}

	/** The oldest bucket holding a record (reads the whole outbox: only when the read cursor is missing). */
	async oldestBucket(read: IPersistenceRead): Promise<number | undefined> {
		let oldest: number | undefined;
		for (const r of await this.store.list(read)) if (oldest === undefined || r.bucket < oldest) oldest = r.bucket;
		return oldest;
	}
}
