import { expect } from 'chai';

import { Harness } from './harness';
import {
	callsNow,
	drainJobs,
	GroupReply,
	Org,
	orgPerson,
	picture,
	restWrites,
	roomOverRest,
	status,
	SyncReply,
	userOverRest,
} from './sync-support';

/**
 * The sync end to end in the sandbox: a snapshot of an org becomes rooms, members, leaders, moderators,
 * roles and account states, read back over REST as an admin would; a second sync writes nothing; each
 * change produces exactly its writes. One story, in order: each change is made to the org the tests
 * before it built, which is what "exactly its writes" is measured against.
 */
describe('sync: an org snapshot becomes rooms, members, roles and account states', function () {
	this.timeout(120_000);
	let h: Harness;
	const username = (i: number) => h.world.findUserByEmail(`p${i}@example.org`)?.username as string;
	const usernames = (...ids: number[]) => ids.map(username).sort();
	let bot: string;
	/** The integration account: a member of every room the sync manages (its REST calls need it). */
	let admin: string;

	const org = (): Org => ({
		people: [
			...Array.from({ length: 20 }, (_, i) => orgPerson(i)),
			// p0 has a photo, p1 a nickname, p13 is inactive in the system of record.
		].map((p, i) =>
			i === 0
				? { ...p, photoUrl: 'https://img.example.org/p0.png' }
				: i === 1
					? { ...p, nickName: 'Benji' }
					: i === 13
						? { ...p, active: false }
						: p,
		),
		groups: {
			youth: {
				name: 'Youth Group',
				topic: 'Sundays at 6',
				members: [{ externalId: 'p0', role: 'leader' }, ...[1, 2, 3, 4, 5, 6, 7].map((i) => ({ externalId: `p${i}` }))],
			},
			choir: {
				name: 'Choir',
				members: [{ externalId: 'p5', role: 'leader' }, ...[8, 9, 10, 11, 12, 13, 0].map((i) => ({ externalId: `p${i}` }))],
			},
			elders: {
				name: 'Elders & Deacons',
				members: [
					{ externalId: 'p14', role: 'leader' },
					{ externalId: 'p15', role: 'leader' },
					{ externalId: 'p16' },
					{ externalId: 'p17' },
				],
			},
			banned: { name: 'Banned', members: [{ externalId: 'p18' }] },
		},
		roles: { 'Core Team': ['p0', 'p14', 'p99'], 'Ghost Role': ['p1'] },
		excluded: [],
	});

	before(async () => {
		h = await Harness.start({ settings: { sync_exclusion_group: 'banned', sync_assignable_roles: 'Core Team\nGhost Role' } });
		h.world.createRole('Core Team');
		// Two people already have accounts through single sign-on: p18 (to be excluded) and p19 (in no group).
		for (const i of [18, 19]) expect((await h.app('POST', 'sso/token', orgPerson(i))).status).to.equal(200);
		await drainJobs(h);
		bot = [...h.world.users.values()].find((u) => u.type === 'app')?.username as string;
		admin = h.info.admin.username;
	});
	after(async () => {
		await h?.stop();
	});

	it('accepts the snapshot, then a sync run creates everything', async () => {
		const res = await h.app<Record<string, number>>('POST', 'snapshot', org());
		expect(res.status, JSON.stringify(res.body)).to.equal(202);
		expect(res.body).to.include({ people: 20, groups: 4, roles: 2, excluded: 0 });
		expect(res.body.changed).to.be.greaterThan(0);
		// The push scheduled a run; jobs run it (and any continuation).
		await drainJobs(h);

		expect(await roomOverRest(h, 'youth-group')).to.deep.equal({
			topic: 'Sundays at 6',
			members: [bot, admin, ...usernames(0, 1, 2, 3, 4, 5, 6, 7)].sort(),
			leaders: [username(0)],
			moderators: [username(0)],
		});
		expect(await roomOverRest(h, 'choir')).to.deep.equal({
			topic: null,
			members: [bot, admin, ...usernames(5, 8, 9, 10, 11, 12, 0)].sort(),
			leaders: [username(5)],
			moderators: [username(5)],
		});
		expect(await roomOverRest(h, 'elders-deacons')).to.deep.equal({
			topic: null,
			members: [bot, admin, ...usernames(14, 15, 16, 17)].sort(),
			leaders: usernames(14, 15),
			moderators: usernames(14, 15),
		});
		// The exclusion group never becomes a room.
		expect(await roomOverRest(h, 'banned')).to.equal(null);

		const core = await h.rest<{ users: Array<{ username: string }> }>('GET', 'roles.getUsersInRole', { role: 'Core Team' });
		expect(core.body.users.map((u) => u.username).sort()).to.deep.equal(usernames(0, 14));

		expect((await userOverRest(h, username(0)))?.active).to.equal(true);
		expect((await userOverRest(h, username(18)))?.active, 'excluded').to.equal(false);
		expect((await userOverRest(h, username(19)))?.active, 'in no group').to.equal(false);
		expect(h.world.findUserByEmail('p13@example.org'), 'inactive person gets no account').to.equal(undefined);
		expect(h.world.findUserByUsername(username(0))?.avatarUrl).to.equal('https://img.example.org/p0.png');
		expect(h.world.findUserByUsername(username(1))?.nickname).to.equal('Benji');
		expect(username(2)).to.equal('chloe.lindqvist');

		const s = await status(h);
		expect(s.sync.lastPass?.applied.createRoom).to.equal(3);
		expect(s.sync.lastPass?.conflicts).to.equal(2);
		expect(s.sync.halted).to.equal(null);
		expect(s.sync.current).to.equal(null);
	});

	it('reports the conflicts: an unknown person and a role missing on the server', async () => {
		const res = await h.app<{ plan: { conflicts: Array<{ externalId: string; reason: string }> } }>('POST', 'sync?dryRun=true');
		expect(res.status).to.equal(200);
		const conflicts = res.body.plan.conflicts.map((c) => `${c.externalId} ${c.reason.split(':')[0]}`).sort();
		expect(conflicts).to.deep.equal(['p1 role-missing', 'p99 unknown-person']);
	});

	it('writes nothing on a second sync', async () => {
		const before = picture(h);
		const calls = callsNow(h);
		const res = await h.app<SyncReply>('POST', 'sync');
		expect(res.status, JSON.stringify(res.body)).to.equal(200);
		expect(res.body.outcome).to.equal('finished');
		expect(res.body.dryRun).to.equal(false);
		const { conflicts: _c, ...counts } = res.body.plan;
		expect(
			Object.values(counts).every((n) => n === 0),
			JSON.stringify(counts),
		).to.equal(true);
		expect(restWrites(h, calls)).to.deep.equal({});
		expect(picture(h)).to.deep.equal(before);
	});

	/** Makes a change through the API, lets the sync run it pushes, and returns the REST writes and the pictures around it. */
	async function changeAndSync(
		change: () => Promise<void>,
	): Promise<{ writes: Record<string, number>; before: ReturnType<typeof picture>; after: ReturnType<typeof picture> }> {
		await drainJobs(h);
		const before = picture(h);
		const calls = callsNow(h);
		await change();
		expect(await drainJobs(h), 'the push schedules a sync run').to.be.greaterThan(0);
		const s = await status(h);
		expect(s.sync.current, 'the pass is complete').to.equal(null);
		expect(s.sync.lastRun?.outcome).to.equal('finished');
		return { writes: restWrites(h, calls), before, after: picture(h) };
	}

	it('removes a member who left the group, and nothing else', async () => {
		const youth = org().groups.youth;
		const { writes, before, after } = await changeAndSync(async () => {
			const res = await h.app('PUT', 'groups/youth', { ...youth, members: youth.members.filter((m) => m.externalId !== 'p7') });
			expect(res.status).to.equal(202);
			expect((res.body as { plan: { removeMembers: number } }).plan.removeMembers).to.equal(1);
		});
		// The removal goes through the Apps-Engine accessor; p7 is in no group now, so the account is deactivated.
		expect(writes).to.deep.equal({ 'users.setActiveStatus': 1 });
		const room = before.rooms['youth-group'] as { members: string[] };
		expect(after.rooms['youth-group']).to.deep.equal({ ...room, members: room.members.filter((u) => u !== username(7)) });
		expect({ ...after.rooms, 'youth-group': null }).to.deep.equal({ ...before.rooms, 'youth-group': null });
		expect(after.users[username(7)]).to.deep.include({ active: false });
	});

	it('demotes a leader: leader and moderator removed, still a member', async () => {
		const choir = org().groups.choir;
		const { writes, before, after } = await changeAndSync(async () => {
			await h.app('PUT', 'groups/choir', {
				...choir,
				members: choir.members.map((m) => (m.externalId === 'p5' ? { externalId: 'p5' } : m)),
			});
		});
		expect(writes).to.deep.equal({ 'groups.removeLeader': 1, 'groups.removeModerator': 1 });
		expect(after.rooms.choir).to.deep.equal({ ...(before.rooms.choir as object), leaders: [], moderators: [] });
		expect(after.users).to.deep.equal(before.users);
	});

	it('sets a changed photo, once', async () => {
		const photo = { ...orgPerson(0), photoUrl: 'https://img.example.org/p0-new.png' };
		const { writes, after } = await changeAndSync(async () => {
			expect((await h.app('PUT', 'people/p0', photo)).status).to.equal(202);
		});
		expect(writes).to.deep.equal({ 'users.setAvatar': 1 });
		expect((after.users[username(0)] as { avatar: string }).avatar).to.equal('https://img.example.org/p0-new.png');
		// Sending the same photo again changes nothing.
		const again = await changeAndSync(async () => {
			await h.app('PUT', 'people/p0', photo);
		});
		expect(again.writes).to.deep.equal({});
	});

	it('excludes a person: deactivated and removed from their rooms', async () => {
		const { writes, before, after } = await changeAndSync(async () => {
			await h.app('PUT', 'groups/banned', { name: 'Banned', members: [{ externalId: 'p18' }, { externalId: 'p16' }] });
		});
		expect(writes).to.deep.equal({ 'users.setActiveStatus': 1 });
		expect(after.users[username(16)]).to.deep.include({ active: false });
		const elders = before.rooms['elders-deacons'] as { members: string[] };
		expect(after.rooms['elders-deacons']).to.deep.equal({ ...elders, members: elders.members.filter((u) => u !== username(16)) });
	});

	it('deletes the room of a deleted group (delete inactive groups is on)', async () => {
		const { writes, before, after } = await changeAndSync(async () => {
			const res = await h.app('DELETE', 'groups/elders');
			expect(res.status).to.equal(202);
			expect((res.body as { plan: { deleteRooms: number } }).plan.deleteRooms).to.equal(1);
		});
		// The room goes through the accessor; its members are in no group any more and are deactivated.
		expect(writes).to.deep.equal({ 'users.setActiveStatus': 3, 'roles.removeUserFromRole': 1 });
		expect(after.rooms['elders-deacons']).to.equal(undefined);
		expect({ ...after.rooms }).to.deep.equal(Object.fromEntries(Object.entries(before.rooms).filter(([k]) => k !== 'elders-deacons')));
		expect((await h.app('DELETE', 'groups/elders')).status).to.equal(404);
	});

	it('grants a role to exactly the listed people (PUT roles/{roleName})', async () => {
		const { writes } = await changeAndSync(async () => {
			const res = await h.app('PUT', 'roles/Core%20Team', { members: ['p0', 'p1'] });
			expect(res.status, JSON.stringify(res.body)).to.equal(202);
			expect(res.body).to.deep.equal({ role: 'Core Team', members: 2 });
		});
		expect(writes).to.deep.equal({ 'roles.addUserToRole': 1 });
		const core = await h.rest<{ users: Array<{ username: string }> }>('GET', 'roles.getUsersInRole', { role: 'Core Team' });
		expect(core.body.users.map((u) => u.username).sort()).to.deep.equal(usernames(0, 1));
	});

	it('answers GET groups/{key} with the desired state, the room and the pending plan', async () => {
		const res = await h.app<GroupReply>('GET', 'groups/youth');
		expect(res.status).to.equal(200);
		expect(res.body.group).to.equal('youth');
		expect(res.body.desired?.name).to.equal('Youth Group');
		expect(res.body.room?.name).to.equal('youth-group');
		expect(res.body.plan.addMembers).to.equal(0);
		expect((await h.app('GET', 'groups/nope')).status).to.equal(404);
	});

	it('lists the managed rooms of a person with /integration rooms-of', async () => {
		const roomId = h.createRoom('admins-lobby', []);
		await h.command(roomId, 'integration', `rooms-of @${username(0)}`);
		const text = await h.waitFor(
			() => h.world.ephemeral.map((e) => e.text).find((t) => t?.includes('youth-group')),
			'the rooms-of reply',
		);
		expect(text).to.include('#choir').and.to.include('#youth-group');
	});
});
