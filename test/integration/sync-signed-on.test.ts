import { expect } from 'chai';

import { Harness } from './harness';
import { status, SyncReply } from './sync-support';

interface TokenReply {
	userId: string;
	username: string;
}

const person = (externalId: string, firstName: string, lastName: string, extra: Record<string, unknown> = {}) => ({
	externalId,
	firstName,
	lastName,
	email: `${externalId}@example.org`,
	...extra,
});

/**
 * People who came in through single sign-on only are known to the sync (the contract, Groups): a group
 * naming them gives them its room, and "disable accounts without groups" leaves them be. A pushed profile
 * wins over the sign-on one, and a snapshot replaces them like everything else.
 */
describe('sync: a person who signed on is known', function () {
	this.timeout(120_000);
	let h: Harness;
	const sync = async () => {
		const res = await h.app<SyncReply>('POST', 'sync');
		expect(res.status, JSON.stringify(res.body)).to.equal(200);
		return res.body;
	};
	const conflicts = (r: SyncReply) => r.plan.conflicts.map((c) => `${c.externalId} ${c.reason.split(':')[0]}`);
	const members = (room: string) => (h.world.findRoomByName(room)?.members ?? []).map((id) => h.world.findUserById(id)?.username).sort();

	before(async () => {
		h = await Harness.start();
	});
	after(async () => {
		await h?.stop();
	});

	it('gives people known only from sso/token the room of a group naming them, and keeps their accounts active', async () => {
		const zoe = await h.app<TokenReply>('POST', 'sso/token', person('s1', 'Zoë', 'Adler', { nickName: 'Zo' }));
		const max = await h.app<TokenReply>('POST', 'sso/token', person('s2', 'Max', 'Berg'));
		expect([zoe.status, max.status]).to.deep.equal([200, 200]);
		const put = await h.app('PUT', 'groups/club', {
			name: 'Club',
			members: [{ externalId: 's1', role: 'leader' }, { externalId: 's2' }, { externalId: 's3' }],
		});
		expect(put.status).to.equal(202);
		const r = await sync();
		expect(conflicts(r), 'only the person nobody described is unknown').to.deep.equal(['s3 unknown-person']);
		expect(r.outcome).to.equal('finished');
		const bot = [...h.world.users.values()].find((u) => u.type === 'app')?.username;
		// The people, the app's bot and the integration account (a member of every room the sync manages).
		expect(members('club')).to.deep.equal([h.info.admin.username, bot, 'max.berg', 'zoe.adler'].sort());
		expect(h.world.findUserById(zoe.body.userId)).to.deep.include({ active: true, nickname: 'Zo' });
		expect(h.world.findUserById(max.body.userId)?.active).to.equal(true);
		// Signing on again with the same profile changes nothing.
		const revision = async () => (await status(h)).sync;
		const before = JSON.stringify((await revision()).desiredChangedAt);
		await h.app('POST', 'sso/token', person('s1', 'Zoë', 'Adler', { nickName: 'Zo' }));
		expect(JSON.stringify((await revision()).desiredChangedAt)).to.equal(before);
		const again = await sync();
		expect(again.applied?.addMembers ?? 0).to.equal(0);
		expect(again.applied?.updateProfiles ?? 0).to.equal(0);
	});

	it('keeps a pushed profile over the one a later sign-on sends', async () => {
		expect((await h.app('PUT', 'people/s2', person('s2', 'Max', 'Berg', { nickName: 'Maxi' }))).status).to.equal(202);
		await sync();
		const userId = h.world.findUserByUsername('max.berg')?._id as string;
		expect(h.world.findUserById(userId)?.nickname).to.equal('Maxi');
		expect((await h.app('POST', 'sso/token', person('s2', 'Max', 'Berg', { nickName: 'Old Nick' }))).status).to.equal(200);
		const r = await sync();
		expect(r.applied?.updateProfiles ?? 0).to.equal(0);
		expect(h.world.findUserById(userId)?.nickname).to.equal('Maxi');
	});

	it('forgets a sign-on profile when a snapshot replaces the desired state, and knows the person again at the next sign-on', async () => {
		const snap = await h.app('POST', 'snapshot', {
			people: [person('s2', 'Max', 'Berg', { nickName: 'Maxi' })],
			groups: { club: { name: 'Club', members: [{ externalId: 's1', role: 'leader' }, { externalId: 's2' }] } },
		});
		expect(snap.status).to.equal(202);
		const dry = await h.app<SyncReply>('POST', 'sync?dryRun=true');
		expect(conflicts(dry.body)).to.deep.equal(['s1 unknown-person']);
		expect((await h.app('POST', 'sso/token', person('s1', 'Zoë', 'Adler', { nickName: 'Zo' }))).status).to.equal(200);
		const r = await sync();
		expect(conflicts(r)).to.deep.equal([]);
		expect(members('club')).to.include('zoe.adler');
		expect((await status(h)).sync.lastPass?.failed).to.deep.equal({});
	});
});

describe('PUT people/{externalId}: the path names the person', function () {
	this.timeout(60_000);
	let h: Harness;

	before(async () => {
		h = await Harness.start();
	});
	after(async () => {
		await h?.stop();
	});

	it('accepts a body without externalId, and one whose externalId equals the path', async () => {
		const { externalId: _id, ...withoutId } = person('w1', 'Wanda', 'Ng');
		const a = await h.app('PUT', 'people/w1', withoutId);
		expect(a.status, JSON.stringify(a.body)).to.equal(202);
		expect(a.body).to.deep.equal({ externalId: 'w1' });
		expect((await h.app('PUT', 'people/w2', person('w2', 'Wim', 'Ode'))).status).to.equal(202);
		// Both are known: a group naming them gives them accounts and a room.
		await h.app('PUT', 'groups/ng', { name: 'Ng', members: [{ externalId: 'w1' }, { externalId: 'w2' }] });
		const r = await h.app<SyncReply>('POST', 'sync');
		expect(r.body.plan.conflicts).to.deep.equal([]);
		expect(r.body.applied?.createUsers).to.equal(2);
		expect(h.world.findUserByEmail('w1@example.org')?.username).to.equal('wanda.ng');
	});

	it('refuses a body whose externalId differs from the path, naming the field, and stores nothing', async () => {
		const before = h.world.persistence.size;
		const res = await h.app('PUT', 'people/w3', person('w4', 'Vera', 'Lund'));
		expect(res.status).to.equal(400);
		expect(res.body).to.deep.equal({
			error: 'invalid-request',
			details: [{ field: 'externalId', message: 'must equal the externalId in the path' }],
		});
		expect(h.world.persistence.size).to.equal(before);
	});
});
