import { expect } from 'chai';
import fc from 'fast-check';

import {
	ActualState,
	applyPlanToActual,
	checkSafety,
	countOps,
	OP_KINDS,
	opKey,
	opPosition,
	plan,
	Plan,
	planFingerprint,
	resumeIndex,
	ROOM_NAME_MAX_BASE,
	ROOM_NAME_PATTERN,
	roomNameBase,
	RoomNamer,
	summarize,
	writeCount,
} from '../../../core/sync';
import { account, actualState, desiredState, person, room, settingsFor } from './fixtures';

describe('sync room names', () => {
	it('folds accents, drops apostrophes, replaces other characters, collapses and trims separators', () => {
		expect(roomNameBase('Zoë & Jürgen’s Choir', 'k')).to.equal('zoe-jurgens-choir');
		expect(roomNameBase('  Straße -- Æsir . Team  ', 'k')).to.equal('strasse-aesir-team');
		expect(roomNameBase('St. Mary', 'k')).to.equal('st.mary');
		expect(roomNameBase('Ünïcödé_Ok.v2', 'k')).to.equal('unicode_ok.v2');
		expect(roomNameBase('日本語', 'Group 7')).to.equal('group-7');
		expect(roomNameBase('日本語', '日本')).to.equal('group');
		expect(roomNameBase('x'.repeat(100) + ' y', 'k')).to.equal('x'.repeat(ROOM_NAME_MAX_BASE));
	});

	it('always gives valid, unique names (property)', () => {
		fc.assert(
			fc.property(
				fc.array(fc.tuple(fc.string({ unit: 'grapheme', maxLength: 80 }), fc.string({ maxLength: 10 })), { maxLength: 40 }),
				fc.array(fc.string({ maxLength: 12 })),
				(groups, existing) => {
					const namer = new RoomNamer(existing);
					const taken = new Set(existing.map((n) => n.toLowerCase()));
					for (const [name, key] of groups) {
						const n = namer.name(name, key);
						expect(n).to.match(ROOM_NAME_PATTERN);
						expect(n).to.equal(n.toLowerCase());
						expect(n.length).to.be.at.most(ROOM_NAME_MAX_BASE + 8);
						expect(taken.has(n)).to.equal(false);
						taken.add(n);
					}
				},
			),
		);
	});

	it('stays linear with many equal names', () => {
		const namer = new RoomNamer(['team']);
		const names = Array.from({ length: 20000 }, () => namer.name('Team', 'k'));
		expect(names[0]).to.equal('team-2');
		expect(names[19999]).to.equal('team-20001');
	});
});

describe('sync plan order and cursor', () => {
	const desired = desiredState({
		people: ['a', 'b', 'c', 'd'].map((id) => person(id)),
		groups: {
			g1: { name: 'One', members: [{ externalId: 'a', role: 'leader' }, { externalId: 'b' }] },
			g2: { name: 'Two', members: [{ externalId: 'c' }, { externalId: 'd' }, { externalId: 'a' }] },
		},
	});

	it('resumes after any operation, with unique keys', () => {
		const p = plan(desired, actualState(), settingsFor(actualState()));
		expect(new Set(p.ops.map(opKey)).size).to.equal(p.ops.length);
		expect(resumeIndex(p.ops, null)).to.equal(0);
		p.ops.forEach((op, i) => {
			const cursor = JSON.parse(JSON.stringify(opPosition(op))) as ReturnType<typeof opPosition>;
			expect(resumeIndex(p.ops, cursor)).to.equal(i + 1);
		});
	});

	it('resumes on a fresh plan after a partial application, with nothing repeated or lost', () => {
		const actual = actualState();
		const full = plan(desired, actual, settingsFor(actual));
		const cut = 7;
		const partial = applyPlanToActual(actual, full.ops.slice(0, cut));
		const fresh = plan(desired, partial, settingsFor(partial));
		const rest = fresh.ops.slice(resumeIndex(fresh.ops, opPosition(full.ops[cut - 1])));
		expect(rest.map(opKey)).to.deep.equal(full.ops.slice(cut).map(opKey));
	});

	it('fingerprints the exact plan', () => {
		const a = plan(desired, actualState(), settingsFor(actualState()));
		const b = plan(desired, actualState(), settingsFor(actualState()));
		expect(planFingerprint(a.ops))
			.to.equal(planFingerprint(b.ops))
			.and.match(/^[0-9a-f]{16}$/);
		expect(planFingerprint(a.ops.slice(1))).to.not.equal(planFingerprint(a.ops));
	});
});

