import { IPersistence, IPersistenceRead } from '@rocket.chat/apps-engine/definition/accessors';

import { RecordStore } from './RecordStore';

export interface CooldownRecord {
	externalId: string;
	until: number;
	reference: string;
}

/** Failed sign-ins per person: while one lasts, the person's requests are answered without Rocket.Chat. */
export class CooldownRepository {
	private readonly store = new RecordStore<CooldownRecord>('sso-cooldown');

	get(read: IPersistenceRead, externalId: string): Promise<CooldownRecord | undefined> {
		return this.store.get(read, externalId);
	}

	set(persis: IPersistence, record: CooldownRecord): Promise<void> {
		return this.store.put(persis, record.externalId, record);
	}

	clear(persis: IPersistence, externalId: string): Promise<void> {
		return this.store.remove(persis, externalId);
	}
}
