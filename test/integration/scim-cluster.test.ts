import { expect } from 'chai';

import { Harness } from './harness';
import { drainJobs, roomOverRest } from './sync-support';

type Json = Record<string, unknown>;
const PATCH = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';

/**
 * Two server instances (adversarial scheduling) take SCIM member changes for one group at once: each
 * membership is its own record, so concurrent changes never overwrite each other as a rewritten member
 * list would, and twins left by concurrent adds of the same member are harmless.
 */
describe('SCIM in a cluster: concurrent member changes on two instances', function () {
	this.timeout(120_000);
	let h: Harness;

	before(async () => {
		h = await Harness.start({ instances: 2 });
	});
	after(async () => {
		await h?.stop();
	});

	it('keeps every member added at once through both instances, and removes a member added twice', async () => {
		const ids: string[] = [];
		for (let i = 0; i < 16; i++) {
			const res = await h.scim<Json>('POST', 'Users', {
				userName: `member${i}@cluster.example`,
				name: { givenName: `Member${i}`, familyName: 'Cluster' },
			});
			expect(res.status, JSON.stringify(res.body)).to.equal(201);
			ids.push(res.body.id as string);
		}
		const group = await h.scim<Json>('POST', 'Groups', { displayName: 'Cluster Group' });
		const gid = group.body.id as string;
		const add = (id: string, instance: number) =>
			h.scim(
				'PATCH',
				`Groups/${gid}`,
				{ schemas: [PATCH], Operations: [{ op: 'add', path: 'members', value: [{ value: id }] }] },
				{ instance },
			);
		const results = await Promise.all([...ids.map((id, i) => add(id, (i % 2) + 1)), add(ids[0], 2), add(ids[0], 1)]);
		for (const r of results) expect(r.status, JSON.stringify(r.body)).to.equal(204);

		const members = async (): Promise<string[]> =>
			(((await h.scim<Json>('GET', `Groups/${gid}`)).body.members ?? []) as Json[]).map((m) => m.value as string).sort();
		expect(await members()).to.deep.equal([...ids].sort());

		const removed = await h.scim(
			'PATCH',
			`Groups/${gid}`,
			{ schemas: [PATCH], Operations: [{ op: 'remove', path: `members[value eq "${ids[0]}"]` }] },
			{ instance: 2 },
		);
		expect(removed.status).to.equal(204);
		expect(await members()).to.deep.equal(ids.slice(1).sort());

		await drainJobs(h);
		const room = await roomOverRest(h, 'cluster-group');
		const bot = [...h.world.users.values()].find((u) => u.type === 'app')?.username as string;
		// The integration account is a member of every room the sync manages (its REST calls need it).
		const admin = h.info.admin.username;
		const usernames = ids.slice(1).map((_, i) => h.world.findUserByEmail(`member${i + 1}@cluster.example`)?.username as string);
		expect(room?.members).to.deep.equal([bot, admin, ...usernames].sort());
	});
});
