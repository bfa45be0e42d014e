import { IRead } from '@rocket.chat/apps-engine/definition/accessors';
import { expect } from 'chai';

import { roomsOfUser } from '../../adapters/userRooms';

/** A reader with the two calls `roomsOfUser` makes; `getUserRoomIds` answers as the engine given does. */
function reader(roomIdsOfUser: () => Promise<string[]>, members: Record<string, string[]>, calls: string[]): IRead {
	return {
		getUserReader: () => ({ getUserRoomIds: roomIdsOfUser }),
		getRoomReader: () => ({
			getMembers: async (roomId: string) => {
				calls.push(roomId);
				return (members[roomId] ?? []).map((id) => ({ id }));
			},
		}),
	} as unknown as IRead;
}

describe('rooms of a user', () => {
	const members = { r1: ['ana', 'ben'], r2: ['ben'], r3: ['ana'] };

	it('asks the engine once where it has getUserRoomIds (1.58 and later), keeping the rooms asked about', async () => {
		const calls: string[] = [];
		const read = reader(async () => ['r1', 'r3', 'dm-1'], members, calls);
		expect([...(await roomsOfUser(read, 'ana', ['r1', 'r2', 'r3']))].sort()).to.deep.equal(['r1', 'r3']);
		expect(calls).to.deep.equal([]);
	});

	it('reads the member lists of the given rooms where the engine lacks it (1.53)', async () => {
		const calls: string[] = [];
		const missing = async (): Promise<string[]> => {
			throw new Error('Invalid accessor method "getUserRoomIds"');
		};
		const read = reader(missing, members, calls);
		expect([...(await roomsOfUser(read, 'ana', ['r1', 'r2', 'r3']))].sort()).to.deep.equal(['r1', 'r3']);
		expect(calls.sort()).to.deep.equal(['r1', 'r2', 'r3']);
	});

	it('passes any other failure on', async () => {
		const read = reader(async () => Promise.reject(new Error('server unavailable')), members, []);
		let failure: unknown;
		await roomsOfUser(read, 'ana', ['r1']).catch((err: unknown) => (failure = err));
		expect(failure).to.be.instanceOf(Error).with.property('message', 'server unavailable');
	});
});
