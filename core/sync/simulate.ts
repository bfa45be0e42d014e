/**
 * A pure simulator of the applier: the actual state that results from applying every operation of a
 * plan, as Rocket.Chat and the app's records would hold it. Used by the property tests (applying a plan
 * yields the desired state, planning again yields nothing) and usable by the shell's tests as the
 * reference for what an applier must do. The input is not modified.
 */
import { normalizeEmail } from './plan';
import { ActualPerson, ActualRoom, ActualState, SyncOp } from './types';

export interface SimulationIds {
	/** User id given to the account of a `createUser` operation. Default `new-user:<externalId>`. */
	user?: (externalId: string) => string;
	/** Room id given to the room of a `createRoom` operation. Default `new-room:<groupKey>`. */
	room?: (groupKey: string) => string;
}

interface MutableRoom {
	roomId: string;
	name: string;
	topic?: string;
	members: Set<string>;
	leaders: Set<string>;
	moderators: Set<string>;
}

export function applyPlanToActual(actual: ActualState, ops: ReadonlyArray<SyncOp>, ids: SimulationIds = {}): ActualState {
	const newUserId = ids.user ?? ((x: string) => `new-user:${x}`);
	const newRoomId = ids.room ?? ((k: string) => `new-room:${k}`);
	const people = new Map<string, ActualPerson>(actual.people);
	const rooms = new Map<string, MutableRoom>();
	for (const [key, r] of actual.rooms) {
		rooms.set(key, {
			roomId: r.roomId,
			name: r.name,
			...(r.topic !== undefined ? { topic: r.topic } : {}),
			members: new Set(r.members),
			leaders: new Set(r.leaders),
			moderators: new Set(r.moderators),
		});
	}
	const roleHolders = new Map<string, Set<string>>();
	for (const [name, holders] of actual.roleHolders) roleHolders.set(name, new Set(holders));
	const emailOwners = new Map(actual.emailOwners);
	const roomNames = new Set(actual.roomNames);

	const account = (externalId: string): ActualPerson => {
		const a = people.get(externalId);
		if (a === undefined) throw new Error(`simulation: no account for ${externalId}`);
		return a;
	};
	const room = (groupKey: string): MutableRoom => {
		const r = rooms.get(groupKey);
		if (r === undefined) throw new Error(`simulation: no room for ${groupKey}`);
		return r;
	};
	const update = (externalId: string, change: Partial<ActualPerson>): void => {
		people.set(externalId, { ...account(externalId), ...change });
	};

	for (const op of ops) {
		switch (op.kind) {
			case 'deactivateUser':
				update(op.externalId, { active: false });
				break;
			case 'reactivateUser':
				update(op.externalId, { active: true });
				break;
			case 'createUser': {
				const userId = newUserId(op.externalId);
				const aliased = normalizeEmail(op.email) !== normalizeEmail(op.requestedEmail);
				people.set(op.externalId, {
					userId,
					username: op.username,
					email: op.email,
					...(aliased ? { aliasOf: op.requestedEmail } : {}),
					active: true,
					name: op.name,
					...(op.nickname !== null ? { nickname: op.nickname } : {}),
					photoUrl: null,
				});
				emailOwners.set(normalizeEmail(op.email), userId);
				break;
			}
			case 'updateProfile': {
				const before = account(op.externalId);
				const change: { -readonly [K in keyof ActualPerson]?: ActualPerson[K] } = {};
				if (op.name !== undefined) change.name = op.name;
				if (op.nickname !== undefined) change.nickname = op.nickname;
				if (op.email !== undefined) {
					if (emailOwners.get(normalizeEmail(before.email)) === before.userId) emailOwners.delete(normalizeEmail(before.email));
					emailOwners.set(normalizeEmail(op.email), before.userId);
					change.email = op.email;
					change.aliasOf = undefined;
				}
				update(op.externalId, change);
				break;
			}
			case 'setPhoto':
				update(op.externalId, { photoUrl: op.photoUrl });
				break;
			case 'resetPassword':
				update(op.externalId, { passwordStale: false });
				break;
			case 'createRoom':
				rooms.set(op.groupKey, {
					roomId: newRoomId(op.groupKey),
					name: op.name,
					...(op.topic !== null ? { topic: op.topic } : {}),
					members: new Set(),
					leaders: new Set(),
					moderators: new Set(),
				});
				roomNames.add(op.name);
				break;
			case 'setTopic':
				room(op.groupKey).topic = op.topic;
				break;
			case 'addMember':
				room(op.groupKey).members.add(account(op.externalId).userId);
				break;
			case 'setLeader':
				room(op.groupKey).leaders.add(account(op.externalId).userId);
				break;
			case 'setModerator':
				room(op.groupKey).moderators.add(account(op.externalId).userId);
				break;
			case 'unsetLeader':
				room(op.groupKey).leaders.delete(account(op.externalId).userId);
				break;
			case 'unsetModerator':
				room(op.groupKey).moderators.delete(account(op.externalId).userId);
				break;
			case 'removeMember': {
				const r = room(op.groupKey);
				const userId = account(op.externalId).userId;
				r.members.delete(userId);
				r.leaders.delete(userId);
				r.moderators.delete(userId);
				break;
			}
			case 'addRole':
			case 'removeRole': {
				let holders = roleHolders.get(op.roleName);
				if (holders === undefined) roleHolders.set(op.roleName, (holders = new Set()));
				if (op.kind === 'addRole') holders.add(account(op.externalId).userId);
				else holders.delete(account(op.externalId).userId);
				break;
			}
			case 'deleteRoom':
				roomNames.delete(room(op.groupKey).name);
				rooms.delete(op.groupKey);
				break;
			case 'releaseRoom':
				room(op.groupKey);
				rooms.delete(op.groupKey);
				break;
		}
	}

	const outRooms = new Map<string, ActualRoom>();
	for (const [key, r] of rooms) {
		outRooms.set(key, {
			roomId: r.roomId,
			name: r.name,
			...(r.topic !== undefined ? { topic: r.topic } : {}),
			members: [...r.members],
			leaders: [...r.leaders],
			moderators: [...r.moderators],
		});
	}
	const outRoles = new Map<string, ReadonlyArray<string>>();
	for (const [name, holders] of roleHolders) outRoles.set(name, [...holders]);
	return { people, rooms: outRooms, roleHolders: outRoles, serverRoles: actual.serverRoles, emailOwners, roomNames };
}
