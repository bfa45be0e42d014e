import { IPersistenceRead } from '@rocket.chat/apps-engine/definition/accessors';

import { ManagedRooms, PeopleDirectory } from '../../core/history/types';
import { ManagedRoomRepository } from '../persistence/ManagedRoomRepository';
import { PeopleRepository } from '../persistence/PeopleRepository';

/** Managed rooms over the rooms the sync feature records. */
export function managedRooms(read: IPersistenceRead): ManagedRooms {
	const rooms = new ManagedRoomRepository();
	return { isManaged: (roomId) => rooms.isManaged(read, roomId) };
}

/** externalIds over the accounts feature's people map. */
export function peopleDirectory(read: IPersistenceRead): PeopleDirectory {
	const people = new PeopleRepository();
	return {
		async externalIdOf(userId) {
			const person = await people.getByUserId(read, userId);
			return person && person.userId === userId ? person.externalId : undefined;
		},
	};
}
