/**
 * Property tests of the planner on small random orgs: a random desired state against a random,
 * partly inconsistent actual state (accounts out of step, members and roles set by hand, unmanaged
 * users, rooms and roles, taken e-mails and room names).
 */
import { expect } from 'chai';
import fc from 'fast-check';

import {
	ActualPerson,
	ActualRoom,
	ActualState,
	applyPlanToActual,
	checkSafety,
	comparePositions,
	countOps,
	DesiredGroup,
	DesiredPerson,
	DesiredState,
	displayName,
	normalizeEmail,
	opPosition,
	plan,
	ROOM_NAME_PATTERN,
	summarize,
	SyncSettings,
} from '../../../core/sync';
import { settingsFor } from './fixtures';

const IDS = ['p0', 'p1', 'p2', 'p3', 'p4', 'p5', 'p6', 'p7', 'p8', 'p9'];
const UNKNOWN = ['ghost1', 'ghost2'];
const GROUP_KEYS = ['g0', 'g1', 'g2', 'g3', 'g4', 'ex'];
const ROLE_NAMES = ['staff', 'editor', 'missing'];
const SERVER_ROLES = ['staff', 'editor', 'bot', 'admin'];
const STRANGERS = ['x1', 'x2'];
const NAMES = ['Ann', 'Bob', 'Zoë', 'Ann', "O'Hara", ''];
const GROUP_NAMES = ['Youth', 'youth', 'Choir (North)', '!!', 'General'];
const PHOTOS = ['https://x/1.png', 'https://x/2.png'];

interface Scenario {
	desired: DesiredState;
	actual: ActualState;
	sync: SyncSettings;
}

const subset = <T>(items: readonly T[]): fc.Arbitrary<T[]> => fc.subarray([...items]);
const maybe = <T>(arb: fc.Arbitrary<T>): fc.Arbitrary<T | undefined> => fc.option(arb, { nil: undefined });

const personArb = (externalId: string): fc.Arbitrary<DesiredPerson> =>
	fc
		.record({
			first: fc.constantFrom(...NAMES),
			last: fc.constantFrom(...NAMES),
			mail: fc.nat(1),
			nick: maybe(fc.constantFrom('Nick', '')),
			photo: maybe(fc.constantFrom(...PHOTOS, '')),
			active: maybe(fc.boolean()),
		})
		.map(({ first, last, mail, nick, photo, active }) => ({
			externalId,
			firstName: first,
			lastName: last,
			email: mail === 0 ? `${externalId}@example.org` : `${externalId.toUpperCase()}.new@Example.org`,
			...(nick !== undefined ? { nickName: nick } : {}),
			...(photo !== undefined ? { photoUrl: photo } : {}),
			...(active !== undefined ? { active } : {}),
		}));

const memberArb = fc
	.record({ externalId: fc.constantFrom(...IDS, ...IDS, ...UNKNOWN), role: maybe(fc.constantFrom('member' as const, 'leader' as const)) })
	.map((m) => (m.role === undefined ? { externalId: m.externalId } : { externalId: m.externalId, role: m.role }));

const groupArb: fc.Arbitrary<DesiredGroup> = fc
	.record({
		name: fc.constantFrom(...GROUP_NAMES),
		topic: maybe(fc.constantFrom('a', 'b', '')),
		active: maybe(fc.boolean()),
		members: fc.array(memberArb, { maxLength: 8 }),
	})
	.map(({ topic, active, ...g }) => ({ ...g, ...(topic !== undefined ? { topic } : {}), ...(active !== undefined ? { active } : {}) }));

const desiredArb: fc.Arbitrary<DesiredState> = fc
	.record({
		people: subset(IDS).chain((ids) => fc.tuple(...ids.map(personArb))),
		groups: fc.dictionary(fc.constantFrom(...GROUP_KEYS), groupArb, { maxKeys: 6 }),
		roles: fc.dictionary(fc.constantFrom(...ROLE_NAMES), fc.array(fc.constantFrom(...IDS, ...UNKNOWN), { maxLength: 6 }), {
			maxKeys: 3,
		}),
		excluded: subset(IDS.slice(0, 4)),
	})
	.map((d) => ({ ...d, people: [...d.people] }));

