import { IPersistence, IPersistenceRead } from '@rocket.chat/apps-engine/definition/accessors';

import { firstPerKey } from './DesiredGroupRepository';
import { RecordStore } from './RecordStore';

/**
 * What a managed room holds, as the sync last read it from Rocket.Chat or wrote it: the input the
 * planner diffs against. Rooms are re-read a bounded number per run (oldest first) and updated after
 * every write, so a large org plans without reading every room on every run; a change made by hand is
 * seen at the room's next read.
 */
export interface RoomStateRecord {
	groupKey: string;
	roomId: string;
	name: string;
	/** The topic the app last set (Apps-Engine accessors cannot read a room's topic). */
	topic?: string;
	members: string[];
	leaders: string[];
	moderators: string[];
	/** When the members and roles were last read from Rocket.Chat (ms epoch); 0: only written by the app. */
	readAt: number;
}

/** The sync's view of the managed rooms, one record per group key. */
export class RoomStateRepository {
	private readonly store = new RecordStore<RoomStateRecord>('sync-room-state');

	async list(read: IPersistenceRead): Promise<RoomStateRecord[]> {
		return firstPerKey(await this.store.list(read), (r) => r.groupKey);
	}

	get(read: IPersistenceRead, groupKey: string): Promise<RoomStateRecord | undefined> {
		return this.store.get(read, groupKey);
	}

	put(persis: IPersistence, record: RoomStateRecord): Promise<void> {
		return this.store.put(persis, record.groupKey, record);
	}

	remove(persis: IPersistence, groupKey: string): Promise<void> {
		return this.store.remove(persis, groupKey);
	}
}
