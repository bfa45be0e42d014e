import { IRead } from '@rocket.chat/apps-engine/definition/accessors';

import { AppConfig } from '../../core/config';
import { accountAllocator } from '../../core/sync/allocator';
import { normalizeEmail, plan as planSync } from '../../core/sync/plan';
import { summarize } from '../../core/sync/summary';
import { ActualPerson, ActualRoom, DesiredGroup, DesiredPerson, Summary } from '../../core/sync/types';
import { DesiredGroupRepository } from '../../adapters/persistence/DesiredGroupRepository';
import { DesiredPersonRepository } from '../../adapters/persistence/DesiredPersonRepository';
import { ManagedRoomRecord, ManagedRoomRepository } from '../../adapters/persistence/ManagedRoomRepository';
import { PeopleRepository } from '../../adapters/persistence/PeopleRepository';
import { RoomStateRepository } from '../../adapters/persistence/RoomStateRepository';
import { actualPerson, actualRoom, readRoom } from './actual';
import { mapLimit } from './util';

/** Above this many members, the preview lists every record instead of fetching one per member. */
const FETCH_ONE_BY_ONE = 500;

export interface GroupPreview {
	/** The group as stored, or null when it is not (deleted, or never sent). */
	group: DesiredGroup | null;
	room: { roomId: string; name: string } | null;
	/** What the next sync will do for this group: its room, members and room roles, and accounts for its members. */
	plan: Summary;
}

/**
 * The pending plan of one group, planned with the group alone: its members' desired records and
 * accounts, and its room as Rocket.Chat holds it now. Org-wide decisions (accounts of people in no group,
 * roles, e-mail and photo changes) are left to the sync's own plan.
 */
export async function previewGroup(read: IRead, config: AppConfig, key: string): Promise<GroupPreview | null> {
	const reader = read.getPersistenceReader();
	const [record, managed] = await Promise.all([
		new DesiredGroupRepository().get(reader, key),
		new ManagedRoomRepository().byGroupKey(reader, key),
	]);
	if (!record && !managed) return null;
	const group = record?.group ?? null;
	const exclusionKey = config.sync.exclusionGroup;
	const exclusion =
		exclusionKey && exclusionKey !== key ? (await new DesiredGroupRepository().get(reader, exclusionKey))?.group : undefined;
	const room = managed ? await roomNow(read, managed) : undefined;
	const memberIds = [...new Set((group?.members ?? []).map((m) => m.externalId))];

	// Accounts of the group's members and of the room's current members (who may have to leave).
	const peopleRepo = new PeopleRepository();
	const accounts = await records(
		memberIds,
		(id) => peopleRepo.get(reader, id),
		() => peopleRepo.list(reader),
		(r) => r.externalId,
	);
	const known = new Set([...accounts.values()].map((a) => a.userId));
	const inRoom = (room?.members ?? []).filter((userId) => !known.has(userId));
	for (const r of (
		await records(
			inRoom,
			(userId) => peopleRepo.getByUserId(reader, userId),
			() => peopleRepo.list(reader),
			(r) => r.userId,
		)
	).values()) {
		accounts.set(r.externalId, r);
	}
	const ids = [...new Set([...memberIds, ...accounts.keys()])];
	const desiredRepo = new DesiredPersonRepository();
	const desired = await records(
		ids,
		(id) => desiredRepo.get(reader, id),
		() => desiredRepo.list(reader),
		(r) => r.externalId,
	);

	const people: DesiredPerson[] = [];
	const excluded: string[] = [];
	for (const r of desired.values()) {
		if (r.person) people.push(r.person);
		if (r.excluded) excluded.push(r.externalId);
	}
	const actualPeople = new Map<string, ActualPerson>();
	const emailOwners = new Map<string, string>();
	for (const [id, r] of accounts) {
		const a = actualPerson(r, config);
		actualPeople.set(id, a);
		emailOwners.set(normalizeEmail(a.email), a.userId);
	}
	const rooms = new Map<string, ActualRoom>();
	if (room) rooms.set(key, room);

	const groups: Record<string, DesiredGroup> = {};
	if (group) groups[key] = group;
	if (exclusion && exclusionKey) groups[exclusionKey] = exclusion;
	const p = planSync(
		{ people, groups, roles: {}, excluded },
		{
			people: actualPeople,
			rooms,
			roleHolders: new Map(),
			serverRoles: new Set(),
			emailOwners,
			roomNames: new Set(managed ? [managed.name] : []),
		},
		{
			...config.sync,
			disableWithoutGroups: false,
			photos: false,
			email: false,
			resyncPasswords: false,
			allocateAccount: accountAllocator({
				usernames: [...accounts.values()].map((r) => r.username),
				emails: [...emailOwners].map(([email, owner]) => ({ email, owner })),
			}),
		},
	);
	const members = new Set(memberIds);
	const ops = p.ops.filter((op) => ('groupKey' in op && op.groupKey === key) || (op.kind === 'createUser' && members.has(op.externalId)));
	const conflicts = p.conflicts.filter((c) => members.has(c.externalId));
	return {
		group,
		room: managed ? { roomId: managed.roomId, name: managed.name } : null,
		plan: summarize({ ops, conflicts, figures: p.figures }),
	};
}

/** The room's members and roles now (or as last known, if it cannot be read). */
async function roomNow(read: IRead, managed: ManagedRoomRecord): Promise<ActualRoom> {
	const previous = await new RoomStateRepository().get(read.getPersistenceReader(), managed.groupKey);
	try {
		const state = await readRoom(read, managed, previous, Date.now());
		if (state) return actualRoom(state);
	} catch {
		// fall back to what the last sync knew
	}
	return previous ? actualRoom(previous) : { roomId: managed.roomId, name: managed.name, members: [], leaders: [], moderators: [] };
}

/** Records of the given ids: fetched one by one for a small group, else from the full list. */
async function records<T>(
	ids: string[],
	one: (id: string) => Promise<T | undefined>,
	all: () => Promise<T[]>,
	keyOf: (r: T) => string,
): Promise<Map<string, T>> {
	const out = new Map<string, T>();
	if (ids.length > FETCH_ONE_BY_ONE) {
		const wanted = new Set(ids);
		for (const r of await all()) if (wanted.has(keyOf(r)) && !out.has(keyOf(r))) out.set(keyOf(r), r);
		return out;
	}
	const found = await mapLimit(ids, 16, one);
	ids.forEach((id, i) => {
		const r = found[i];
		if (r !== undefined) out.set(id, r);
	});
	return out;
}
