import { expect } from 'chai';

import { Harness } from './harness';
import { drainJobs, GroupReply, Org, orgPerson, picture, status, SyncReply, untilComplete } from './sync-support';

/** 12 people in three groups of six with two leaders each, a role for four of them, photos for everyone. */
function org(): Org {
	const people = Array.from({ length: 12 }, (_, i) => orgPerson(i, { photoUrl: `https://img.example.org/p${i}.png` }));
	const group = (name: string, from: number) => ({
		name,
		members: Array.from({ length: 6 }, (_, k) => ({ externalId: `p${from + k}`, ...(k < 2 ? { role: 'leader' as const } : {}) })),
	});
	return {
		people,
		groups: { a: group('Alpha', 0), b: group('Beta', 4), c: group('Gamma', 6) },
		roles: { Helpers: ['p0', 'p3', 'p6', 'p9'] },
	};
}

/** What the org must look like, by room name and account, whatever the path to it. */
function expectOrgApplied(h: Harness): void {
	const p = picture(h);
	const user = (i: number) => h.world.findUserByEmail(`p${i}@example.org`)?.username as string;
	const range = (from: number, n: number) => Array.from({ length: n }, (_, k) => from + k);
	const bot = [...h.world.users.values()].find((u) => u.type === 'app')?.username as string;
	const room = (from: number) => ({
		topic: null,
		// The integration account is a member of every room it manages (its REST calls need it).
		members: [bot, h.info.admin.username, ...range(from, 6).map(user)].sort(),
		leaders: [user(from), user(from + 1)].sort(),
		moderators: [user(from), user(from + 1)].sort(),
	});
	expect(p.rooms).to.deep.equal({ alpha: room(0), beta: room(4), gamma: room(6) });
	for (const i of range(0, 12)) {
		expect(p.users[user(i)], `p${i}`).to.deep.include({ active: true, avatar: `https://img.example.org/p${i}.png` });
		expect((p.users[user(i)] as { roles: string[] }).roles.includes('Helpers'), `p${i} Helpers`).to.equal([0, 3, 6, 9].includes(i));
	}
	// One account per person: no duplicate created by a retry or a second instance.
	expect([...h.world.users.values()].filter((u) => u.type === 'user')).to.have.length(12 + 1);
}

