import { IPersistence, IPersistenceRead } from '@rocket.chat/apps-engine/definition/accessors';

import { DesiredPerson } from '../../core/sync/types';
import { firstPerKey } from './DesiredGroupRepository';
import { RecordStore } from './RecordStore';

/**
 * One person of the desired state: their profile (contract `Person`, absent when the person is only
 * listed as excluded) and whether the snapshot lists them in `excluded`.
 */
export interface DesiredPersonRecord {
	externalId: string;
	person?: DesiredPerson;
	excluded?: boolean;
	/** `sso`: the profile came with the person's sign-on (`POST sso/token`), not from a push; a push replaces it. */
	source?: 'sso';
	at: number;
}

/**
 * The desired people, one record per externalId, written by `PUT people/{externalId}`, snapshots, the
 * pull feed, and the sign-on of a person nobody pushed. Separate from the people map (which says what the
 * accounts are, not what they should be).
 */
export class DesiredPersonRepository {
	private readonly store = new RecordStore<DesiredPersonRecord>('sync-people');

	get(read: IPersistenceRead, externalId: string): Promise<DesiredPersonRecord | undefined> {
		return this.store.get(read, externalId);
	}

	async list(read: IPersistenceRead): Promise<DesiredPersonRecord[]> {
		return firstPerKey(await this.store.list(read), (r) => r.externalId);
	}

	put(persis: IPersistence, record: DesiredPersonRecord): Promise<void> {
		return this.store.put(persis, record.externalId, record);
	}

	remove(persis: IPersistence, externalId: string): Promise<void> {
		return this.store.remove(persis, externalId);
	}
}
