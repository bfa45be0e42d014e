import { IPersistence, IPersistenceRead } from '@rocket.chat/apps-engine/definition/accessors';

import { DEFAULT_TRIGGERS, Trigger } from '../../core/chatbot/triggers';
import { newId } from '../ids';
import { RecordStore } from './RecordStore';

/** The chat trigger set, saved whole (the modal and `PUT triggers` both replace it). */
export interface TriggerSetRecord {
	/** Changes with every save; the matcher cache of each server instance is keyed by it. */
	readonly etag: string;
	/** 0 for the built-in default set, then +1 per save. */
	readonly version: number;
	readonly updatedAt: number;
	/** Who saved it: a user id, or `api` for the system of record. */
	readonly updatedBy?: string;
	readonly triggers: readonly Trigger[];
}

/** A small record naming the current set's etag, so handlers check for changes without reading the whole set. */
interface TriggerHeadRecord {
	readonly etag: string;
	readonly version: number;
}

const SET_ID = 'current';
export const DEFAULT_ETAG = 'default';

/**
 * The trigger set and its head. A save writes the set, then the head: whoever reads the head and then the set gets a
 * set at least as new as that head, so a cache keyed by the head's etag never holds an older set than its key says.
 */
export class TriggerSetRepository {
	private readonly sets = new RecordStore<TriggerSetRecord>('trigger-set');
	private readonly heads = new RecordStore<TriggerHeadRecord>('trigger-head');

	/** The current etag: DEFAULT_ETAG on a fresh install. One small read, done for every message. */
	async currentEtag(read: IPersistenceRead): Promise<string> {
		const head = await this.heads.get(read, SET_ID);
		return head?.etag ?? DEFAULT_ETAG;
	}

	/** The current set; the built-in default set ("Bot Test") until one is saved. */
	async load(read: IPersistenceRead): Promise<TriggerSetRecord> {
		const set = await this.sets.get(read, SET_ID);
		return set ?? { etag: DEFAULT_ETAG, version: 0, updatedAt: 0, triggers: DEFAULT_TRIGGERS };
	}

	/** Replaces the set (validated by the caller); returns what was stored. */
	async save(persis: IPersistence, read: IPersistenceRead, triggers: readonly Trigger[], updatedBy: string): Promise<TriggerSetRecord> {
		const previous = await this.load(read);
		const now = Date.now();
		const record: TriggerSetRecord = {
			etag: newId('', now),
			version: previous.version + 1,
			updatedAt: now,
			updatedBy,
			triggers: triggers.map((t) => ({ id: t.id, pattern: t.pattern, responses: [...t.responses], enabled: t.enabled })),
		};
		await this.sets.put(persis, SET_ID, record);
		await this.heads.put(persis, SET_ID, { etag: record.etag, version: record.version });
		return record;
	}
}
