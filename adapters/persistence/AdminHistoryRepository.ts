import { IPersistence, IPersistenceRead } from '@rocket.chat/apps-engine/definition/accessors';

import { RecordStore } from './RecordStore';
import { OpCounts } from './SyncStateRepository';

/** One sync run, as the report charts it. */
export interface RunSample {
	at: number;
	durationMs: number;
	trigger: string;
	outcome: string;
	/** Writes applied by the run, by kind, and operations that failed. */
	applied: OpCounts;
	failed: number;
	conflicts: number;
}

/** The chat-history outbox at one moment. */
export interface OutboxSample {
	at: number;
	depth: number;
	depthIsLowerBound: boolean;
	deadBatches: number;
}

/** Runs kept for the report (its charts show the last 50). */
export const MAX_RUN_SAMPLES = 50;
/** Outbox samples kept: a day at one sample every 15 minutes. */
export const MAX_OUTBOX_SAMPLES = 96;
/** Records beyond the bound before a prune: pruning once per few inserts keeps the cost low. */
const PRUNE_SLACK = 10;

/**
 * Small bounded records of the recent past, for the report page: one record per sync run and one per
 * outbox sample, each its own record (no array read-modify-written by two instances), pruned to the
 * newest ones.
 */
class BoundedSeries<T extends { at: number }> {
	private readonly store: RecordStore<T>;

	constructor(
		aggregate: string,
		private readonly max: number,
	) {
		this.store = new RecordStore<T>(aggregate);
	}

	async add(read: IPersistenceRead, persis: IPersistence, sample: T): Promise<void> {
		const id = `${sample.at.toString(36)}.${Math.random().toString(36).slice(2, 10)}`;
		await this.store.insert(persis, id, { ...sample, id });
		const all = (await this.store.list(read)) as Array<T & { id?: string }>;
		if (all.length <= this.max + PRUNE_SLACK) return;
		all.sort((a, b) => b.at - a.at);
		for (const old of all.slice(this.max)) if (old.id) await this.store.remove(persis, old.id);
	}

	/** Oldest first, at most `max`. */
	async list(read: IPersistenceRead): Promise<T[]> {
		const all = await this.store.list(read);
		return all.sort((a, b) => a.at - b.at).slice(-this.max);
	}
}

export class RunSampleRepository extends BoundedSeries<RunSample> {
	constructor() {
		super('admin-runs', MAX_RUN_SAMPLES);
	}
}

export class OutboxSampleRepository extends BoundedSeries<OutboxSample> {
	constructor() {
		super('admin-outbox', MAX_OUTBOX_SAMPLES);
	}
}
