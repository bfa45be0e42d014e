import { IRead } from '@rocket.chat/apps-engine/definition/accessors';

import { AppConfig } from '../../core/config';
import { isEmailVariantOf } from '../../core/identity/email';
import { displayNameOf } from '../../core/sso';
import { normalizeEmail } from '../../core/sync/plan';
import { ActualPerson, ActualRoom, ActualState, DesiredState } from '../../core/sync/types';
import { ManagedRoomRecord, ManagedRoomRepository } from '../../adapters/persistence/ManagedRoomRepository';
import { PeopleRepository, PersonRecord } from '../../adapters/persistence/PeopleRepository';
import { RoomStateRecord, RoomStateRepository } from '../../adapters/persistence/RoomStateRepository';
import { RocketChatClient } from '../../adapters/rocketchat/RestClient';
import { mapLimit } from './util';

/** Rooms read from Rocket.Chat at once. */
const ROOM_READS_IN_FLIGHT = 8;
/** Page size of `roles.getUsersInRole` (Rocket.Chat's default upper count limit). */
const ROLE_PAGE = 100;
/** E-mail owner look-ups per run (one `users.listByStatus` call each); the rest wait for the next run. */
const MAX_EMAIL_LOOKUPS = 200;

export interface ReadOptions {
	/** Time allowed for re-reading rooms from Rocket.Chat (rooms never read come first, then the oldest). */
	refreshBudgetMs: number;
	/** Re-read at most this many rooms even with time left (Infinity: every managed room). */
	maxRoomReads?: number;
	/** Read only the rooms never read yet (a run continuing a pass trusts the states it keeps up to date). */
	unreadOnly?: boolean;
	now?: () => number;
}

/** What the sync knows of Rocket.Chat for one run, in the planner's shape and the records behind it. */
export interface ActualSnapshot {
	actual: ActualState;
	/** The people map, by externalId. */
	people: Map<string, PersonRecord>;
	/** The managed rooms' state, by group key (read this run or earlier). */
	rooms: Map<string, RoomStateRecord>;
	/** Managed room records, by group key (one per group: extra rooms of one group are in `duplicates`). */
	managed: Map<string, ManagedRoomRecord>;
	duplicates: ManagedRoomRecord[];
	/** Global role name -> role id, for every role on the server. */
	roleIds: Map<string, string>;
	/** States read from Rocket.Chat in this run (to store), and managed rooms found deleted (to forget). */
	refreshed: RoomStateRecord[];
	gone: ManagedRoomRecord[];
	/** Managed rooms whose state is still unknown (not read yet): the run must not plan while any remain. */
	unread: number;
	/** Rocket.Chat reads made, by kind. */
	reads: { rooms: number; roomErrors: number; roleUsers: number; emailLookups: number };
}

/** The people map entry in the planner's shape. */
export function actualPerson(record: PersonRecord, config: AppConfig): ActualPerson {
	const aliased =
		normalizeEmail(record.email) !== normalizeEmail(record.sourceEmail) && isEmailVariantOf(record.email, record.sourceEmail);
	return {
		userId: record.userId,
		username: record.username,
		email: record.email,
		...(aliased ? { aliasOf: record.sourceEmail } : {}),
		...(record.emailVerified !== undefined ? { emailVerified: record.emailVerified } : {}),
		...(record.createdByApp ? {} : { linked: true }),
		active: record.active,
		name: displayNameOf(record.firstName, record.lastName),
		...(record.nickName ? { nickname: record.nickName } : {}),
		photoUrl: record.photoUrl ?? null,
		// Without a credential secret a new password could not be stored: never call it stale then.
		passwordStale: config.api.credentialSecret !== null && !record.credential,
	};
}

export function actualRoom(state: RoomStateRecord): ActualRoom {
	return {
		roomId: state.roomId,
		name: state.name,
		...(state.topic !== undefined ? { topic: state.topic } : {}),
		members: state.members,
		leaders: state.leaders,
		moderators: state.moderators,
	};
}

/**
 * Reads the actual state for a plan: the people map and the managed rooms from the app's records, the
 * rooms' members and room roles from Rocket.Chat (a bounded number per run, see RoomStateRecord), the
 * holders of the roles the desired state names, and the owners of the e-mail addresses profiles would
 * move to. Nothing is written here: the caller stores `refreshed` and forgets `gone` when it may write.
 */