const accountArb = (externalId: string): fc.Arbitrary<ActualPerson> =>
	fc
		.record({
			mail: fc.nat(2),
			active: fc.boolean(),
			name: fc.constantFrom('Ann Ann', 'Bob Zoë', 'Someone'),
			nick: maybe(fc.constantFrom('Nick', 'Other')),
			photo: fc.constantFrom(null, ...PHOTOS),
			stale: maybe(fc.boolean()),
		})
		.map(({ mail, active, name, nick, photo, stale }) => ({
			userId: `uid-${externalId}`,
			username: `user.${externalId}`,
			email:
				mail === 0 ? `${externalId}@example.org` : mail === 1 ? `${externalId}.new@example.org` : `${externalId}+rc1@example.org`,
			...(mail === 2 ? { aliasOf: `${externalId}@example.org` } : {}),
			active,
			name,
			...(nick !== undefined ? { nickname: nick } : {}),
			photoUrl: photo,
			...(stale !== undefined ? { passwordStale: stale } : {}),
		}));

const actualArb: fc.Arbitrary<ActualState> = subset(IDS)
	.chain((ids) => fc.tuple(...ids.map((id) => accountArb(id).map((a) => [id, a] as const))))
	.chain((accounts) => {
		const people = new Map<string, ActualPerson>(accounts);
		const userIds = [...people.values()].map((a) => a.userId);
		const anyUsers = [...userIds, ...STRANGERS.map((s) => `uid-${s}`)];
		const roomArb = (key: string): fc.Arbitrary<ActualRoom> =>
			fc
				.record({
					members: subset(anyUsers),
					leaders: subset(anyUsers),
					moderators: subset(anyUsers),
					topic: maybe(fc.constantFrom('a', 'z')),
				})
				.map((r) => ({
					roomId: `rid-${key}`,
					name: `room-${key}`,
					members: r.members,
					leaders: r.leaders.filter((u) => r.members.includes(u)),
					moderators: r.moderators.filter((u) => r.members.includes(u)),
					...(r.topic !== undefined ? { topic: r.topic } : {}),
				}));
		return fc
			.record({
				roomKeys: subset([...GROUP_KEYS, 'old']).chain((keys) =>
					fc.tuple(...keys.map((k) => roomArb(k).map((r) => [k, r] as const))),
				),
				holders: fc.tuple(...SERVER_ROLES.map((r) => subset(anyUsers).map((h) => [r, h] as const))),
				takenEmails: subset(IDS.map((id) => `${id}.new@example.org`)),
				takenNames: subset(['youth', 'general', 'choir-north']),
			})
			.map(({ roomKeys, holders, takenEmails, takenNames }): ActualState => {
				const emailOwners = new Map<string, string>();
				for (const a of people.values()) emailOwners.set(normalizeEmail(a.email), a.userId);
				for (const e of takenEmails) if (!emailOwners.has(e)) emailOwners.set(e, 'uid-x1');
				emailOwners.set('x2@example.org', 'uid-x2');
				const rooms = new Map<string, ActualRoom>(roomKeys);
				return {
					people,
					rooms,
					roleHolders: new Map(holders),
					serverRoles: new Set(SERVER_ROLES),
					emailOwners,
					roomNames: new Set([...takenNames, 'unmanaged-room', ...[...rooms.values()].map((r) => r.name)]),
				};
			});
	});

const syncArb: fc.Arbitrary<SyncSettings> = fc.record({
	email: fc.boolean(),
	photos: fc.boolean(),
	disableWithoutGroups: fc.boolean(),
	deleteInactiveGroups: fc.boolean(),
	exclusionGroup: fc.constantFrom(null, 'ex', 'nope'),
	resyncPasswords: fc.boolean(),
	safetyLimit: fc.constant(0.2),
});

const scenarioArb: fc.Arbitrary<Scenario> = fc.record({ desired: desiredArb, actual: actualArb, sync: syncArb });

const planOf = (s: Scenario, actual = s.actual): ReturnType<typeof plan> => plan(s.desired, actual, settingsFor(actual, s.sync));

const RUNS = { numRuns: 400 };

/** The desired state's consequences, computed independently of the planner from the rules in core/sync/plan.ts. */
function expectations(s: Scenario, after: ActualState) {
	const people = new Map(s.desired.people.map((p) => [p.externalId, p]));
	const excluded = new Set(s.desired.excluded ?? []);
	const ex = s.sync.exclusionGroup;
	if (ex !== null && s.desired.groups[ex]) for (const m of s.desired.groups[ex].members) excluded.add(m.externalId);
	const eligible = (id: string): boolean => people.has(id) && people.get(id)!.active !== false && !excluded.has(id);
	const roomsWanted = new Map<string, Map<string, boolean>>();
	const inGroup = new Set<string>();
	for (const [key, g] of Object.entries(s.desired.groups)) {
		if (key === ex || g.active === false) continue;
		const members = new Map<string, boolean>();
		for (const m of g.members) {
			if (!eligible(m.externalId)) continue;
			members.set(m.externalId, members.get(m.externalId) === true || m.role === 'leader');
			inGroup.add(m.externalId);
		}
		if (members.size > 0) roomsWanted.set(key, members);
	}
	const activeAfter = (id: string): boolean | undefined => {
		if (excluded.has(id)) return false;
		if (people.get(id)?.active === false) return false;
		if (s.sync.disableWithoutGroups && !inGroup.has(id)) return false;
		return people.has(id) ? true : undefined;
	};
	const userOf = (id: string): string => after.people.get(id)!.userId;
	return { people, eligible, roomsWanted, activeAfter, userOf };
}

