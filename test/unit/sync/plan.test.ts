import { expect } from 'chai';

import {
	ActualPerson,
	ActualRoom,
	applyPlanToActual,
	comparePositions,
	DesiredPerson,
	MemberOp,
	opPosition,
	plan,
	Plan,
	SyncOp,
	SyncSettings,
} from '../../../core/sync';
import { account, actualState, desiredState, person, room, settingsFor } from './fixtures';

/** Ops as compact strings: `kind scope id`, or with a payload for a few kinds. */
function brief(p: Plan): string[] {
	return p.ops.map((op) => {
		switch (op.kind) {
			case 'createUser':
				return `createUser ${op.externalId} ${op.username} ${op.email}`;
			case 'createRoom':
				return `createRoom ${op.groupKey} ${op.name}`;
			case 'deleteRoom':
			case 'releaseRoom':
				return `${op.kind} ${op.groupKey} ${op.reason}`;
			case 'deactivateUser':
				return `deactivateUser ${op.externalId} ${op.reason}`;
			case 'updateProfile':
				return `updateProfile ${op.externalId} ${JSON.stringify({ name: op.name, nickname: op.nickname, email: op.email })}`;
			case 'setPhoto':
				return `setPhoto ${op.externalId} ${op.photoUrl}`;
			case 'setTopic':
				return `setTopic ${op.groupKey} ${op.topic}`;
			case 'addRole':
			case 'removeRole':
				return `${op.kind} ${op.roleName} ${op.externalId}`;
			case 'reactivateUser':
			case 'resetPassword':
				return `${op.kind} ${op.externalId}`;
			default:
				return `${op.kind} ${op.groupKey} ${op.externalId}`;
		}
	});
}

const people = (...list: Array<[string, ActualPerson]>): Map<string, ActualPerson> => new Map(list);
const managed = (...ids: string[]): Map<string, ActualPerson> => new Map(ids.map((id) => [id, account(id)]));
const rooms = (...list: Array<[string, ActualRoom]>): Map<string, ActualRoom> => new Map(list);

function run(desired = desiredState(), actual = actualState(), sync: Partial<SyncSettings> = {}): Plan {
	return plan(desired, actual, settingsFor(actual, sync));
}