describe('sync: rate limits, failures and concurrent instances lose nothing', function () {
	this.timeout(180_000);

	describe('a 429 storm and REST failures mid-run', () => {
		let h: Harness;
		before(async () => {
			h = await Harness.start({ settings: { sync_assignable_roles: 'Helpers' } });
			h.world.createRole('Helpers');
		});
		after(async () => {
			await h?.stop();
		});

		it('finishes under a rate limiter that refuses most calls, over later runs', async () => {
			h.world.setPermissionRoles('api-bypass-rate-limit', []);
			h.world.rateLimit = { enabled: true, calls: 3, windowMs: 1000 };
			try {
				expect((await h.app('POST', 'snapshot', org())).status).to.equal(202);
				await untilComplete(h);
			} finally {
				h.world.rateLimit = { enabled: false, calls: 10, windowMs: 60_000 };
				h.world.setPermissionRoles('api-bypass-rate-limit', ['admin', 'bot', 'app']);
			}
			expectOrgApplied(h);
			const calls = (e: string) => h.world.restCalls.get(`/api/v1/${e}`) ?? 0;
			// Twelve accounts and six leaders needed more calls than that: the refused ones were retried.
			expect(calls('users.create') + calls('groups.addLeader') + calls('users.setAvatar')).to.be.greaterThan(12 + 6 + 12);
			const s = await status(h);
			expect(s.sync.lastPass?.failed).to.deep.equal({});
			// The rate limit spread the pass over several runs (how long a run lasts is bench/sync-apply.bench.ts's).
			expect(s.sync.lastPass?.runs, 'runs of the pass').to.be.greaterThan(1);
		});

		it('retries an operation that hit a server error, and goes on past one that keeps failing', async () => {
			const o = org();
			// New leaders in Beta (p6) and Gamma (p8, p9): three addLeader and three addModerator calls.
			o.groups.b.members = o.groups.b.members.map((m) => (m.externalId === 'p6' ? { ...m, role: 'leader' } : m));
			o.groups.c.members = o.groups.c.members.map((m) =>
				m.externalId === 'p8' || m.externalId === 'p9' ? { ...m, role: 'leader' } : m,
			);
			// The REST client retries a server error 4 times within a call. Four failures: the run stops and the next
			// run retries the operation, which then succeeds. Eight: the operation fails in two runs in a row, is
			// counted as failed, and the walk goes on without it.
			h.world.failNext('groups.addModerator', 500, 4);
			h.world.failNext('groups.addLeader', 502, 8);
			expect((await h.app('POST', 'snapshot', o)).status).to.equal(202);
			await untilComplete(h);
			const s = await status(h);
			expect(s.sync.lastPass?.failed).to.deep.equal({ setLeader: 1 });
			expect(s.sync.lastPass?.failures[0].message).to.match(/groups\.addLeader: server \(HTTP 502\)/);
			const leaders = (room: string) => (picture(h).rooms[room] as { leaders: string[] }).leaders.length;
			const moderators = (room: string) => (picture(h).rooms[room] as { moderators: string[] }).moderators.length;
			expect([leaders('beta'), leaders('gamma')]).to.deep.equal([2, 4]);
			expect([moderators('beta'), moderators('gamma')]).to.deep.equal([3, 4]);
			expect(s.recentErrors.some((e: { event: string }) => e.event === 'sync-op-failed')).to.equal(true);
			// The next pass applies what failed.
			const res = await h.app<SyncReply>('POST', 'sync');
			expect(res.body.outcome).to.equal('finished');
			expect(res.body.applied?.setLeaders).to.equal(1);
			expect([leaders('beta'), leaders('gamma')]).to.deep.equal([3, 4]);
		});

		it('counts a refused write as failed without blocking the others, and applies it once allowed', async () => {
			const o = org();
			o.people = o.people.map((p) => ({ ...p, photoUrl: `${p.photoUrl}?v=2` }));
			h.world.setPermissionRoles('edit-other-user-avatar', []);
			try {
				expect((await h.app('POST', 'snapshot', o)).status).to.equal(202);
				await untilComplete(h);
				const s = await status(h);
				expect(s.sync.lastPass?.failed).to.deep.equal({ setPhoto: 12 });
			} finally {
				h.world.setPermissionRoles('edit-other-user-avatar', ['admin']);
			}
			const res = await h.app<SyncReply>('POST', 'sync');
			expect(res.body.applied?.updateProfiles).to.equal(12);
			expect(h.world.findUserByEmail('p5@example.org')?.avatarUrl).to.equal('https://img.example.org/p5.png?v=2');
		});
	});

	describe('two instances running the sync at once', () => {
		let h: Harness;
		before(async () => {
			h = await Harness.start({ instances: 2, settings: { sync_assignable_roles: 'Helpers' } });
			h.world.createRole('Helpers');
		});
		after(async () => {
			await h?.stop();
		});

		it('ends in the same state as one instance', async () => {
			expect((await h.app('POST', 'snapshot', org())).status).to.equal(202);
			const job = `sync-once_${h.appId}`;
			await Promise.all([
				h.sandbox.runJobOnAllInstances(job),
				h.sandbox.runJobOnAllInstances(job),
				h.app('POST', 'sync', undefined, { instance: 2 }),
			]);
			await untilComplete(h);
			expectOrgApplied(h);
			expect(h.world.restCalls.get('/api/v1/users.create')).to.equal(12);
			// And again, all at once: nothing more is written.
			const before = picture(h);
			await Promise.all([h.sandbox.runJobOnAllInstances(job), h.sandbox.runJobOnAllInstances(`sync_${h.appId}`)]);
			await drainJobs(h);
			expect(picture(h)).to.deep.equal(before);
		});

		it('stores one whole snapshot of two pushed at once to both instances, never a mix', async () => {
			const variant = (tag: string, extra: string): Org => {
				const o = org();
				const groups = Object.fromEntries(Object.entries(o.groups).map(([k, g]) => [k, { ...g, name: `${g.name} ${tag}` }]));
				groups[extra] = { name: `Extra ${tag}`, members: [{ externalId: 'p0' }] };
				return { ...o, groups };
			};
			const [a, b] = await Promise.all([
				h.app('POST', 'snapshot', variant('A', 'xa'), { instance: 1 }),
				h.app('POST', 'snapshot', variant('B', 'xb'), { instance: 2 }),
			]);
			expect([a.status, b.status]).to.deep.equal([202, 202]);
			const names: string[] = [];
			for (const key of ['a', 'b', 'c', 'xa', 'xb']) {
				const res = await h.app<GroupReply>('GET', `groups/${key}`);
				if (res.body.desired) names.push(res.body.desired.name);
			}
			const whole = (tag: string) => ['Alpha', 'Beta', 'Gamma', 'Extra'].map((n) => `${n} ${tag}`);
			expect([whole('A'), whole('B')]).to.deep.include(names);
			// Back to the org, applied.
			expect((await h.app('POST', 'snapshot', org())).status).to.equal(202);
			await untilComplete(h);
			expectOrgApplied(h);
		});
	});
});