describe('sync planner properties', () => {
	it('applying the plan yields the desired state for the managed parts', () => {
		fc.assert(
			fc.property(scenarioArb, (s) => {
				const p = planOf(s);
				const after = applyPlanToActual(s.actual, p.ops);
				const { people, eligible, roomsWanted, activeAfter, userOf } = expectations(s, after);
				const managedUsers = new Set([...after.people.values()].map((a) => a.userId));

				// Everyone in a synced group has an account; rooms exist exactly for groups with effective members.
				for (const members of roomsWanted.values())
					for (const id of members.keys()) expect(after.people.has(id), id).to.equal(true);
				expect([...after.rooms.keys()].sort()).to.deep.equal([...roomsWanted.keys()].sort());
				for (const [key, members] of roomsWanted) {
					const r = after.rooms.get(key)!;
					const managedIn = (list: readonly string[]): string[] => list.filter((u) => managedUsers.has(u)).sort();
					const leaders = [...members].filter(([, l]) => l).map(([id]) => userOf(id));
					expect(managedIn(r.members)).to.deep.equal([...members.keys()].map(userOf).sort());
					expect(managedIn(r.leaders)).to.deep.equal(leaders.sort());
					for (const u of leaders) expect(r.moderators).to.include(u);
					expect(r.name).to.match(ROOM_NAME_PATTERN);
					const topic = s.desired.groups[key].topic;
					if (topic !== undefined) expect(r.topic ?? '').to.equal(topic);
				}

				// Account states and profiles.
				for (const [id, a] of after.people) {
					const want = activeAfter(id);
					expect(a.active, `active ${id}`).to.equal(want ?? s.actual.people.get(id)!.active);
					const d = people.get(id);
					if (want !== true || d === undefined) continue;
					expect(a.name).to.equal(displayName(d));
					expect(a.nickname ?? '').to.equal(d.nickName ?? '');
					if (s.sync.photos) expect(a.photoUrl).to.equal(d.photoUrl ? d.photoUrl : null);
					if (s.sync.resyncPasswords) expect(a.passwordStale ?? false).to.equal(false);
					const emailOk = [normalizeEmail(a.email), normalizeEmail(a.aliasOf ?? '')].includes(normalizeEmail(d.email));
					const conflict = p.conflicts.some((c) => c.externalId === id && c.reason === 'email-taken');
					if (s.sync.email || !s.actual.people.has(id)) expect(emailOk || conflict, `email ${id}`).to.equal(true);
				}

				// Roles: managed holders are exactly the eligible listed people with an active account.
				for (const [role, listed] of Object.entries(s.desired.roles ?? {})) {
					if (!SERVER_ROLES.includes(role)) continue;
					const want = [...new Set(listed)].filter((id) => eligible(id) && after.people.get(id)?.active === true).map(userOf);
					const got = (after.roleHolders.get(role) ?? []).filter((u) => managedUsers.has(u));
					expect([...got].sort()).to.deep.equal(want.sort());
				}
			}),
			RUNS,
		);
	});

	it('planning again on the result yields an empty plan', () => {
		fc.assert(
			fc.property(scenarioArb, (s) => {
				const after = applyPlanToActual(s.actual, planOf(s).ops);
				const again = planOf(s, after);
				expect(again.ops).to.deep.equal([]);
			}),
			RUNS,
		);
	});

	it('never touches rooms, users or roles the app does not manage', () => {
		fc.assert(
			fc.property(scenarioArb, (s) => {
				const p = planOf(s);
				const managedUserIds = new Set([...s.actual.people.values()].map((a) => a.userId));
				const managedRoomIds = new Set([...s.actual.rooms.values()].map((r) => r.roomId));
				const roles = new Set(Object.keys(s.desired.roles ?? {}).filter((r) => SERVER_ROLES.includes(r)));
				for (const op of p.ops) {
					if ('userId' in op && op.userId !== null) expect(managedUserIds.has(op.userId), JSON.stringify(op)).to.equal(true);
					if ('userId' in op && op.userId === null) expect(s.actual.people.has(op.externalId)).to.equal(false);
					if ('roomId' in op && op.roomId !== null) expect(managedRoomIds.has(op.roomId), JSON.stringify(op)).to.equal(true);
					if ('roomId' in op && op.roomId === null) expect(s.actual.rooms.has(op.groupKey)).to.equal(false);
					if ('roleName' in op) expect(roles.has(op.roleName)).to.equal(true);
					if (op.kind === 'createUser') expect(s.actual.people.has(op.externalId)).to.equal(false);
					if (op.kind === 'createRoom') expect([...s.actual.roomNames].map((n) => n.toLowerCase())).to.not.include(op.name);
				}
				const after = applyPlanToActual(s.actual, p.ops);
				const strangers = (list: readonly string[]): string[] =>
					list.filter((u) => !managedUserIds.has(u) && !u.startsWith('new-user:')).sort();
				for (const [key, r] of s.actual.rooms) {
					const now = after.rooms.get(key);
					if (now === undefined) continue;
					expect(strangers(now.members)).to.deep.equal(strangers(r.members));
					expect(strangers(now.leaders)).to.deep.equal(strangers(r.leaders));
					expect(strangers(now.moderators)).to.deep.equal(strangers(r.moderators));
				}
				for (const [role, holders] of s.actual.roleHolders) {
					const now = after.roleHolders.get(role) ?? [];
					if (!roles.has(role)) expect([...now].sort()).to.deep.equal([...holders].sort());
					else expect(strangers(now)).to.deep.equal(strangers(holders));
				}
			}),
			RUNS,
		);
	});

	it('is deterministic and independent of input order, with ops strictly ordered', () => {
		fc.assert(
			fc.property(scenarioArb, (s) => {
				const p = planOf(s);
				expect(planOf(s)).to.deep.equal(p);
				const reversed: DesiredState = {
					people: [...s.desired.people].reverse(),
					groups: Object.fromEntries(
						Object.entries(s.desired.groups)
							.reverse()
							.map(([k, g]) => [k, { ...g, members: [...g.members].reverse() }]),
					),
					roles: Object.fromEntries(Object.entries(s.desired.roles ?? {}).map(([k, v]) => [k, [...v].reverse()])),
					excluded: [...(s.desired.excluded ?? [])].reverse(),
				};
				const actual: ActualState = {
					...s.actual,
					people: new Map([...s.actual.people].reverse()),
					rooms: new Map([...s.actual.rooms].reverse().map(([k, r]) => [k, { ...r, members: [...r.members].reverse() }])),
				};
				expect(plan(reversed, actual, settingsFor(actual, s.sync))).to.deep.equal(p);
				const positions = p.ops.map(opPosition);
				for (let i = 1; i < positions.length; i++) expect(comparePositions(positions[i - 1], positions[i])).to.be.lessThan(0);
			}),
			RUNS,
		);
	});

	it('the safety valve: a limit of 1 halts only an empty desired state, a limit of 0 halts any removal or role grant', () => {
		fc.assert(
			fc.property(scenarioArb, (s) => {
				const p = planOf(s);
				const f = p.figures;
				const empty = (f.desiredPeople === 0 && s.actual.people.size > 0) || (f.syncedGroups === 0 && s.actual.rooms.size > 0);
				expect(checkSafety(p, s.actual, { safetyLimit: 1 }).safe).to.equal(!empty);
				const c = countOps(p.ops);
				const v = checkSafety(p, s.actual, { safetyLimit: 0 });
				const removesMembers = c.removeMember > 0 || v.figures.membershipsRemoved > 0;
				const removes = removesMembers || c.removeRole + c.deactivateUser + c.deleteRoom + c.releaseRoom + c.addRole > 0;
				expect(v.safe).to.equal(!empty && !removes && f.unknownMemberships === 0);
				expect(v.figures.membershipsRemoved).to.be.at.least(c.removeMember);
			}),
			RUNS,
		);
	});

	it('summarizes every operation but topics and releases', () => {
		fc.assert(
			fc.property(scenarioArb, (s) => {
				const p = planOf(s);
				const { conflicts, ...counts } = summarize(p);
				const c = countOps(p.ops);
				const total = Object.values(counts).reduce((a, b) => a + b, 0);
				expect(total + c.setTopic + c.releaseRoom).to.equal(p.ops.length);
				expect(conflicts.length).to.equal(p.conflicts.length);
			}),
			RUNS,
		);
	});
});
