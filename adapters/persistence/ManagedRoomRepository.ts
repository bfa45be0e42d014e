import { IPersistence, IPersistenceRead } from '@rocket.chat/apps-engine/definition/accessors';

import { RecordStore } from './RecordStore';

/** A private room the sync feature created for a group of the system of record. */
export interface ManagedRoomRecord {
	groupKey: string;
	roomId: string;
	name: string;
}

/**
 * The rooms the app manages, keyed by room id, as chat history reads them. A stand-in until the
 * sync feature's own room repository exists: it then takes over this aggregate (or chat history's
 * `ManagedRooms` lookup moves over to it).
 */
export class ManagedRoomRepository {
	private readonly store = new RecordStore<ManagedRoomRecord>('rooms');

	async isManaged(read: IPersistenceRead, roomId: string): Promise<boolean> {
		return (await this.store.get(read, roomId)) !== undefined;
	}

	put(persis: IPersistence, room: ManagedRoomRecord): Promise<void> {
		return this.store.put(persis, room.roomId, room);
	}

	remove(persis: IPersistence, roomId: string): Promise<void> {
		return this.store.remove(persis, roomId);
	}
}
