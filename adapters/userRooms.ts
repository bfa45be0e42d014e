import { IRead } from '@rocket.chat/apps-engine/definition/accessors';

import { describeError } from '../core/errors';

/** Rooms checked at once by the fallback. */
const PARALLEL = 10;

/**
 * Which of the given rooms a user is a member of. Uses `IUserRead.getUserRoomIds` (one call), which
 * came with Apps-Engine 1.58; an older engine answers it with "Invalid accessor method", and then the
 * member list of each given room is read instead (one call per room, so only for short lists such as
 * the rooms the app manages).
 */
export async function roomsOfUser(read: IRead, userId: string, roomIds: ReadonlyArray<string>): Promise<Set<string>> {
	const wanted = new Set(roomIds);
	let all: string[];
	try {
		all = await read.getUserReader().getUserRoomIds(userId);
	} catch (err) {
		if (!isMissingAccessor(err, 'getUserRoomIds')) throw err;
		return membershipByMembers(read, userId, [...wanted]);
	}
	return new Set(all.filter((id) => wanted.has(id)));
}

function isMissingAccessor(err: unknown, method: string): boolean {
	return describeError(err).includes(`Invalid accessor method "${method}"`);
}

async function membershipByMembers(read: IRead, userId: string, roomIds: string[]): Promise<Set<string>> {
	const rooms = read.getRoomReader();
	const found = new Set<string>();
	for (let i = 0; i < roomIds.length; i += PARALLEL) {
		const chunk = roomIds.slice(i, i + PARALLEL);
		const members = await Promise.all(chunk.map((id) => rooms.getMembers(id).catch(() => [])));
		chunk.forEach((id, k) => {
			if (members[k].some((u) => u.id === userId)) found.add(id);
		});
	}
	return found;
}
