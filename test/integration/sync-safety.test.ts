import { createServer, Server } from 'node:http';
import type { AddressInfo } from 'node:net';

import { expect } from 'chai';

import { Harness } from './harness';
import { callsNow, drainJobs, Org, orgPerson, picture, restWrites, status, SyncReply } from './sync-support';

/** 24 people in three groups of eight, each with a leader. */
function org(): Org {
	const people = Array.from({ length: 24 }, (_, i) => orgPerson(i));
	const group = (name: string, from: number) => ({
		name,
		members: Array.from({ length: 8 }, (_, k) => ({ externalId: `p${from + k}`, ...(k === 0 ? { role: 'leader' as const } : {}) })),
	});
	return { people, groups: { a: group('Alpha', 0), b: group('Beta', 8), c: group('Gamma', 16) } };
}

const emptied = (): Org => {
	const o = org();
	return { ...o, groups: Object.fromEntries(Object.entries(o.groups).map(([k, g]) => [k, { ...g, members: [] }])) };
};

/**
 * One story, in order: the org synced in `before` is halted, fixed, confirmed, dry-run and fed; each test
 * starts from the state the previous one left (a halted plan must be fixed before the next can run).
 */
describe('sync: the safety valve, dry runs, the pull feed and scheduling', function () {
	this.timeout(120_000);
	let h: Harness;
	let adminRoom: string;
	const notices = () => h.world.ephemeral.map((e) => e.text ?? '');
	const command = async (params: string, expectText: RegExp) => {
		const before = notices().length;
		await h.command(adminRoom, 'integration', params);
		return h.waitFor(
			() =>
				notices()
					.slice(before)
					.find((t) => expectText.test(t)),
			`a reply to "${params}" matching ${expectText}`,
		);
	};

	before(async () => {
		h = await Harness.start();
		adminRoom = h.createRoom('admin-lobby', []);
		expect((await h.app('POST', 'snapshot', org())).status).to.equal(202);
		await drainJobs(h);
		expect(Object.keys(picture(h).rooms)).to.include.members(['alpha', 'beta', 'gamma']);
	});
	after(async () => {
		await h?.stop();
	});

	it('halts a run that would empty the rooms, writes nothing, and says why', async () => {
		const before = picture(h);
		const calls = callsNow(h);
		expect((await h.app('POST', 'snapshot', emptied())).status).to.equal(202);
		await drainJobs(h);
		expect(picture(h)).to.deep.equal(before);
		expect(restWrites(h, calls)).to.deep.equal({});
		const s = await status(h);
		expect(s.sync.halted?.reasons.join(' ')).to.match(/remove 24 of 24 room memberships/);
		expect(s.sync.lastRun?.outcome).to.equal('halted');
		const res = await h.app<SyncReply>('POST', 'sync');
		expect(res.body.outcome).to.equal('halted');
		expect(res.body.halted).to.match(/room memberships/);
		expect(res.body.applied).to.equal(undefined);
		const log = [...h.world.persistence.values()]
			.map((r) => r.data as Record<string, unknown>)
			.filter((d) => d.event === 'sync-halted');
		expect(log, 'logged once per plan, not once per run').to.have.length(1);
		expect(await command('status', /HALTED/)).to.include('/integration sync confirm');
	});

	it('resumes when the desired state is fixed, with nothing to write', async () => {
		const before = picture(h);
		expect((await h.app('POST', 'snapshot', org())).status).to.equal(202);
		await drainJobs(h);
		const s = await status(h);
		expect(s.sync.halted).to.equal(null);
		expect(s.sync.lastRun?.outcome).to.equal('finished');
		expect(picture(h)).to.deep.equal(before);
	});

	it('halts on an empty desired state whatever the limit', async () => {
		const before = picture(h);
		expect((await h.app('POST', 'snapshot', { people: [], groups: {} })).status).to.equal(202);
		await drainJobs(h);
		expect(picture(h)).to.deep.equal(before);
		expect((await status(h)).sync.halted?.reasons.join(' ')).to.match(/feed looks empty/);
		expect((await h.app('POST', 'snapshot', org())).status).to.equal(202);
		await drainJobs(h);
		expect((await status(h)).sync.halted).to.equal(null);
	});

	it('applies a halted plan once an admin confirms that exact plan', async () => {
		await h.sandbox.configureApp({ sync_safety_limit_percent: 0 });
		try {
			const o = org();
			const gamma = { ...o.groups.c, members: o.groups.c.members.filter((m) => m.externalId !== 'p23') };
			expect((await h.app('PUT', 'groups/c', gamma)).status).to.equal(202);
			await drainJobs(h);
			const halted = (await status(h)).sync.halted;
			if (!halted) throw new Error('the sync should be halted');
			expect(halted.reasons.join(' ')).to.match(/remove 1 of/);
			// Eight people, the app's bot and the integration account.
			expect((picture(h).rooms.gamma as { members: string[] }).members).to.have.length(10);
			const reply = await command(`sync confirm ${halted.fingerprint}`, /confirmed/);
			expect(reply).to.include(halted.fingerprint);
			await drainJobs(h);
			expect((picture(h).rooms.gamma as { members: string[] }).members).to.have.length(9);
			const s = await status(h);
			expect(s.sync.halted).to.equal(null);
			expect(await command('sync confirm', /no halted plan/)).to.be.a('string');
		} finally {
			await h.sandbox.configureApp({ sync_safety_limit_percent: 20 });
		}
	});

	it('returns the plan of a dry run and writes nothing (request, command and setting)', async () => {
		const o = org();
		// A change the dry runs must show but not apply: a new leader in Alpha. The push's own run is not drained.
		const alpha = {
			...o.groups.a,
			members: o.groups.a.members.map((m) => (m.externalId === 'p1' ? { externalId: 'p1', role: 'leader' as const } : m)),
		};
		await h.sandbox.configureApp({ sync_dry_run_only: true });
		try {
			expect((await h.app('PUT', 'groups/a', alpha)).status).to.equal(202);
			const before = picture(h);
			const calls = callsNow(h);
			const res = await h.app<SyncReply>('POST', 'sync?dryRun=true');
			expect(res.status).to.equal(200);
			expect(res.body).to.deep.include({ dryRun: true, outcome: 'dry-run' });
			expect(res.body.plan).to.deep.include({ setLeaders: 1, setModerators: 1 });
			// The dry-run-only setting turns every run into a dry run.
			const forced = await h.app<SyncReply>('POST', 'sync');
			expect(forced.body).to.deep.include({ dryRun: true, outcome: 'dry-run' });
			await drainJobs(h);
			expect(await command('sync dry-run', /Dry run/)).to.match(/leaders set: 1/);
			expect(picture(h)).to.deep.equal(before);
			expect(restWrites(h, calls)).to.deep.equal({});
		} finally {
			await h.sandbox.configureApp({ sync_dry_run_only: false });
		}
		expect(await command('sync now', /complete/)).to.match(/leaders set: 1/);
	});

	it('reschedules the recurring sync only when the interval setting changes', async () => {
		const recurring = () => [...h.world.jobs.values()].filter((j) => j.processorId === `sync_${h.appId}` && j.intervalMs !== undefined);
		expect(recurring().map((j) => j.intervalMs)).to.deep.equal([15 * 60_000]);
		const id = recurring()[0].id;
		try {
			await h.sandbox.configureApp({ sync_photos: false });
			expect(recurring().map((j) => j.id)).to.deep.equal([id]);
			await h.sandbox.configureApp({ sync_interval_minutes: 5 });
			expect(recurring().map((j) => j.intervalMs)).to.deep.equal([5 * 60_000]);
		} finally {
			await h.sandbox.configureApp({ sync_interval_minutes: 15, sync_photos: true });
		}
	});

	describe('the pull feed', () => {
		let server: Server;
		let answer: { status: number; body: string };
		let seenAuth: string | undefined;

		before(async () => {
			server = createServer((req, res) => {
				seenAuth = req.headers.authorization;
				res.writeHead(answer.status, { 'Content-Type': 'application/json' });
				res.end(answer.body);
			});
			await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
			const port = (server.address() as AddressInfo).port;
			answer = { status: 200, body: JSON.stringify(org()) };
			await h.sandbox.configureApp({
				sync_feed_url: `http://127.0.0.1:${port}/feed`,
				api_outbound_key: 'outbound-key-0123456789abcdef-0123456789',
			});
		});
		after(async () => {
			await h.sandbox.configureApp({ sync_feed_url: '' });
			await new Promise<void>((r) => server.close(() => r()));
		});

		const recurringRun = async () => {
			await h.sandbox.runJobOnAllInstances(`sync_${h.appId}`);
			await drainJobs(h);
		};

		it('fetches the feed with the outbound key at each scheduled sync and applies it', async () => {
			const o = org();
			o.groups.d = { name: 'Delta', members: [{ externalId: 'p0' }, { externalId: 'p8' }] };
			answer = { status: 200, body: JSON.stringify(o) };
			await recurringRun();
			expect(seenAuth).to.equal('Bearer outbound-key-0123456789abcdef-0123456789');
			expect(Object.keys(picture(h).rooms)).to.include('delta');
			const s = await status(h);
			expect(s.sync.lastRun?.outcome).to.equal('finished');
			// The feed became the stored desired state.
			expect((await h.app('GET', 'groups/d')).status).to.equal(200);
		});

		it('never applies an empty or truncated feed', async () => {
			h.expectErrors(/sync-feed-failed .*did not answer valid JSON/, /sync-feed-failed .*HTTP 503/);
			const before = picture(h);
			answer = { status: 200, body: JSON.stringify(org()).slice(0, 200) };
			await recurringRun();
			let s = await status(h);
			expect(s.sync.feed.ok).to.equal(false);
			expect(s.sync.feed.error).to.equal('feed-invalid-json');
			answer = { status: 200, body: JSON.stringify({ people: [], groups: {} }) };
			await recurringRun();
			s = await status(h);
			expect(s.sync.halted?.reasons.join(' ')).to.match(/feed looks empty/);
			answer = { status: 503, body: '{}' };
			await recurringRun();
			expect((await status(h)).sync.feed.error).to.equal('feed-http-503');
			expect(picture(h)).to.deep.equal(before);
			// Fixed: the next run goes on (Delta is gone from this feed and its room is deleted).
			answer = { status: 200, body: JSON.stringify(org()) };
			await recurringRun();
			s = await status(h);
			expect(s.sync.halted).to.equal(null);
			expect(Object.keys(picture(h).rooms)).to.not.include('delta');
		});

		it('shows an error code in status, never the upstream text, and refuses a feed that names a role it may not assign', async () => {
			h.expectErrors(
				/sync-feed-failed .*feed-http-500/,
				/sync-feed-failed .*feed-invalid-snapshot/,
				/sync-feed-failed .*feed-role-not-assignable/,
			);
			const before = picture(h);
			const cases: Array<[{ status: number; body: string }, string]> = [
				[{ status: 500, body: '{"error":"db password hunter2 rejected"}' }, 'feed-http-500'],
				[{ status: 200, body: JSON.stringify({ ...org(), 'hunter2-field': 1 }) }, 'feed-invalid-snapshot'],
				[{ status: 200, body: JSON.stringify({ ...org(), roles: { admin: ['p0'] } }) }, 'feed-role-not-assignable'],
			];
			for (const [reply, code] of cases) {
				answer = reply;
				await recurringRun();
				const s = await status(h);
				expect(s.sync.feed.error).to.equal(code);
				const text = JSON.stringify(s);
				expect(text, text.slice(Math.max(0, text.indexOf('hunter2') - 300), text.indexOf('hunter2') + 50)).to.not.include(
					'hunter2',
				);
			}
			expect(picture(h)).to.deep.equal(before);
			expect(h.world.findUserByEmail('p0@example.org')?.roles).to.not.include('admin');
			answer = { status: 200, body: JSON.stringify(org()) };
			await recurringRun();
			expect((await status(h)).sync.feed.ok).to.equal(true);
		});
	});

	it('counts idle accounts first, then deactivates them from the confirm form', async () => {
		const old = new Date(Date.now() - 90 * 86_400_000);
		const idle = await Promise.all(['idle.one', 'idle.two'].map((u) => h.createUser(u)));
		for (const u of idle) {
			const w = h.world.findUserById(u.userId);
			if (w) {
				w.lastLogin = old;
				w.createdAt = old;
			}
		}
		// Everyone else logged in recently.
		for (const u of h.world.users.values()) if (!idle.some((i) => i.userId === u._id)) u.lastLogin = new Date();
		const text = await command('deactivate-idle 30', /have not logged in/);
		expect(text).to.match(/^2 active accounts/);
		expect(h.world.findUserById(idle[0].userId)?.active, 'nothing changed yet').to.equal(true);
		type Element = { type: string; actionId?: string; blockId?: string; value?: string };
		const notice = h.world.ephemeral.filter((e) => (e.text ?? '').startsWith('2 active accounts')).pop() as {
			blocks?: Array<{ elements?: Element[] }>;
		};
		const button = notice.blocks?.flatMap((b) => b.elements ?? []).find((e) => e.type === 'button');
		expect(button?.actionId).to.equal('ri-sync.deactivate-idle');
		const before = notices().length;
		const click = await h.http('POST', `/api/apps/ui.interaction/${h.appId}`, {
			headers: { 'X-User-Id': h.admin.userId, 'X-Auth-Token': h.admin.authToken },
			body: {
				type: 'blockAction',
				actionId: button?.actionId,
				payload: { blockId: button?.blockId, value: button?.value },
				rid: adminRoom,
				container: { type: 'message', id: 'x' },
			},
		});
		expect(click.status).to.equal(200);
		await h.waitFor(
			() =>
				notices()
					.slice(before)
					.find((t) => /2 accounts deactivated/.test(t)),
			'the deactivation reply',
		);
		expect(idle.map((u) => h.world.findUserById(u.userId)?.active)).to.deep.equal([false, false]);
	});
});
