import { IPersistence, IPersistenceRead } from '@rocket.chat/apps-engine/definition/accessors';

import { RecordStore } from './RecordStore';

/** A private room the sync feature created for a group of the system of record. */
export interface ManagedRoomRecord {
	groupKey: string;
	roomId: string;
	name: string;
}

/**
 * The rooms the app manages, keyed by room id (chat history asks "is this room managed?" by room id,
 * see features/history/lookups.ts), listed by the sync to map group keys to rooms. Written by the sync
 * only: when it creates a room, and when it deletes or releases one.
 */
export class ManagedRoomRepository {
	private readonly store = new RecordStore<ManagedRoomRecord>('rooms');

	async isManaged(read: IPersistenceRead, roomId: string): Promise<boolean> {
		return (await this.store.get(read, roomId)) !== undefined;
	}

	get(read: IPersistenceRead, roomId: string): Promise<ManagedRoomRecord | undefined> {
		return this.store.get(read, roomId);
	}

	list(read: IPersistenceRead): Promise<ManagedRoomRecord[]> {
		return this.store.list(read);
	}

	/** The room of a group (one list read; the sync keeps one room per group). */
	async byGroupKey(read: IPersistenceRead, groupKey: string): Promise<ManagedRoomRecord | undefined> {
		return (await this.store.list(read)).find((r) => r.groupKey === groupKey);
	}

	put(persis: IPersistence, room: ManagedRoomRecord): Promise<void> {
		return this.store.put(persis, room.roomId, room);
	}

	remove(persis: IPersistence, roomId: string): Promise<void> {
		return this.store.remove(persis, roomId);
	}
}
