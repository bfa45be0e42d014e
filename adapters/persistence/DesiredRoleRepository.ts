import { IPersistence, IPersistenceRead } from '@rocket.chat/apps-engine/definition/accessors';

import { firstPerKey } from './DesiredGroupRepository';
import { RecordStore } from './RecordStore';

/** A Rocket.Chat role and the externalIds that must hold exactly it (`PUT roles/{name}`). */
export interface DesiredRoleRecord {
	name: string;
	members: string[];
	at: number;
}

/** The desired role lists, one record per role name. */
export class DesiredRoleRepository {
	private readonly store = new RecordStore<DesiredRoleRecord>('sync-roles');

	get(read: IPersistenceRead, name: string): Promise<DesiredRoleRecord | undefined> {
		return this.store.get(read, name);
	}

	async list(read: IPersistenceRead): Promise<DesiredRoleRecord[]> {
		return firstPerKey(await this.store.list(read), (r) => r.name);
	}

	put(persis: IPersistence, record: DesiredRoleRecord): Promise<void> {
		return this.store.put(persis, record.name, record);
	}

	remove(persis: IPersistence, name: string): Promise<void> {
		return this.store.remove(persis, name);
	}
}
