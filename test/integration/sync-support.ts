/**
 * Shared pieces of the sync tests in the sandbox: an org builder, a picture of the Rocket.Chat state the
 * sync manages (to compare before and after a run), and the REST writes made between two points.
 */
import type { SyncStatusView } from '../../features/sync/status';
import type { DesiredGroup, Summary } from '../../core/sync/types';
import { Harness } from './harness';

/** `GET status`. */
export interface StatusBody {
	sync: SyncStatusView;
	history: unknown;
	recentErrors: Array<{ reference: string; at: string; event: string; externalId?: string; message: string }>;
}

/** `POST sync`. */
export interface SyncReply {
	dryRun: boolean;
	plan: Summary;
	applied?: Summary;
	halted?: string;
	outcome: string;
	remaining?: number;
	continuesAt?: string;
	conflictCount?: number;
	fingerprint?: string;
}

/** `GET`, `PUT` and `DELETE groups/{key}`. */
export interface GroupReply {
	group: string;
	desired?: DesiredGroup;
	room: { roomId: string; name: string } | null;
	plan: Summary;
}

export interface OrgPerson {
	externalId: string;
	firstName: string;
	lastName: string;
	email: string;
	nickName?: string;
	photoUrl?: string;
	active?: boolean;
}

export interface OrgGroup {
	name: string;
	topic?: string;
	active?: boolean;
	members: Array<{ externalId: string; role?: 'member' | 'leader' }>;
}

export interface Org {
	people: OrgPerson[];
	groups: Record<string, OrgGroup>;
	roles?: Record<string, string[]>;
	excluded?: string[];
}

const FIRST = [
	'Anna',
	'Ben',
	'Chloé',
	'David',
	'Eva',
	'Farid',
	'Greta',
	'Hugo',
	'Ines',
	'Jonas',
	'Kim',
	'Lena',
	'Marc',
	'Nora',
	'Omar',
	'Paula',
];
const LAST = ['Lindqvist', 'Okafor', 'Müller', 'Rossi', 'Dupont', 'Haddad', 'Silva', 'Novak'];

/** Person `p<i>`: a distinct name and e-mail. */
export function orgPerson(i: number, extra: Partial<OrgPerson> = {}): OrgPerson {
	const firstName = FIRST[i % FIRST.length];
	const lastName = `${LAST[Math.floor(i / FIRST.length) % LAST.length]}${i >= FIRST.length * LAST.length ? i : ''}`;
	return { externalId: `p${i}`, firstName, lastName, email: `p${i}@example.org`, ...extra };
}

/** Writes only (POST endpoints), by endpoint, since `since` (a copy of `world.restCalls`). */
export function restWrites(h: Harness, since: Map<string, number>): Record<string, number> {
	const out: Record<string, number> = {};
	for (const [endpoint, n] of h.world.restCalls) {
		const delta = n - (since.get(endpoint) ?? 0);
		if (delta > 0 && WRITE_ENDPOINTS.has(endpoint.replace('/api/v1/', ''))) out[endpoint.replace('/api/v1/', '')] = delta;
	}
	return out;
}

const WRITE_ENDPOINTS = new Set([
	'users.create',
	'users.update',
	'users.setAvatar',
	'users.resetAvatar',
	'users.setActiveStatus',
	'groups.create',
	'groups.invite',
	'groups.kick',
	'groups.setTopic',
	'groups.addLeader',
	'groups.removeLeader',
	'groups.addModerator',
	'groups.removeModerator',
	'groups.delete',
	'roles.addUserToRole',
	'roles.removeUserFromRole',
]);

export function callsNow(h: Harness): Map<string, number> {
	return new Map(h.world.restCalls);
}

/**
 * What the sync manages, as plain data: every private room (name, topic, members by username, leaders,
 * moderators) and every user (active, roles, name, e-mail, avatar). Two pictures are equal when the sync
 * changed nothing.
 */
