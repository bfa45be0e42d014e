import { IPersistence, IPersistenceRead } from '@rocket.chat/apps-engine/definition/accessors';

import { DeadLetter } from '../../core/history/types';
import { RecordStore } from './RecordStore';

/** Chat-history batches that used up their delivery attempts, one record per batch. */
export class DeadLetterRepository {
	private readonly store = new RecordStore<DeadLetter>('history-dead');

	/** Keyed by the batch, so two instances setting the same batch aside write one record (or twins). */
	put(persis: IPersistence, letter: DeadLetter): Promise<void> {
		return this.store.put(persis, letter.id, letter);
	}

	/** Oldest first. */
	async list(read: IPersistenceRead): Promise<DeadLetter[]> {
		return (await this.store.list(read)).sort((a, b) => a.deadAt - b.deadAt || (a.id < b.id ? -1 : 1));
	}

	remove(persis: IPersistence, id: string): Promise<void> {
		return this.store.remove(persis, id);
	}
}
