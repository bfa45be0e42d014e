/**
 * The pure sync planner: `plan(desired, actual, settings) -> Plan`. No I/O, no clock, no randomness:
 * the same inputs (in any order) give the same plan. Rules, in the vocabulary of ./types.ts:
 *
 * Accounts
 * - An eligible person who is an effective member of some synced group and has no account gets one
 *   (`createUser`, names from the injected allocator). People only named by roles get no account.
 * - A managed account is deactivated when its person is excluded, is `active: false`, or (setting
 *   `disableWithoutGroups`) is in no synced group, including a person no longer sent at all. It is
 *   reactivated when its person is sent, eligible, and not caught by that setting. A managed account
 *   whose person is no longer sent is otherwise left as it is.
 * - Accounts that end active get their profile synced: display name (`first last`) and nickname
 *   always; e-mail with setting `email` (an address held by another account is an `email-taken`
 *   conflict), its `verified` flag following `emailVerified`; photo with setting `photos` when the
 *   desired URL differs from the one the app last set (an absent photo resets an avatar the app had
 *   set); password with setting `resyncPasswords` when the stored credential is stale.
 * - A linked account (`linked`: it existed before the app linked it) never gets a state, e-mail or
 *   password operation: it keeps its rooms, roles, name, nickname and photo in sync only.
 *
 * Rooms
 * - A synced group with at least one effective member has a private room: created if missing (name
 *   rule in ./names.ts), else diffed. Only managed people are added or removed; other members of a
 *   managed room are never touched. A leader is leader and moderator; a managed member who is leader
 *   but should not be loses leader and, if they have it, moderator. Moderators who were never leaders
 *   (set by hand) are left alone. Removing a member drops their room roles with them.
 * - Any other managed room (group gone, inactive, the exclusion group, or no effective member) is
 *   deleted with `deleteInactiveGroups`, else released (the record is dropped; the room is left as is).
 *
 * Roles
 * - For each role named in the desired state that exists on the server, the managed people holding it
 *   become exactly the listed people who are eligible and whose account ends active (or is created in
 *   this plan). A role missing on the server gives a `role-missing` conflict per listed eligible person.
 */
import { RoomNamer } from './names';
import { compareStrings } from './order';
import {
	AccountAllocation,
	ActualPerson,
	ActualRoom,
	ActualState,
	Conflict,
	ConflictReason,
	DeactivateReason,
	DesiredGroup,
	DesiredPerson,
	DesiredState,
	MemberOpKind,
	OP_KINDS,
	OpKind,
	Plan,
	PlanSettings,
	RoomLossReason,
	SyncOp,
} from './types';

/** How e-mail addresses are compared (and the form of `ActualState.emailOwners` keys): trimmed, lower case. */
export function normalizeEmail(email: string): string {
	return email.trim().toLowerCase();
}

/** The Rocket.Chat display name of a person: `first last`, blanks collapsed. */
export function displayName(person: DesiredPerson): string {
	return `${person.firstName} ${person.lastName}`.replace(/\s+/g, ' ').trim();
}

/*
 * Implementation notes (performance: 1,000,000 memberships must plan in well under 3 s).
 * Every externalId met (desired people and managed people) gets a dense integer index; per-person facts
 * live in typed arrays of flags, and per-group or per-role sets are "stamp" arrays: `stamp[i] === serial`
 * means "person i is in the set being processed", so no Set or Map is built per group. Each membership
 * costs one hash lookup on the desired side (externalId -> index) and one on the actual side
 * (userId -> index). Lists of people are sorted by externalId, via a rank table for long lists.
 */

const EXCLUDED = 1;
const ELIGIBLE = 2;
const IN_GROUP = 4;
const ALLOCATED = 8;
const FAILED = 16;
const ENDS_ACTIVE = 32;

interface ResolvedGroup {
	readonly key: string;
	readonly group: DesiredGroup;
	/** Effective members, each encoded as `index * 2 + (leader ? 1 : 0)`, in first-seen order. */
	codes: number[];
}