export function picture(h: Harness): { rooms: Record<string, unknown>; users: Record<string, unknown> } {
	const w = h.world;
	const name = (id: string) => w.findUserById(id)?.username ?? id;
	const rooms: Record<string, unknown> = {};
	for (const r of w.rooms.values()) {
		if (r.t !== 'p') continue;
		const withRole = (role: string) =>
			Object.entries(r.roomRoles)
				.filter(([, roles]) => roles.includes(role))
				.map(([id]) => name(id))
				.sort();
		rooms[r.name] = {
			topic: r.topic ?? null,
			members: r.members.map(name).sort(),
			leaders: withRole('leader'),
			moderators: withRole('moderator'),
		};
	}
	const users: Record<string, unknown> = {};
	for (const u of w.users.values()) {
		users[u.username] = {
			active: u.active,
			roles: [...u.roles].sort(),
			name: u.name,
			nickname: u.nickname ?? null,
			email: u.emails[0]?.address ?? null,
			avatar: u.avatarUrl ?? null,
		};
	}
	return { rooms, users };
}

/** Runs due jobs (the sync's one-off runs included) until none is due, up to `rounds` rounds; returns how many ran. */
export async function drainJobs(h: Harness, options: { rounds?: number; ahead?: number } = {}): Promise<number> {
	let total = 0;
	for (let i = 0; i < (options.rounds ?? 50); i++) {
		const ran = await h.runDueJobs(Date.now() + (options.ahead ?? 0));
		total += ran;
		if (ran === 0) return total;
	}
	throw new Error(`jobs still due after ${options.rounds ?? 50} rounds`);
}

export async function status(h: Harness): Promise<StatusBody> {
	const res = await h.app<StatusBody>('GET', 'status');
	if (res.status !== 200) throw new Error(`GET status: ${res.status} ${JSON.stringify(res.body)}`);
	return res.body;
}

/** A room as an admin reads it over REST: its info, member usernames, leaders and moderators. */
export async function roomOverRest(
	h: Harness,
	roomName: string,
): Promise<{ topic: string | null; members: string[]; leaders: string[]; moderators: string[] } | null> {
	const info = await h.rest<{ group?: { _id: string; topic?: string } }>('GET', 'groups.info', { roomName });
	if (info.status !== 200 || !info.body.group) return null;
	const roomId = info.body.group._id;
	const members = await h.rest<{ members: Array<{ username: string }> }>('GET', 'groups.members', { roomId, count: 0 });
	const roles = await h.rest<{ roles: Array<{ u: { username: string }; roles: string[] }> }>('GET', 'groups.roles', { roomId });
	const withRole = (role: string) =>
		roles.body.roles
			.filter((r) => r.roles.includes(role))
			.map((r) => r.u.username)
			.sort();
	return {
		topic: info.body.group.topic ?? null,
		members: members.body.members.map((m) => m.username).sort(),
		leaders: withRole('leader'),
		moderators: withRole('moderator'),
	};
}

export async function userOverRest(
	h: Harness,
	username: string,
): Promise<{ active: boolean; roles: string[]; name: string; emails: Array<{ address: string }> } | null> {
	const res = await h.rest<{ user: { active: boolean; roles: string[]; name: string; emails: Array<{ address: string }> } }>(
		'GET',
		'users.info',
		{ username },
	);
	return res.status === 200 ? res.body.user : null;
}

/** Lets scheduled runs (continuations included, however far ahead) go on until the pass is complete. */
export async function untilComplete(h: Harness, deadlineMs = 90_000): Promise<number> {
	const deadline = Date.now() + deadlineMs;
	let runs = 0;
	for (;;) {
		runs += await drainJobs(h, { ahead: 120_000, rounds: 200 });
		const s = await status(h);
		if (s.sync.current === null && s.sync.lastRun?.outcome === 'finished') return runs;
		if (Date.now() > deadline) throw new Error(`the sync did not complete: ${JSON.stringify(s.sync)}`);
		// A run may be in its rate-limit wait on another path: ask for one more.
		await h.app('POST', 'sync');
	}
}