describe('sync summary', () => {
	it('has exactly the contract field names and maps every kind', () => {
		const actual = actualState({
			people: new Map([
				['x', account('x', { passwordStale: true, photoUrl: 'p' })],
				['y', account('y')],
			]),
			rooms: new Map([
				['old', room('R0', 'old', ['u-x'])],
				['g', room('R1', 'g', ['u-y'], { leaders: ['u-y'], moderators: ['u-y'], topic: 't' })],
			]),
			serverRoles: new Set(['r']),
			roleHolders: new Map([['r', ['u-y']]]),
		});
		const p = plan(
			desiredState({
				people: [person('x', { lastName: 'Z' }), person('y'), person('n')],
				groups: {
					g: { name: 'G', topic: 't2', members: [{ externalId: 'x', role: 'leader' }, { externalId: 'y' }, { externalId: 'n' }] },
				},
				roles: { r: ['x'], missing: ['y'] },
			}),
			actual,
			settingsFor(actual, { resyncPasswords: true }),
		);
		const s = summarize(p);
		expect(Object.keys(s)).to.deep.equal([
			'createRooms',
			'deleteRooms',
			'addMembers',
			'removeMembers',
			'setLeaders',
			'unsetLeaders',
			'setModerators',
			'unsetModerators',
			'addRoles',
			'removeRoles',
			'createUsers',
			'updateProfiles',
			'deactivateUsers',
			'reactivateUsers',
			'conflicts',
		]);
		expect(s).to.deep.equal({
			createRooms: 0,
			deleteRooms: 1,
			addMembers: 2,
			removeMembers: 0,
			setLeaders: 1,
			unsetLeaders: 1,
			setModerators: 1,
			unsetModerators: 1,
			addRoles: 1,
			removeRoles: 1,
			createUsers: 1,
			updateProfiles: 3,
			deactivateUsers: 0,
			reactivateUsers: 0,
			conflicts: [{ externalId: 'y', reason: 'role-missing: role "missing" does not exist on the server; it is never created' }],
		});
		const c = countOps(p.ops);
		expect(Object.keys(c)).to.deep.equal([...OP_KINDS]);
		expect(c.setTopic).to.equal(1);
		expect(writeCount(p.ops)).to.equal(p.ops.length);
	});
});

describe('sync safety valve', () => {
	const org = (n: number): { actual: ActualState; members: string[] } => {
		const ids = Array.from({ length: n }, (_, i) => `p${i}`);
		const actual = actualState({
			people: new Map(ids.map((id) => [id, account(id)])),
			rooms: new Map([['g', room('R1', 'g', ids.map((id) => `u-${id}`).concat('admin'))]]),
		});
		return { actual, members: ids };
	};
	const planFor = (actual: ActualState, members: string[], people = members): Plan =>
		plan(
			desiredState({
				people: people.map((id) => person(id)),
				groups: { g: { name: 'G', members: members.map((externalId) => ({ externalId })) } },
			}),
			actual,
			settingsFor(actual),
		);

	it('lets a run within the limit through', () => {
		const { actual, members } = org(10);
		const v = checkSafety(planFor(actual, members.slice(2), members), actual, { safetyLimit: 0.2 });
		expect(v.safe).to.equal(true);
		expect(v.figures).to.include({ membershipsRemoved: 2, membershipsManaged: 10, accountsDeactivated: 2, accountsActive: 10 });
	});

	it('halts a run that removes or deactivates more than the limit, saying why', () => {
		const { actual, members } = org(10);
		const v = checkSafety(planFor(actual, members.slice(3), members), actual, { safetyLimit: 0.2 });
		expect(v.safe).to.equal(false);
		expect(v.reasons).to.deep.equal([
			'the run would remove 3 of 10 room memberships (30.0 %), more than the limit of 20.0 %',
			'the run would deactivate 3 of 10 active accounts (30.0 %), more than the limit of 20.0 %',
		]);
		expect(checkSafety(planFor(actual, members.slice(3), members), actual, { safetyLimit: 0.2, minimumCount: 3 }).safe).to.equal(true);
	});

	it('counts the members of deleted rooms as removed', () => {
		const { actual, members } = org(10);
		const p = plan(
			desiredState({
				people: members.map((id) => person(id)),
				groups: { h: { name: 'H', members: members.map((externalId) => ({ externalId })) } },
			}),
			actual,
			settingsFor(actual),
		);
		const v = checkSafety(p, actual, { safetyLimit: 0.5 });
		expect(v.figures).to.include({ membershipsRemoved: 10, roomsLost: 1, roomsManaged: 1 });
		expect(v.safe).to.equal(false);
	});

	it('treats an empty desired state as unsafe whatever the limit', () => {
		const { actual } = org(3);
		const v = checkSafety(plan(desiredState(), actual, settingsFor(actual)), actual, { safetyLimit: 1 });
		expect(v.safe).to.equal(false);
		expect(v.reasons).to.deep.equal([
			'the desired state has no people while 3 accounts are managed: the feed looks empty',
			'the desired state has no active groups while 1 rooms are managed: the feed looks empty',
		]);
	});

	it('treats a people list cut short as truncated', () => {
		const { actual, members } = org(10);
		const v = checkSafety(planFor(actual, members, members.slice(0, 5)), actual, { safetyLimit: 0.2 });
		expect(v.safe).to.equal(false);
		expect(v.reasons[0]).to.equal(
			'5 of 10 group memberships (50.0 %) name people missing from the people list: the feed looks truncated',
		);
	});

	it('is safe on a first sync', () => {
		const actual = actualState();
		const v = checkSafety(planFor(actual, ['a', 'b']), actual, { safetyLimit: 0 });
		expect(v.safe).to.equal(true);
	});

	it('counts role grants: a run that puts more accounts than the limit into a role halts', () => {
		const { actual, members } = org(10);
		const a = { ...actual, serverRoles: new Set(['staff']), roleHolders: new Map([['staff', []]]) };
		const grant = (holders: string[]) => {
			const p = plan(
				desiredState({
					people: members.map((id) => person(id)),
					groups: { g: { name: 'G', members: members.map((externalId) => ({ externalId })) } },
					roles: { staff: holders },
				}),
				a,
				settingsFor(a),
			);
			return checkSafety(p, a, { safetyLimit: 0.2 });
		};
		expect(grant(members.slice(0, 2)).safe).to.equal(true);
		const v = grant(members.slice(0, 3));
		expect(v.safe).to.equal(false);
		expect(v.figures).to.include({ roleAssignmentsAdded: 3, accountsGranted: 3, accountsInScope: 10 });
		expect(v.reasons).to.deep.equal(['the run would grant 3 of 10 accounts a role (30.0 %), more than the limit of 20.0 %']);
	});
});
