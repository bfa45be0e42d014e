import { IModify, IPersistence, IPersistenceRead, IRead } from '@rocket.chat/apps-engine/definition/accessors';

import { ManagedRoomRecord, ManagedRoomRepository } from '../../adapters/persistence/ManagedRoomRepository';
import { HaltRecord, SyncStateRepository } from '../../adapters/persistence/SyncStateRepository';
import { roomsOfUser } from '../../adapters/userRooms';
import { scheduleRun } from './schedule';

export type { HaltRecord, ManagedRoomRecord };

/** The plan the safety valve halted, waiting for an admin to confirm it, if any. */
export function pendingHalt(read: IPersistenceRead): Promise<HaltRecord | undefined> {
	return new SyncStateRepository().get(read, 'halt');
}

/** An admin confirms the halted plan they named by its fingerprint: the next run (scheduled now) applies it. */
export async function confirmHalt(modify: IModify, persis: IPersistence, halt: HaltRecord, by: string, now = Date.now()): Promise<void> {
	await new SyncStateRepository().put(persis, 'confirm', { fingerprint: halt.fingerprint, by, at: now });
	await scheduleRun(modify, persis, now, 'confirm');
}

/** The rooms the sync manages that a user is a member of now, by name. */
export async function managedRoomsOf(read: IRead, userId: string): Promise<ManagedRoomRecord[]> {
	const managed = await new ManagedRoomRepository().list(read.getPersistenceReader());
	const mine = await roomsOfUser(
		read,
		userId,
		managed.map((r) => r.roomId),
	);
	return managed.filter((r) => mine.has(r.roomId)).sort((a, b) => a.name.localeCompare(b.name));
}