describe('sync planner', () => {
	describe('first sync', () => {
		const desired = desiredState({
			people: [person('ann'), person('bob'), person('cid', { nickName: 'C', photoUrl: 'https://x/c.png' })],
			groups: {
				youth: {
					name: 'Youth Group',
					topic: 'Fridays',
					members: [{ externalId: 'ann', role: 'leader' }, { externalId: 'bob' }, { externalId: 'cid' }],
				},
			},
		});

		it('creates accounts, then the room, then members, leaders and moderators, in that order', () => {
			const p = run(desired);
			expect(brief(p)).to.deep.equal([
				'createUser ann ann.doe ann@example.org',
				'createUser bob bob.doe bob@example.org',
				'createUser cid cid.doe cid@example.org',
				'setPhoto cid https://x/c.png',
				'createRoom youth youth-group',
				'addMember youth ann',
				'addMember youth bob',
				'addMember youth cid',
				'setLeader youth ann',
				'setModerator youth ann',
			]);
			expect(p.conflicts).to.deep.equal([]);
			const add = p.ops.find((op) => op.kind === 'addMember') as MemberOp;
			expect(add.roomId).to.equal(null);
			expect(add.userId).to.equal(null);
			expect(add.username).to.equal('ann.doe');
			const create = p.ops.find((op) => op.kind === 'createUser' && op.externalId === 'cid');
			expect(create).to.include({ name: 'Cid Doe', nickname: 'C', requestedEmail: 'cid@example.org' });
			expect(p.ops.find((op) => op.kind === 'createRoom')).to.include({ topic: 'Fridays' });
		});

		it('plans nothing once applied', () => {
			const actual = actualState();
			const after = applyPlanToActual(actual, run(desired, actual).ops);
			expect(run(desired, after).ops).to.deep.equal([]);
		});

		it('gives people only named by roles no account', () => {
			const p = run(
				desiredState({ people: [person('ann')], roles: { staff: ['ann'] } }),
				actualState({ serverRoles: new Set(['staff']) }),
			);
			expect(p.ops).to.deep.equal([]);
		});
	});

	describe('members', () => {
		// Not every person is in the group here: keep their accounts out of the picture.
		const runM = (desired: ReturnType<typeof desiredState>, actual: ReturnType<typeof actualState>): Plan =>
			run(desired, actual, { disableWithoutGroups: false });
		const base = (members: string[], leaders: string[] = [], moderators: string[] = []): ReturnType<typeof actualState> =>
			actualState({
				people: managed('ann', 'bob', 'cid'),
				rooms: rooms(['g', room('R1', 'g', members, { leaders, moderators })]),
			});
		const d = (members: Array<[string, 'member' | 'leader']>): ReturnType<typeof desiredState> =>
			desiredState({
				people: [person('ann'), person('bob'), person('cid')],
				groups: { g: { name: 'G', members: members.map(([externalId, role]) => ({ externalId, role })) } },
			});

		it('adds a joiner with the room id and user id known', () => {
			const p = runM(
				d([
					['ann', 'member'],
					['bob', 'member'],
				]),
				base(['u-ann']),
			);
			expect(p.ops).to.deep.equal([
				{ kind: 'addMember', groupKey: 'g', roomId: 'R1', externalId: 'bob', userId: 'u-bob', username: 'bob.doe' },
			]);
		});

		it('removes a leaver, without separate unset operations for a leaving leader', () => {
			const p = runM(d([['ann', 'member']]), base(['u-ann', 'u-bob'], ['u-bob'], ['u-bob']));
			expect(brief(p)).to.deep.equal(['removeMember g bob']);
		});

		it('makes a new leader leader and moderator', () => {
			const p = runM(
				d([
					['ann', 'leader'],
					['bob', 'member'],
				]),
				base(['u-ann', 'u-bob']),
			);
			expect(brief(p)).to.deep.equal(['setLeader g ann', 'setModerator g ann']);
		});

		it('only adds what a leader lacks', () => {
			const p = runM(d([['ann', 'leader']]), base(['u-ann'], [], ['u-ann']));
			expect(brief(p)).to.deep.equal(['setLeader g ann']);
		});

		it('takes both leader and moderator from a demoted leader', () => {
			const p = runM(
				d([
					['ann', 'member'],
					['bob', 'member'],
				]),
				base(['u-ann', 'u-bob'], ['u-ann'], ['u-ann']),
			);
			expect(brief(p)).to.deep.equal(['unsetLeader g ann', 'unsetModerator g ann']);
		});

		it('leaves a moderator set by hand (never a leader) alone', () => {
			const p = runM(
				d([
					['ann', 'member'],
					['bob', 'member'],
				]),
				base(['u-ann', 'u-bob'], [], ['u-bob']),
			);
			expect(p.ops).to.deep.equal([]);
		});

		it('treats a duplicate member entry as one, leader winning', () => {
			const p = runM(
				d([
					['ann', 'member'],
					['ann', 'leader'],
				]),
				base(['u-ann'], ['u-ann'], ['u-ann']),
			);
			expect(p.ops).to.deep.equal([]);
		});

		it('never touches members of a managed room who are not managed people', () => {
			const p = runM(d([['ann', 'member']]), base(['u-ann', 'admin-1', 'app-bot'], ['admin-1'], ['admin-1']));
			expect(p.ops).to.deep.equal([]);
		});

		it('changes the topic only when the group sets one', () => {
			const actual = actualState({ people: managed('ann'), rooms: rooms(['g', room('R1', 'g', ['u-ann'], { topic: 'old' })]) });
			const withTopic = desiredState({
				people: [person('ann')],
				groups: { g: { name: 'G', topic: 'new', members: [{ externalId: 'ann' }] } },
			});
			expect(brief(runM(withTopic, actual))).to.deep.equal(['setTopic g new']);
			const without = desiredState({ people: [person('ann')], groups: { g: { name: 'G', members: [{ externalId: 'ann' }] } } });
			expect(runM(without, actual).ops).to.deep.equal([]);
		});
	});

	describe('rooms that lose their group', () => {
		const actual = (): ReturnType<typeof actualState> =>
			actualState({ people: managed('ann'), rooms: rooms(['g', room('R1', 'g', ['u-ann'])], ['h', room('R2', 'h', ['u-ann'])]) });
		const keepH = { h: { name: 'H', members: [{ externalId: 'ann' }] } };

		it('deletes the room of a group that is gone, inactive, or without active members', () => {
			const people = [person('ann'), person('zed', { active: false })];
			expect(brief(run(desiredState({ people, groups: keepH }), actual()))).to.deep.equal(['deleteRoom g group-gone']);
			const inactive = { ...keepH, g: { name: 'G', active: false, members: [{ externalId: 'ann' }] } };
			expect(brief(run(desiredState({ people, groups: inactive }), actual()))).to.deep.equal(['deleteRoom g group-inactive']);
			const empty = { ...keepH, g: { name: 'G', members: [{ externalId: 'zed' }] } };
			expect(brief(run(desiredState({ people, groups: empty }), actual()))).to.deep.equal(['deleteRoom g no-active-members']);
		});

		it('only releases the room when deleting inactive groups is off', () => {
			const p = run(desiredState({ people: [person('ann')], groups: keepH }), actual(), { deleteInactiveGroups: false });
			expect(p.ops).to.deep.equal([{ kind: 'releaseRoom', groupKey: 'g', roomId: 'R1', name: 'g', reason: 'group-gone' }]);
			const after = applyPlanToActual(actual(), p.ops);
			expect([...after.rooms.keys()]).to.deep.equal(['h']);
			expect(run(desiredState({ people: [person('ann')], groups: keepH }), after, { deleteInactiveGroups: false }).ops).to.deep.equal(
				[],
			);
		});

		it('does not create a room for a group without effective members', () => {
			const p = run(
				desiredState({
					people: [person('zed', { active: false })],
					groups: { g: { name: 'G', members: [{ externalId: 'zed' }] } },
				}),
			);
			expect(p.ops).to.deep.equal([]);
		});
	});

	describe('room names', () => {
		it('derives a valid name and de-duplicates against every room and within the plan', () => {
			const actual = actualState({ roomNames: new Set(['Choir', 'choir-2', 'general']) });
			const d = desiredState({
				people: [person('ann')],
				groups: {
					a: { name: 'Choir', members: [{ externalId: 'ann' }] },
					b: { name: 'choir', members: [{ externalId: 'ann' }] },
					c: { name: "Zoë's Bible Study (Mon.)", members: [{ externalId: 'ann' }] },
					d: { name: '!!!', members: [{ externalId: 'ann' }] },
				},
			});
			const names = run(d, actual)
				.ops.filter((op) => op.kind === 'createRoom')
				.map((op) => (op.kind === 'createRoom' ? op.name : ''));
			expect(names).to.deep.equal(['choir-3', 'choir-4', 'zoes-bible-study-mon', 'd']);
		});
	});

	describe('account states', () => {
		const groups = { g: { name: 'G', members: [{ externalId: 'ann' }, { externalId: 'bob' }] } };

		it('deactivates and strips an excluded person (list or exclusion group), and creates no account for one', () => {
			const actual = actualState({
				people: managed('ann', 'bob'),
				rooms: rooms(['g', room('R1', 'g', ['u-ann', 'u-bob'], { leaders: ['u-bob'], moderators: ['u-bob'] })]),
				roleHolders: new Map([['staff', ['u-bob']]]),
				serverRoles: new Set(['staff']),
			});
			const d = desiredState({
				people: [person('ann'), person('bob'), person('cid')],
				groups: {
					...groups,
					g: { name: 'G', members: [{ externalId: 'ann' }, { externalId: 'bob', role: 'leader' }, { externalId: 'cid' }] },
				},
				roles: { staff: ['bob'] },
				excluded: ['bob', 'cid'],
			});
			expect(brief(run(d, actual))).to.deep.equal(['deactivateUser bob excluded', 'removeMember g bob', 'removeRole staff bob']);
			const viaGroup = desiredState({
				...d,
				excluded: [],
				groups: { ...d.groups, banned: { name: 'Banned', members: [{ externalId: 'bob' }, { externalId: 'cid' }] } },
			});
			expect(brief(run(viaGroup, actual, { exclusionGroup: 'banned' }))).to.deep.equal([
				'deactivateUser bob excluded',
				'removeMember g bob',
				'removeRole staff bob',
			]);
		});

		it('deactivates a person marked inactive', () => {
			const actual = actualState({ people: managed('ann', 'bob'), rooms: rooms(['g', room('R1', 'g', ['u-ann', 'u-bob'])]) });
			const d = desiredState({ people: [person('ann'), person('bob', { active: false })], groups });
			expect(brief(run(d, actual))).to.deep.equal(['deactivateUser bob inactive', 'removeMember g bob']);
		});

		it('deactivates accounts without any group only when that setting is on, including people no longer sent', () => {
			const actual = actualState({ people: managed('ann', 'bob', 'gone'), rooms: rooms(['g', room('R1', 'g', ['u-ann'])]) });
			const d = desiredState({
				people: [person('ann'), person('bob')],
				groups: { g: { name: 'G', members: [{ externalId: 'ann' }] } },
			});
			expect(brief(run(d, actual))).to.deep.equal(['deactivateUser bob no-groups', 'deactivateUser gone no-groups']);
			expect(run(d, actual, { disableWithoutGroups: false }).ops).to.deep.equal([]);
		});

		it('reactivates an account whose person is back, but not one whose person is no longer sent', () => {
			const actual = actualState({
				people: people(['ann', account('ann', { active: false })], ['gone', account('gone', { active: false })]),
				rooms: rooms(['g', room('R1', 'g', [])]),
			});
			const d = desiredState({ people: [person('ann')], groups: { g: { name: 'G', members: [{ externalId: 'ann' }] } } });
			expect(brief(run(d, actual, { disableWithoutGroups: false }))).to.deep.equal(['reactivateUser ann', 'addMember g ann']);
		});
	});

	describe('profiles', () => {
		const g = { g: { name: 'G', members: [{ externalId: 'ann' }] } };
		const one = (p: DesiredPerson, a: ActualPerson, sync: Partial<SyncSettings> = {}, emailOwners?: Map<string, string>): Plan => {
			const actual = actualState({ people: people(['ann', a]), rooms: rooms(['g', room('R1', 'g', [a.userId])]) });
			return run(desiredState({ people: [p], groups: g }), emailOwners ? { ...actual, emailOwners } : actual, sync);
		};

		it('updates name and nickname, in one operation', () => {
			expect(brief(one(person('ann', { lastName: 'Smith', nickName: 'A' }), account('ann')))).to.deep.equal([
				'updateProfile ann {"name":"Ann Smith","nickname":"A"}',
			]);
			expect(brief(one(person('ann'), account('ann', { nickname: 'old' })))).to.deep.equal(['updateProfile ann {"nickname":""}']);
		});

		it('updates the e-mail only when syncing e-mail, comparing without case', () => {
			expect(brief(one(person('ann', { email: 'ann@new.org' }), account('ann')))).to.deep.equal([
				'updateProfile ann {"email":"ann@new.org"}',
			]);
			expect(one(person('ann', { email: 'ann@new.org' }), account('ann'), { email: false }).ops).to.deep.equal([]);
			expect(one(person('ann', { email: ' ANN@example.org' }), account('ann')).ops).to.deep.equal([]);
		});

		it('reports an e-mail taken by another account as a conflict and still updates the rest', () => {
			const owners = new Map([['taken@x.org', 'someone-else']]);
			const p = one(person('ann', { email: 'taken@x.org', firstName: 'Anna' }), account('ann'), {}, owners);
			expect(brief(p)).to.deep.equal(['updateProfile ann {"name":"Anna Doe"}']);
			expect(p.conflicts).to.deep.equal([
				{
					externalId: 'ann',
					reason: 'email-taken',
					detail: 'e-mail "taken@x.org" belongs to another account; the e-mail was left unchanged',
				},
			]);
		});

		it('gives a free address wanted by two people to the first by externalId, whatever the input order', () => {
			const actual = actualState({ people: managed('ann', 'bob'), rooms: rooms(['g', room('R1', 'g', ['u-ann', 'u-bob'])]) });
			const groups = { g: { name: 'G', members: [{ externalId: 'ann' }, { externalId: 'bob' }] } };
			const wanted = [person('bob', { email: 'team@x.org' }), person('ann', { email: 'team@x.org' })];
			for (const list of [wanted, [...wanted].reverse()]) {
				const p = run(desiredState({ people: list, groups }), actual);
				expect(brief(p)).to.deep.equal(['updateProfile ann {"email":"team@x.org"}']);
				expect(p.conflicts.map((c) => [c.externalId, c.reason])).to.deep.equal([['bob', 'email-taken']]);
			}
		});

		it('keeps an alias the app assigned while the desired e-mail stays the same', () => {
			const a = account('ann', { email: 'ann+rc1@example.org', aliasOf: 'ann@example.org' });
			expect(one(person('ann'), a).ops).to.deep.equal([]);
		});

		it('sets the photo when its URL changed since the app last set it, and resets one the app had set', () => {
			expect(
				brief(one(person('ann', { photoUrl: 'https://x/2.png' }), account('ann', { photoUrl: 'https://x/1.png' }))),
			).to.deep.equal(['setPhoto ann https://x/2.png']);
			expect(one(person('ann', { photoUrl: 'https://x/1.png' }), account('ann', { photoUrl: 'https://x/1.png' })).ops).to.deep.equal(
				[],
			);
			expect(one(person('ann', { photoUrl: 'https://x/2.png' }), account('ann'), { photos: false }).ops).to.deep.equal([]);
			expect(brief(one(person('ann'), account('ann', { photoUrl: 'https://x/1.png' })))).to.deep.equal(['setPhoto ann null']);
		});

		it('resets stale passwords when resyncing passwords', () => {
			const a = account('ann', { passwordStale: true });
			expect(brief(one(person('ann'), a, { resyncPasswords: true }))).to.deep.equal(['resetPassword ann']);
			expect(one(person('ann'), a).ops).to.deep.equal([]);
			expect(one(person('ann'), account('ann'), { resyncPasswords: true }).ops).to.deep.equal([]);
		});

		it('leaves the profile of an account being deactivated alone', () => {
			const p = one(person('ann', { active: false, lastName: 'New' }), account('ann'));
			expect(brief(p)).to.deep.equal(['deactivateUser ann inactive', 'deleteRoom g no-active-members']);
		});

		it("makes the e-mail's verified flag follow emailVerified, with the address or alone", () => {
			const changed = one(person('ann', { email: 'ann@new.org', emailVerified: true }), account('ann'));
			expect(changed.ops).to.deep.include({ ...changed.ops[0], email: 'ann@new.org', emailVerified: true });
			const unverified = one(person('ann', { email: 'ann@new.org' }), account('ann'));
			expect(unverified.ops[0]).to.deep.include({ kind: 'updateProfile', email: 'ann@new.org', emailVerified: false });
			// The flag alone, once the app knows what it set.
			const flag = one(person('ann', { emailVerified: true }), account('ann', { emailVerified: false }));
			expect(flag.ops).to.have.length(1);
			expect(flag.ops[0]).to.deep.include({ kind: 'updateProfile', emailVerified: true });
			expect(flag.ops[0]).to.not.have.property('email');
			expect(one(person('ann', { emailVerified: true }), account('ann', { emailVerified: true })).ops).to.deep.equal([]);
			// Unknown (never set by the app): left alone until the address changes.
			expect(one(person('ann', { emailVerified: true }), account('ann')).ops).to.deep.equal([]);
			expect(
				one(person('ann', { emailVerified: true }), account('ann', { emailVerified: false }), { email: false }).ops,
			).to.deep.equal([]);
		});
	});

	describe('linked accounts (existed before, the app did not create them)', () => {
		const g = { g: { name: 'G', members: [{ externalId: 'ann' }] } };
		const linked = (extra: Partial<ActualPerson> = {}) => account('ann', { linked: true, ...extra });
		const withRoom = (a: ActualPerson) =>
			actualState({ people: people(['ann', a]), rooms: rooms(['g', room('R1', 'g', a.active ? [a.userId] : [])]) });

		it('never changes their password, e-mail address, its verified flag or active state', () => {
			const d = desiredState({
				people: [person('ann', { email: 'ann@new.org', emailVerified: true, lastName: 'Smith' })],
				groups: g,
			});
			const p = run(d, withRoom(linked({ passwordStale: true, emailVerified: false })), { resyncPasswords: true });
			expect(brief(p)).to.deep.equal(['updateProfile ann {"name":"Ann Smith"}']);
			expect(p.ops[0]).to.not.have.property('email');
			expect(p.ops[0]).to.not.have.property('emailVerified');
			// Excluded, inactive or without groups: out of the rooms and roles, but never deactivated.
			for (const extra of [{ excluded: ['ann'] }, { people: [person('ann', { active: false })] }, { groups: {} }]) {
				const q = run(desiredState({ people: [person('ann')], groups: g, ...extra }), withRoom(linked()));
				expect(q.ops.map((op) => op.kind)).to.not.include.members(['deactivateUser', 'reactivateUser']);
			}
			// Deactivated by someone else: never reactivated.
			expect(
				run(desiredState({ people: [person('ann')], groups: g }), withRoom(linked({ active: false }))).ops.map((o) => o.kind),
			).to.not.include('reactivateUser');
		});

		it('keeps them in the rooms and roles of their person', () => {
			const actual = actualState({
				people: people(['ann', linked()]),
				rooms: rooms(['g', room('R1', 'g', [])]),
				serverRoles: new Set(['staff']),
				roleHolders: new Map([['staff', []]]),
			});
			const p = run(desiredState({ people: [person('ann')], groups: g, roles: { staff: ['ann'] } }), actual);
			expect(brief(p)).to.deep.equal(['addMember g ann', 'addRole staff ann']);
		});
	});

	describe('roles', () => {
		const actual = (): ReturnType<typeof actualState> =>
			actualState({
				people: managed('ann', 'bob', 'cid'),
				rooms: rooms(['g', room('R1', 'g', ['u-ann', 'u-bob', 'u-cid'])]),
				roleHolders: new Map([
					['staff', ['u-bob', 'admin-1']],
					['other', ['u-ann']],
				]),
				serverRoles: new Set(['staff', 'other']),
			});
		const d = (roles: Record<string, string[]>): ReturnType<typeof desiredState> =>
			desiredState({
				people: [person('ann'), person('bob'), person('cid')],
				groups: { g: { name: 'G', members: [{ externalId: 'ann' }, { externalId: 'bob' }, { externalId: 'cid' }] } },
				roles,
			});

		it('grants and revokes so that managed holders are exactly the listed people', () => {
			expect(brief(run(d({ staff: ['ann', 'cid', 'cid'] }), actual()))).to.deep.equal([
				'addRole staff ann',
				'addRole staff cid',
				'removeRole staff bob',
			]);
		});

		it('never touches unmanaged holders or roles not in the desired state', () => {
			const p = run(d({ staff: [] }), actual());
			expect(brief(p)).to.deep.equal(['removeRole staff bob']);
		});

		it('reports a role missing on the server per person, and never creates it', () => {
			const p = run(d({ ghost: ['ann', 'bob'] }), actual());
			expect(p.ops).to.deep.equal([]);
			expect(p.conflicts.map((c) => [c.externalId, c.reason])).to.deep.equal([
				['ann', 'role-missing'],
				['bob', 'role-missing'],
			]);
		});

		it('gives a role to an account created in the same plan, after creating it', () => {
			const desired = desiredState({
				people: [person('new')],
				groups: { g: { name: 'G', members: [{ externalId: 'new' }] } },
				roles: { staff: ['new'] },
			});
			const a = actualState({ serverRoles: new Set(['staff']), roleHolders: new Map([['staff', []]]) });
			const ops = run(desired, a).ops;
			expect(brief({ ops, conflicts: [], figures: run(desired, a).figures })).to.deep.equal([
				'createUser new new.doe new@example.org',
				'createRoom g g',
				'addMember g new',
				'addRole staff new',
			]);
			expect(ops[3]).to.include({ userId: null, username: 'new.doe' });
		});
	});

	describe('conflicts', () => {
		it('lists an unknown member once per person, naming the groups and roles', () => {
			const p = run(
				desiredState({
					people: [person('ann')],
					groups: {
						a: { name: 'A', members: [{ externalId: 'ann' }, { externalId: 'ghost' }] },
						b: { name: 'B', members: [{ externalId: 'ghost' }] },
					},
					roles: { staff: ['ghost'] },
				}),
				actualState({ serverRoles: new Set(['staff']) }),
			);
			expect(p.conflicts).to.deep.equal([
				{
					externalId: 'ghost',
					reason: 'unknown-person',
					detail: 'named by groups "a", "b" and role "staff" but not in the people list',
				},
			]);
			expect(p.figures).to.include({ desiredMemberships: 3, unknownMemberships: 2 });
		});

		it('turns an allocation failure into a conflict and leaves that person out', () => {
			const d = desiredState({
				people: [person('ann'), person('bob')],
				groups: { g: { name: 'G', members: [{ externalId: 'ann' }, { externalId: 'bob' }] } },
			});
			const actual = actualState();
			const p = plan(d, actual, {
				...settingsFor(actual),
				allocateAccount: (x) => (x.externalId === 'bob' ? { error: 'no name' } : { username: 'ann', email: 'a@x' }),
			});
			expect(brief(p)).to.deep.equal(['createUser ann ann a@x', 'createRoom g g', 'addMember g ann']);
			expect(p.conflicts).to.deep.equal([
				{ externalId: 'bob', reason: 'allocation-failed', detail: 'no account could be allocated: no name' },
			]);
		});

		it('refuses an allocator answer that collides, and calls the allocator once per person in externalId order', () => {
			const d = desiredState({
				people: [person('cid'), person('bob'), person('ann')],
				groups: { g: { name: 'G', members: [{ externalId: 'cid' }, { externalId: 'bob' }, { externalId: 'ann' }] } },
			});
			const actual = actualState({ people: managed('old'), emailOwners: new Map([['old@example.org', 'u-old']]) });
			const calls: string[] = [];
			const p = plan(d, actual, {
				...settingsFor(actual, { disableWithoutGroups: false }),
				allocateAccount: (x) => {
					calls.push(x.externalId);
					return x.externalId === 'ann'
						? { username: 'same', email: 'a@x' }
						: x.externalId === 'bob'
							? { username: 'SAME', email: 'b@x' }
							: { username: 'cid', email: 'old@example.org' };
				},
			});
			expect(calls).to.deep.equal(['ann', 'bob', 'cid']);
			expect(p.conflicts.map((c) => [c.externalId, c.detail])).to.deep.equal([
				['bob', 'no account could be allocated: username "SAME" is already in use'],
				['cid', 'no account could be allocated: e-mail "old@example.org" is already in use'],
			]);
		});
	});

	describe('order and determinism', () => {
		it('gives the same plan for any order of the inputs, sorted by position', () => {
			const d = desiredState({
				people: [person('b'), person('a'), person('c')],
				groups: {
					y: { name: 'Y', members: [{ externalId: 'c' }, { externalId: 'a', role: 'leader' }] },
					x: { name: 'X', members: [{ externalId: 'b' }, { externalId: 'a' }] },
				},
				roles: { s: ['c', 'a'] },
			});
			const reversed = desiredState({
				people: [...d.people].reverse(),
				groups: Object.fromEntries(
					Object.entries(d.groups)
						.reverse()
						.map(([k, g]) => [k, { ...g, members: [...g.members].reverse() }]),
				),
				roles: { s: ['a', 'c'] },
			});
			const actual = actualState({ serverRoles: new Set(['s']) });
			const p1 = run(d, actual);
			expect(run(reversed, actual)).to.deep.equal(p1);
			const positions = p1.ops.map(opPosition);
			for (let i = 1; i < positions.length; i++) expect(comparePositions(positions[i - 1], positions[i])).to.be.lessThan(0);
		});

		it('orders long lists (rank table) exactly like short ones (string order)', () => {
			const ids = Array.from({ length: 150 }, (_, i) => [`m${(i * 7919) % 150}`, `M${i}`, `é${i}`, `a_${i}`][i % 4]);
			const d = desiredState({
				people: ids.map((id) => person(id)),
				groups: { big: { name: 'Big', members: ids.map((externalId) => ({ externalId })) } },
			});
			const p = run(d);
			const added = p.ops.filter((op) => op.kind === 'addMember').map((op) => (op as MemberOp).externalId);
			expect(added).to.deep.equal([...ids].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)));
			const created = p.ops.filter((op) => op.kind === 'createUser').map((op) => (op.kind === 'createUser' ? op.externalId : ''));
			expect(created).to.deep.equal(added);
		});

		it('never names an unmanaged room or user', () => {
			const actual = actualState({
				people: managed('ann'),
				rooms: rooms(['g', room('R1', 'g', ['u-ann', 'stranger'], { leaders: ['stranger'] })]),
				roomNames: new Set(['g', 'unmanaged-room']),
				roleHolders: new Map([['staff', ['stranger']]]),
				serverRoles: new Set(['staff']),
			});
			const d = desiredState({
				people: [person('bob')],
				groups: { h: { name: 'Unmanaged Room', members: [{ externalId: 'bob' }] } },
				roles: { staff: [] },
			});
			const ops: SyncOp[] = [...run(d, actual).ops];
			for (const op of ops) {
				if ('userId' in op) expect([null, 'u-ann']).to.include(op.userId);
				if ('roomId' in op) expect([null, 'R1']).to.include(op.roomId);
			}
			expect(brief({ ops, conflicts: [], figures: run(d, actual).figures })).to.deep.equal([
				'deactivateUser ann no-groups',
				'createUser bob bob.doe bob@example.org',
				'createRoom h unmanaged-room-2',
				'addMember h bob',
				'deleteRoom g group-gone',
			]);
		});
	});
});
