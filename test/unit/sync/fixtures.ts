/** Builders shared by the sync planner tests. */
import {
	AccountAllocation,
	AccountAllocator,
	ActualPerson,
	ActualRoom,
	ActualState,
	DesiredPerson,
	DesiredState,
	PlanSettings,
	SyncSettings,
} from '../../../core/sync';

export function person(externalId: string, extra: Partial<DesiredPerson> = {}): DesiredPerson {
	return { externalId, firstName: cap(externalId), lastName: 'Doe', email: `${externalId}@example.org`, ...extra };
}

/** The account that `person(externalId)` would have after a sync: in step with it. */
export function account(externalId: string, extra: Partial<ActualPerson> = {}): ActualPerson {
	return {
		userId: `u-${externalId}`,
		username: `${externalId}.doe`,
		email: `${externalId}@example.org`,
		active: true,
		name: `${cap(externalId)} Doe`,
		photoUrl: null,
		...extra,
	};
}

export function room(roomId: string, name: string, members: string[], extra: Partial<ActualRoom> = {}): ActualRoom {
	return { roomId, name, members, leaders: [], moderators: [], ...extra };
}

export function actualState(extra: Partial<ActualState> = {}): ActualState {
	const people = extra.people ?? new Map<string, ActualPerson>();
	const emailOwners = new Map<string, string>();
	for (const a of people.values()) emailOwners.set(a.email.toLowerCase(), a.userId);
	const rooms = extra.rooms ?? new Map<string, ActualRoom>();
	return {
		people,
		rooms,
		roleHolders: new Map(),
		serverRoles: new Set(),
		emailOwners,
		roomNames: new Set([...rooms.values()].map((r) => r.name)),
		...extra,
	};
}

export function desiredState(extra: Partial<DesiredState> = {}): DesiredState {
	return { people: [], groups: {}, roles: {}, excluded: [], ...extra };
}

export const defaultSync: SyncSettings = {
	email: true,
	photos: true,
	disableWithoutGroups: true,
	deleteInactiveGroups: true,
	exclusionGroup: null,
	resyncPasswords: false,
	safetyLimit: 0.2,
};

/** Settings with a fresh `simpleAllocator` seeded from `actual`. */
export function settingsFor(actual: ActualState, extra: Partial<SyncSettings> = {}): PlanSettings {
	return { ...defaultSync, ...extra, allocateAccount: simpleAllocator(actual) };
}

/**
 * A stand-in for the accounts module's allocator (same shape of rules, not its implementation):
 * `first.last`, `first.last2`, ...; `local+rc1@domain`, ... when the e-mail is taken.
 */
export function simpleAllocator(actual: ActualState, extraUsernames: Iterable<string> = []): AccountAllocator {
	const usernames = new Set<string>(extraUsernames);
	for (const a of actual.people.values()) usernames.add(a.username.toLowerCase());
	const emails = new Set<string>(actual.emailOwners.keys());
	return (p: DesiredPerson): AccountAllocation => {
		const base =
			`${p.firstName}.${p.lastName}`
				.normalize('NFKD')
				.replace(/[\u0300-\u036f]/g, '')
				.toLowerCase()
				.replace(/[^a-z0-9._-]/g, '') || 'user';
		let username = base;
		for (let n = 2; usernames.has(username); n++) username = `${base}${n}`;
		usernames.add(username);
		let email = p.email.trim().toLowerCase();
		const at = email.lastIndexOf('@');
		for (let n = 1; emails.has(email); n++) email = `${p.email.slice(0, at)}+rc${n}${p.email.slice(at)}`.toLowerCase();
		emails.add(email);
		return { username, email };
	};
}

function cap(s: string): string {
	return s.charAt(0).toUpperCase() + s.slice(1);
}
