import { IPersistence, IPersistenceRead } from '@rocket.chat/apps-engine/definition/accessors';

import { DesiredGroup } from '../../core/sync/types';
import { RecordStore } from './RecordStore';

/** One group of the desired state (contract `Group`), as the system of record last sent it. */
export interface DesiredGroupRecord {
	key: string;
	group: DesiredGroup;
	/** When it was written (ms epoch). */
	at: number;
}

/** The desired groups: one record per group key, written by `PUT groups/{key}`, snapshots and the pull feed. */
export class DesiredGroupRepository {
	private readonly store = new RecordStore<DesiredGroupRecord>('sync-groups');

	get(read: IPersistenceRead, key: string): Promise<DesiredGroupRecord | undefined> {
		return this.store.get(read, key);
	}

	/** Every group, one per key (a twin left by two concurrent first writes is ignored: the first wins, as in `get`). */
	async list(read: IPersistenceRead): Promise<DesiredGroupRecord[]> {
		return firstPerKey(await this.store.list(read), (r) => r.key);
	}

	put(persis: IPersistence, record: DesiredGroupRecord): Promise<void> {
		return this.store.put(persis, record.key, record);
	}

	remove(persis: IPersistence, key: string): Promise<void> {
		return this.store.remove(persis, key);
	}
}

/** The first record of each key, in storage order. */
export function firstPerKey<T>(records: ReadonlyArray<T>, keyOf: (r: T) => string): T[] {
	const seen = new Set<string>();
	const out: T[] = [];
	for (const r of records) {
		const k = keyOf(r);
		if (seen.has(k)) continue;
		seen.add(k);
		out.push(r);
	}
	return out;
}