export async function readActual(
	read: IRead,
	rest: RocketChatClient,
	config: AppConfig,
	desired: DesiredState,
	options: ReadOptions,
): Promise<ActualSnapshot> {
	const now = options.now ?? (() => Date.now());
	const reader = read.getPersistenceReader();
	const [peopleList, managedList, stateList] = await Promise.all([
		new PeopleRepository().list(reader),
		new ManagedRoomRepository().list(reader),
		new RoomStateRepository().list(reader),
	]);

	const people = new Map<string, PersonRecord>();
	for (const r of peopleList) if (!people.has(r.externalId)) people.set(r.externalId, r);

	const managed = new Map<string, ManagedRoomRecord>();
	const duplicates: ManagedRoomRecord[] = [];
	for (const r of managedList) {
		const known = managed.get(r.groupKey);
		if (!known) managed.set(r.groupKey, r);
		// A twin record of the same room (two upserts at once) is not a second room.
		else if (known.roomId !== r.roomId && !duplicates.some((d) => d.roomId === r.roomId)) duplicates.push(r);
	}
	const rooms = new Map<string, RoomStateRecord>();
	for (const s of stateList) {
		const m = managed.get(s.groupKey);
		if (m && m.roomId === s.roomId) rooms.set(s.groupKey, s);
	}

	// Rooms to (re-)read: never read first, then the oldest reads.
	const order = [...managed.values()]
		.filter((m) => !options.unreadOnly || !rooms.has(m.groupKey))
		.sort((a, b) => (rooms.get(a.groupKey)?.readAt ?? -1) - (rooms.get(b.groupKey)?.readAt ?? -1));
	const deadline = now() + options.refreshBudgetMs;
	const maxReads = options.maxRoomReads ?? Number.POSITIVE_INFINITY;
	const refreshed: RoomStateRecord[] = [];
	const gone: ManagedRoomRecord[] = [];
	let taken = 0;
	let readErrors = 0;
	await mapLimit(order, ROOM_READS_IN_FLIGHT, async (room) => {
		if (now() > deadline || taken >= maxReads) return;
		taken++;
		const previous = rooms.get(room.groupKey);
		let state: RoomStateRecord | null;
		try {
			state = await readRoom(read, room, previous, now());
		} catch {
			// Unreadable this time: plan from what was known, or from an empty room (only additions follow).
			if (!previous)
				rooms.set(room.groupKey, {
					groupKey: room.groupKey,
					roomId: room.roomId,
					name: room.name,
					members: [],
					leaders: [],
					moderators: [],
					readAt: 0,
				});
			readErrors++;
			return;
		}
		if (state === null) {
			gone.push(room);
			managed.delete(room.groupKey);
			rooms.delete(room.groupKey);
			return;
		}
		rooms.set(room.groupKey, state);
		refreshed.push(state);
	});
	let unread = 0;
	for (const key of managed.keys()) if (!rooms.has(key)) unread++;

	// Roles: every global role on the server, and the holders of those the desired state names.
	const serverRoles = new Set<string>();
	const roleIds = new Map<string, string>();
	const roleHolders = new Map<string, string[]>();
	const wantedRoles = Object.keys(desired.roles ?? {});
	let roleUsers = 0;
	if (wantedRoles.length > 0) {
		for (const role of await rest.roles()) {
			if (role.scope !== 'Users') continue;
			serverRoles.add(role.name);
			roleIds.set(role.name, role._id);
		}
		for (const name of wantedRoles) {
			if (!serverRoles.has(name)) continue;
			const holders: string[] = [];
			for (let offset = 0; ; offset += ROLE_PAGE) {
				const page = await rest.usersInRole(name, offset, ROLE_PAGE);
				roleUsers++;
				for (const u of page.users) holders.push(u._id);
				if (page.users.length < ROLE_PAGE || offset + ROLE_PAGE >= page.total) break;
			}
			roleHolders.set(name, holders);
		}
	}

	// E-mail owners: the managed accounts' own addresses, and who holds each address a profile would move to.
	const actualPeople = new Map<string, ActualPerson>();
	const emailOwners = new Map<string, string>();
	for (const [externalId, record] of people) {
		const a = actualPerson(record, config);
		actualPeople.set(externalId, a);
		emailOwners.set(normalizeEmail(a.email), a.userId);
	}
	let emailLookups = 0;
	if (config.sync.email) {
		const wanted: string[] = [];
		for (const p of desired.people) {
			const a = actualPeople.get(p.externalId);
			if (!a) continue;
			const want = normalizeEmail(p.email);
			if (want === '' || want === normalizeEmail(a.email) || (a.aliasOf !== undefined && want === normalizeEmail(a.aliasOf)))
				continue;
			if (!emailOwners.has(want)) wanted.push(want);
		}
		const lookups = [...new Set(wanted)].slice(0, MAX_EMAIL_LOOKUPS);
		await mapLimit(lookups, 4, async (email) => {
			emailLookups++;
			const owner = await rest.userByEmail(email);
			if (owner) emailOwners.set(email, owner._id);
		});
	}

	const actualRooms = new Map<string, ActualRoom>();
	for (const [key, state] of rooms) actualRooms.set(key, actualRoom(state));
	const roomNames = new Set<string>();
	for (const m of managed.values()) roomNames.add(m.name);

	return {
		actual: { people: actualPeople, rooms: actualRooms, roleHolders, serverRoles, emailOwners, roomNames },
		people,
		rooms,
		managed,
		duplicates,
		roleIds,
		refreshed,
		gone,
		unread,
		reads: { rooms: taken, roomErrors: readErrors, roleUsers, emailLookups },
	};
}

/** A managed room's members and room roles from Rocket.Chat; null when the room no longer exists. */
export async function readRoom(
	read: IRead,
	room: ManagedRoomRecord,
	previous: RoomStateRecord | undefined,
	now: number,
): Promise<RoomStateRecord | null> {
	const rooms = read.getRoomReader();
	let members: Array<{ id: string }>;
	try {
		members = await rooms.getMembers(room.roomId);
	} catch {
		members = [];
	}
	if (members.length === 0 && !(await rooms.getById(room.roomId))) return null;
	const [moderators, leaders] = await Promise.all([rooms.getModerators(room.roomId), rooms.getLeaders(room.roomId)]);
	const state: RoomStateRecord = {
		groupKey: room.groupKey,
		roomId: room.roomId,
		name: room.name,
		members: members.map((u) => u.id),
		leaders: leaders.map((u) => u.id),
		moderators: moderators.map((u) => u.id),
		readAt: now,
	};
	if (previous?.topic !== undefined) state.topic = previous.topic;
	return state;
}
