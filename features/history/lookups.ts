import { IPersistenceRead } from '@rocket.chat/apps-engine/definition/accessors';

import { ManagedRooms } from '../../core/history/types';
import { ManagedRoomRepository } from '../../adapters/persistence/ManagedRoomRepository';

/** Managed rooms over the rooms the sync feature records. */
export function managedRooms(read: IPersistenceRead): ManagedRooms {
	const rooms = new ManagedRoomRepository();
	return { isManaged: (roomId) => rooms.isManaged(read, roomId) };
}