interface UnknownPerson {
	groups: string[];
	roles: string[];
}

const hasOwn = (o: object, k: string): boolean => Object.prototype.hasOwnProperty.call(o, k);

export function plan(desired: DesiredState, actual: ActualState, settings: PlanSettings): Plan {
	const buckets = new Map<OpKind, SyncOp[]>(OP_KINDS.map((k) => [k, []]));
	const bucket = (kind: OpKind): SyncOp[] => buckets.get(kind) as SyncOp[];
	const conflicts: Conflict[] = [];
	const conflict = (externalId: string, reason: ConflictReason, detail: string): void => {
		conflicts.push({ externalId, reason, detail });
	};

	// --- Person index: desired people, then managed people not sent ------------------------------------
	const index = new Map<string, number>();
	const ids: string[] = [];
	const desiredOf: Array<DesiredPerson | undefined> = [];
	const accountOf: Array<ActualPerson | undefined> = [];
	for (const p of desired.people) {
		const i = index.get(p.externalId);
		if (i !== undefined) desiredOf[i] = p;
		else {
			index.set(p.externalId, ids.length);
			ids.push(p.externalId);
			desiredOf.push(p);
			accountOf.push(undefined);
		}
	}
	const desiredPeople = ids.length;
	const byUserId = new Map<string, number>();
	for (const [externalId, account] of actual.people) {
		let i = index.get(externalId);
		if (i === undefined) {
			i = ids.length;
			index.set(externalId, i);
			ids.push(externalId);
			desiredOf.push(undefined);
			accountOf.push(account);
		} else accountOf[i] = account;
		byUserId.set(account.userId, i);
	}
	const n = ids.length;
	const flags = new Uint8Array(n);
	const userIdOf: Array<string | null> = new Array<string | null>(n).fill(null);
	const usernameOf: string[] = new Array<string>(n).fill('');
	for (let i = 0; i < n; i++) {
		const account = accountOf[i];
		if (account !== undefined) {
			userIdOf[i] = account.userId;
			usernameOf[i] = account.username;
		}
	}

	// --- Exclusions and eligibility ---------------------------------------------------------------------
	const groups = desired.groups;
	const exclusionKey = settings.exclusionGroup ? settings.exclusionGroup : null;
	const exclude = (externalId: string): void => {
		const i = index.get(externalId);
		if (i !== undefined) flags[i] |= EXCLUDED;
	};
	for (const externalId of desired.excluded ?? []) exclude(externalId);
	if (exclusionKey !== null && hasOwn(groups, exclusionKey)) for (const m of groups[exclusionKey].members) exclude(m.externalId);
	for (let i = 0; i < n; i++) {
		const p = desiredOf[i];
		if (p !== undefined && p.active !== false && (flags[i] & EXCLUDED) === 0) flags[i] |= ELIGIBLE;
	}

	// Scratch sets (see the implementation notes).
	const stamp = new Int32Array(n);
	const seen = new Int32Array(n);
	const leaderStamp = new Int32Array(n);
	const moderatorStamp = new Int32Array(n);
	const position = new Int32Array(n);
	const mark = new Uint8Array(n);
	let serial = 0;

	const unknown = new Map<string, UnknownPerson>();
	const noteUnknown = (externalId: string, where: 'groups' | 'roles', name: string): void => {
		let u = unknown.get(externalId);
		if (u === undefined) unknown.set(externalId, (u = { groups: [], roles: [] }));
		const list = u[where];
		if (list[list.length - 1] !== name) list.push(name);
	};

	// --- Synced groups and their eligible members -------------------------------------------------
	const groupKeys = Object.keys(groups).sort(compareStrings);
	const resolved: ResolvedGroup[] = [];
	let desiredMemberships = 0;
	let unknownMemberships = 0;
	for (const key of groupKeys) {
		const group = groups[key];
		if (key === exclusionKey || group.active === false) continue;
		const codes: number[] = [];
		serial++;
		for (const m of group.members) {
			desiredMemberships++;
			const i = index.get(m.externalId);
			if (i === undefined || desiredOf[i] === undefined) {
				unknownMemberships++;
				noteUnknown(m.externalId, 'groups', key);
				continue;
			}
			if ((flags[i] & ELIGIBLE) === 0) continue;
			const leader = m.role === 'leader' ? 1 : 0;
			if (stamp[i] === serial) {
				codes[position[i]] |= leader;
				continue;
			}
			stamp[i] = serial;
			position[i] = codes.length;
			codes.push(i * 2 + leader);
			flags[i] |= IN_GROUP;
		}
		resolved.push({ key, group, codes });
	}

	// --- Sorting people by externalId ---------------------------------------------------------------------
	// Short lists compare strings; the first long list builds a rank table (a native sort of every id), and
	// long lists are then sorted as typed arrays of ranks, without a comparator callback.
	let rank: Int32Array | null = null;
	let byRankOrder: Int32Array | null = null;
	const byId = (a: number, b: number): number => compareStrings(ids[a], ids[b]);
	const sortPeople = (list: number[]): number[] => {
		if (list.length < 2) return list;
		if (list.length < 32) return list.sort(byId);
		if (rank === null || byRankOrder === null) {
			const sorted = ids.slice().sort(); // default sort: UTF-16 code unit order, as compareStrings
			rank = new Int32Array(n);
			byRankOrder = new Int32Array(n);
			for (let r = 0; r < n; r++) {
				const i = index.get(sorted[r]) as number;
				rank[i] = r;
				byRankOrder[r] = i;
			}
		}
		const ranks = new Int32Array(list.length);
		for (let k = 0; k < list.length; k++) ranks[k] = rank[list[k]];
		ranks.sort();
		for (let k = 0; k < list.length; k++) list[k] = byRankOrder[ranks[k]];
		return list;
	};

	// --- New accounts --------------------------------------------------------------------------------
	const needAccount: number[] = [];
	for (let i = 0; i < n; i++) if ((flags[i] & IN_GROUP) !== 0 && accountOf[i] === undefined) needAccount.push(i);
	const claimedEmails = new Set<string>();
	const claimedUsernames = new Set<string>();
	if (needAccount.length > 0) for (const account of actual.people.values()) claimedUsernames.add(account.username.toLowerCase());
	const allocationProblem = (answer: AccountAllocation | { readonly error: string }): string | null => {
		if ('error' in answer) return answer.error;
		if (!answer.username || claimedUsernames.has(answer.username.toLowerCase()))
			return `username "${answer.username}" is already in use`;
		const email = normalizeEmail(answer.email);
		if (!email || claimedEmails.has(email) || actual.emailOwners.has(email)) return `e-mail "${answer.email}" is already in use`;
		return null;
	};
	let anyFailed = false;
	for (const i of sortPeople(needAccount)) {
		const externalId = ids[i];
		const person = desiredOf[i] as DesiredPerson;
		const answer = settings.allocateAccount(person);
		const problem = allocationProblem(answer);
		if (problem !== null || 'error' in answer) {
			conflict(externalId, 'allocation-failed', `no account could be allocated: ${problem}`);
			flags[i] |= FAILED;
			anyFailed = true;
			continue;
		}
		claimedUsernames.add(answer.username.toLowerCase());
		claimedEmails.add(normalizeEmail(answer.email));
		flags[i] |= ALLOCATED;
		usernameOf[i] = answer.username;
		bucket('createUser').push({
			kind: 'createUser',
			externalId,
			username: answer.username,
			email: answer.email,
			requestedEmail: person.email,
			name: displayName(person),
			nickname: person.nickName ? person.nickName : null,
		});
		if (settings.photos && person.photoUrl) {
			bucket('setPhoto').push({ kind: 'setPhoto', externalId, userId: null, username: answer.username, photoUrl: person.photoUrl });
		}
	}

	// Profile changes wait until every managed person is seen: e-mail claims are then decided in externalId
	// order, so two people asking for the same free address get the same answer whatever the input order.
	interface ProfileChange {
		ref: { externalId: string; userId: string; username: string };
		name?: string;
		nickname?: string;
		email?: string;
		emailVerified?: boolean;
	}
	const profileChanges: ProfileChange[] = [];
	function profileOps(person: DesiredPerson, account: ActualPerson, ref: ProfileChange['ref']): void {
		const change: ProfileChange = { ref };
		const wantName = displayName(person);
		if (wantName !== account.name) change.name = wantName;
		const wantNick = person.nickName ?? '';
		if (wantNick !== (account.nickname ?? '')) change.nickname = wantNick;
		const linked = account.linked === true;
		if (settings.email && !linked) {
			const want = normalizeEmail(person.email);
			const inSync =
				want === '' ||
				want === normalizeEmail(account.email) ||
				(account.aliasOf !== undefined && want === normalizeEmail(account.aliasOf));
			const verified = person.emailVerified === true;
			if (!inSync) {
				change.email = want;
				change.emailVerified = verified;
			} else if (want !== '' && account.emailVerified !== undefined && verified !== account.emailVerified)
				change.emailVerified = verified;
		}
		if (change.name !== undefined || change.nickname !== undefined || change.email !== undefined || change.emailVerified !== undefined)
			profileChanges.push(change);
		if (settings.photos) {
			const wantPhoto = person.photoUrl ? person.photoUrl : null;
			if (wantPhoto !== account.photoUrl) bucket('setPhoto').push({ kind: 'setPhoto', ...ref, photoUrl: wantPhoto });
		}
		if (settings.resyncPasswords && account.passwordStale === true && !linked)
			bucket('resetPassword').push({ kind: 'resetPassword', ...ref });
	}

	// --- Account states and profiles of managed people --------------------------------------------------
	for (let i = 0; i < n; i++) {
		const account = accountOf[i];
		if (account === undefined) continue;
		const person = desiredOf[i];
		// false: must be inactive (for `reason`); true: must be active; undefined: left as it is.
		let target: boolean | undefined;
		let reason: DeactivateReason = 'excluded';
		if ((flags[i] & EXCLUDED) !== 0) {
			target = false;
		} else if (person !== undefined && person.active === false) {
			target = false;
			reason = 'inactive';
		} else if (settings.disableWithoutGroups && (flags[i] & IN_GROUP) === 0) {
			target = false;
			reason = 'no-groups';
		} else if (person !== undefined) {
			target = true;
		}
		const ref = { externalId: ids[i], userId: account.userId, username: account.username };
		if (account.linked === true) {
			// Not the app's account: its state is never changed (rooms and roles still follow the person).
			if (account.active) flags[i] |= ENDS_ACTIVE;
			if (target === true && account.active) profileOps(person as DesiredPerson, account, ref);
			continue;
		}
		if (target === false && account.active) bucket('deactivateUser').push({ kind: 'deactivateUser', ...ref, reason });
		if (target === true && !account.active) bucket('reactivateUser').push({ kind: 'reactivateUser', ...ref });
		if (target ?? account.active) flags[i] |= ENDS_ACTIVE;
		if (target === true) profileOps(person as DesiredPerson, account, ref);
	}

	profileChanges.sort((a, b) => compareStrings(a.ref.externalId, b.ref.externalId));
	for (const change of profileChanges) {
		const { ref, name, nickname } = change;
		let email = change.email;
		let emailVerified = change.emailVerified;
		if (email !== undefined) {
			const owner = actual.emailOwners.get(email);
			if ((owner !== undefined && owner !== ref.userId) || claimedEmails.has(email)) {
				conflict(ref.externalId, 'email-taken', `e-mail "${email}" belongs to another account; the e-mail was left unchanged`);
				email = undefined;
				emailVerified = undefined;
			} else claimedEmails.add(email);
		}
		if (name === undefined && nickname === undefined && email === undefined && emailVerified === undefined) continue;
		bucket('updateProfile').push({
			kind: 'updateProfile',
			...ref,
			...(name !== undefined ? { name } : {}),
			...(nickname !== undefined ? { nickname } : {}),
			...(email !== undefined ? { email } : {}),
			...(emailVerified !== undefined ? { emailVerified } : {}),
		});
	}

	// --- Rooms ------------------------------------------------------------------------------------------
	let namer: RoomNamer | null = null;
	const withRoom = new Set<string>();
	const memberOps = (kind: MemberOpKind, groupKey: string, roomId: string | null, people: number[]): void => {
		const out = bucket(kind);
		for (const i of sortPeople(people))
			out.push({ kind, groupKey, roomId, externalId: ids[i], userId: userIdOf[i], username: usernameOf[i] });
	};
	const stampUsers = (userIds: ReadonlyArray<string>, into: Int32Array): void => {
		for (const userId of userIds) {
			const i = byUserId.get(userId);
			if (i !== undefined) into[i] = serial;
		}
	};
	for (const r of resolved) {
		const { key, group } = r;
		const codes = anyFailed ? r.codes.filter((c) => (flags[c >> 1] & FAILED) === 0) : r.codes;
		if (codes.length === 0) continue;
		withRoom.add(key);
		const room = actual.rooms.get(key);
		if (room === undefined) {
			namer ??= new RoomNamer(actual.roomNames);
			bucket('createRoom').push({
				kind: 'createRoom',
				groupKey: key,
				name: namer.name(group.name, key),
				topic: group.topic ? group.topic : null,
			});
			const all = codes.map((c) => c >> 1);
			const leaders = codes.filter((c) => (c & 1) === 1).map((c) => c >> 1);
			memberOps('addMember', key, null, all);
			memberOps('setLeader', key, null, leaders);
			memberOps('setModerator', key, null, [...leaders]);
			continue;
		}
		if (group.topic !== undefined && group.topic !== (room.topic ?? '')) {
			bucket('setTopic').push({ kind: 'setTopic', groupKey: key, roomId: room.roomId, topic: group.topic });
		}
		serial++;
		for (const c of codes) {
			stamp[c >> 1] = serial;
			mark[c >> 1] = c & 1; // is a desired leader
		}
		stampUsers(room.leaders, leaderStamp);
		stampUsers(room.moderators, moderatorStamp);
		const add: number[] = [];
		const remove: number[] = [];
		const setLeader: number[] = [];
		const setModerator: number[] = [];
		const unsetLeader: number[] = [];
		const unsetModerator: number[] = [];
		let matched = 0;
		for (const userId of room.members) {
			const i = byUserId.get(userId);
			if (i === undefined || seen[i] === serial) continue;
			seen[i] = serial;
			if (stamp[i] !== serial) {
				remove.push(i);
				continue;
			}
			matched++;
			if (mark[i] === 1) {
				if (leaderStamp[i] !== serial) setLeader.push(i);
				if (moderatorStamp[i] !== serial) setModerator.push(i);
			} else if (leaderStamp[i] === serial) {
				unsetLeader.push(i);
				if (moderatorStamp[i] === serial) unsetModerator.push(i);
			}
		}
		if (matched < codes.length) {
			for (const c of codes) {
				const i = c >> 1;
				if (seen[i] === serial) continue;
				add.push(i);
				if ((c & 1) === 1) {
					setLeader.push(i);
					setModerator.push(i);
				}
			}
		}
		if (add.length > 0) memberOps('addMember', key, room.roomId, add);
		if (setLeader.length > 0) memberOps('setLeader', key, room.roomId, setLeader);
		if (setModerator.length > 0) memberOps('setModerator', key, room.roomId, setModerator);
		if (unsetLeader.length > 0) memberOps('unsetLeader', key, room.roomId, unsetLeader);
		if (unsetModerator.length > 0) memberOps('unsetModerator', key, room.roomId, unsetModerator);
		if (remove.length > 0) memberOps('removeMember', key, room.roomId, remove);
	}
	const lostRooms = [...actual.rooms.keys()].filter((key) => !withRoom.has(key)).sort(compareStrings);
	for (const key of lostRooms) {
		const room = actual.rooms.get(key) as ActualRoom;
		const reason: RoomLossReason =
			!hasOwn(groups, key) || key === exclusionKey
				? 'group-gone'
				: groups[key].active === false
					? 'group-inactive'
					: 'no-active-members';
		const kind = settings.deleteInactiveGroups ? 'deleteRoom' : 'releaseRoom';
		bucket(kind).push({ kind, groupKey: key, roomId: room.roomId, name: room.name, reason });
	}

	// --- Roles --------------------------------------------------------------------------------------------
	const roles = desired.roles ?? {};
	for (const roleName of Object.keys(roles).sort(compareStrings)) {
		const exists = actual.serverRoles.has(roleName);
		const holders: number[] = [];
		serial++;
		for (const externalId of roles[roleName]) {
			const i = index.get(externalId);
			if (i === undefined || desiredOf[i] === undefined) {
				noteUnknown(externalId, 'roles', roleName);
				continue;
			}
			if (stamp[i] === serial) continue;
			stamp[i] = serial;
			mark[i] = 0; // becomes 1 for a holder
			if ((flags[i] & ELIGIBLE) === 0) continue;
			if (!exists) conflict(externalId, 'role-missing', `role "${roleName}" does not exist on the server; it is never created`);
			else if ((flags[i] & (ALLOCATED | ENDS_ACTIVE)) !== 0) {
				holders.push(i);
				mark[i] = 1;
			}
		}
		if (!exists) continue;
		const add: number[] = [];
		const remove: number[] = [];
		for (const userId of actual.roleHolders.get(roleName) ?? []) {
			const i = byUserId.get(userId);
			if (i === undefined || seen[i] === serial) continue;
			seen[i] = serial;
			if (stamp[i] !== serial || mark[i] !== 1) remove.push(i);
		}
		for (const i of holders) if (seen[i] !== serial) add.push(i);
		for (const [kind, people] of [
			['addRole', add],
			['removeRole', remove],
		] as const) {
			const out = bucket(kind);
			for (const i of sortPeople(people))
				out.push({ kind, roleName, externalId: ids[i], userId: userIdOf[i], username: usernameOf[i] });
		}
	}

	// --- Conflicts for unknown people ---------------------------------------------------------------
	for (const [externalId, u] of unknown) {
		const parts: string[] = [];
		if (u.groups.length > 0) parts.push(`group${u.groups.length > 1 ? 's' : ''} ${listNames(u.groups)}`);
		if (u.roles.length > 0) parts.push(`role${u.roles.length > 1 ? 's' : ''} ${listNames(u.roles)}`);
		conflict(externalId, 'unknown-person', `named by ${parts.join(' and ')} but not in the people list`);
	}
	conflicts.sort(
		(a, b) => compareStrings(a.externalId, b.externalId) || compareStrings(a.reason, b.reason) || compareStrings(a.detail, b.detail),
	);

	// --- Assemble in order --------------------------------------------------------------------------
	const byExternalId = (a: SyncOp, b: SyncOp): number =>
		compareStrings((a as { externalId: string }).externalId, (b as { externalId: string }).externalId);
	for (const kind of ['deactivateUser', 'reactivateUser', 'setPhoto', 'resetPassword'] as const) bucket(kind).sort(byExternalId);
	let total = 0;
	for (const ops of buckets.values()) total += ops.length;
	const ops: SyncOp[] = new Array<SyncOp>(total);
	let k = 0;
	for (const kind of OP_KINDS) for (const op of bucket(kind)) ops[k++] = op;

	return {
		ops,
		conflicts,
		figures: {
			desiredPeople,
			desiredGroups: groupKeys.length,
			syncedGroups: resolved.length,
			desiredMemberships,
			unknownMemberships,
			managedPeople: actual.people.size,
			managedRooms: actual.rooms.size,
		},
	};
}

function listNames(names: string[]): string {
	const shown = names.slice(0, 3).map((x) => `"${x}"`);
	return names.length > 3 ? `${shown.join(', ')} and ${names.length - 3} more` : shown.join(', ');
}
