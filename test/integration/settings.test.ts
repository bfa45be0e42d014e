import { expect } from 'chai';

import { Harness } from './harness';
import { drainJobs, picture, SyncReply } from './sync-support';

/**
 * Settings end to end, each at a value other than the one the other tests run with: what the setting
 * says in its description is what the app does. Every test puts the settings and the server back as it
 * found them (finally), so the tests of a file do not depend on their order.
 */

const misc = (id: string) => ({ model: 'misc', id });
const person = (externalId: string, extra: Record<string, unknown> = {}) => ({
	externalId,
	firstName: 'Set',
	lastName: externalId.replace(/[^a-z0-9]/gi, ''),
	email: `${externalId}@example.org`,
	...extra,
});

interface TokenReply {
	userId: string;
	loginToken: string;
	resumeUrl: string;
	reference?: string;
	error?: string;
}

/** A record of the app's persistence by aggregate and id (adapters/persistence/RecordStore.ts), as stored. */
function record<T>(h: Harness, aggregate: string, id: string): T | undefined {
	const [rec] = h.world.persistence.find(h.appId, [misc(`ri:${aggregate}`), misc(`ri:${aggregate}:${id}`)]);
	return rec?.data as T | undefined;
}
const calls = (h: Harness, endpoint: string) => h.world.restCalls.get(`/api/v1/${endpoint}`) ?? 0;
const allCalls = (h: Harness) => [...h.world.restCalls.values()].reduce((a, b) => a + b, 0);

describe('settings: site URL, sign-in and points cool-downs, log retention', function () {
	this.timeout(90_000);
	let h: Harness;
	let room: string;

	before(async () => {
		h = await Harness.start();
		room = h.createRoom('settings-room', ['admin'], 'c');
	});
	after(async () => {
		await h?.stop();
	});

	it('builds links on the server Site_Url when rc_site_url is empty, and on rc_site_url when set (REST still on Site_Url)', async () => {
		// The sandbox's Site_Url is its own address (h.url); the link URL is another, public one.
		const links = 'https://chat.example.org';
		try {
			await h.sandbox.configureApp({ rc_site_url: '' });
			const viaServer = await h.app<TokenReply>('POST', 'sso/token', person('site-1'));
			expect(viaServer.status, JSON.stringify(viaServer.body)).to.equal(200);
			expect(viaServer.body.resumeUrl).to.equal(`${h.url}/home?resumeToken=${encodeURIComponent(viaServer.body.loginToken)}`);

			await h.sandbox.configureApp({ rc_site_url: links });
			const viaSetting = await h.app<TokenReply>('POST', 'sso/token', person('site-1'));
			expect(viaSetting.status, 'the REST calls still reach Site_Url').to.equal(200);
			expect(viaSetting.body.resumeUrl).to.equal(`${links}/home?resumeToken=${encodeURIComponent(viaSetting.body.loginToken)}`);
			const doc = await h.app<{ servers: Array<{ url: string }> }>('GET', 'openapi.json', undefined, { key: null });
			expect(doc.body.servers[0].url.startsWith(links)).to.equal(true);
			const member = { userId: viaSetting.body.userId, authToken: viaSetting.body.loginToken };
			h.world.addMember(room, member.userId);
			await h.command(room, 'mobile', '', member);
			const text = await h.waitFor(
				() => h.world.ephemeral.find((e) => e.userId === member.userId && e.text.includes('mobile app'))?.text,
				'the mobile reply',
			);
			expect(text).to.include(links).and.not.include(h.url);
		} finally {
			await h.sandbox.configureApp({ rc_site_url: h.url });
		}
	});

	it('asks Rocket.Chat at every sign-in of a deactivated account when the inactive cool-down is 0; holds 5 hours at 5', async () => {
		const created = await h.app<TokenReply>('POST', 'sso/token', person('inactive-1'));
		expect(created.status).to.equal(200);
		h.world.setActive(created.body.userId, false);
		await h.sandbox.configureApp({ accounts_inactive_cooldown_hours: 0 });
		try {
			for (let i = 0; i < 2; i++) {
				const before = allCalls(h);
				const res = await h.app('POST', 'sso/token', person('inactive-1'));
				expect(res.body).to.deep.equal({ error: 'account-inactive' });
				expect(allCalls(h) - before, 'Rocket.Chat was asked').to.be.greaterThan(0);
			}
			// Reactivated by an administrator: the next sign-in goes through at once.
			h.world.setActive(created.body.userId, true);
			expect((await h.app('POST', 'sso/token', person('inactive-1'))).status).to.equal(200);

			h.world.setActive(created.body.userId, false);
			await h.sandbox.configureApp({ accounts_inactive_cooldown_hours: 5 });
			const t0 = Date.now();
			expect((await h.app('POST', 'sso/token', person('inactive-1'))).body).to.deep.equal({ error: 'account-inactive' });
			const until = record<{ inactiveUntil?: number }>(h, 'people', 'inactive-1')?.inactiveUntil ?? 0;
			expect(until - t0, 'the cool-down ends in 5 hours').to.be.within(5 * 3600_000 - 60_000, 5 * 3600_000 + 60_000);
			const before = allCalls(h);
			expect((await h.app('POST', 'sso/token', person('inactive-1'))).body).to.deep.equal({ error: 'account-inactive' });
			expect(allCalls(h), 'not asked during the cool-down').to.equal(before);
		} finally {
			h.world.setActive(created.body.userId, true);
			await h.sandbox.configureApp({ accounts_inactive_cooldown_hours: 2 });
		}
	});

	it('tries a refused sign-up again at once when the error cool-down is 0; holds 1 minute at 1', async () => {
		h.expectErrors(/account-create-failed for refused-[12] /);
		h.world.setPermissionRoles('create-user', []);
		try {
			await h.sandbox.configureApp({ accounts_login_error_cooldown_minutes: 0 });
			let creates = calls(h, 'users.create');
			const first = await h.app<TokenReply>('POST', 'sso/token', person('refused-1'));
			const second = await h.app<TokenReply>('POST', 'sso/token', person('refused-1'));
			expect([first.status, second.status]).to.deep.equal([502, 502]);
			expect(second.body.reference, 'a new attempt, a new log entry').to.not.equal(first.body.reference);
			expect(calls(h, 'users.create') - creates).to.equal(2);
			expect(record(h, 'sso-cooldown', 'refused-1')).to.equal(undefined);

			await h.sandbox.configureApp({ accounts_login_error_cooldown_minutes: 1 });
			creates = calls(h, 'users.create');
			const t0 = Date.now();
			const third = await h.app<TokenReply>('POST', 'sso/token', person('refused-2'));
			const fourth = await h.app<TokenReply>('POST', 'sso/token', person('refused-2'));
			expect(fourth.body.reference, 'answered from the cool-down').to.equal(third.body.reference);
			expect(calls(h, 'users.create') - creates).to.equal(1);
			const cooldown = record<{ until: number }>(h, 'sso-cooldown', 'refused-2');
			expect((cooldown?.until ?? 0) - t0).to.be.within(55_000, 61_000);
			// Once it is over (the record aged by a minute), Rocket.Chat is asked again.
			const [stored] = h.world.persistence.find(h.appId, [misc('ri:sso-cooldown:refused-2')]);
			(stored.data as { until: number }).until = Date.now() - 1;
			await h.app('POST', 'sso/token', person('refused-2'));
			expect(calls(h, 'users.create') - creates).to.equal(2);
		} finally {
			h.world.setPermissionRoles('create-user', ['admin']);
			await h.sandbox.configureApp({ accounts_login_error_cooldown_minutes: 15 });
		}
	});

	it('lets the same giver change the same points twice in a row at a points cool-down of 0, and holds an hour at 3600', async () => {
		const giver = await h.createUser('giver.settings');
		const receiver = await h.createUser('receiver.settings');
		h.world.addMember(room, giver.userId);
		h.world.addMember(room, receiver.userId);
		const give = async (text: string) => {
			expect((await h.post(room, text, giver.creds)).status).to.equal(200);
			await h.sandbox.quiesce();
		};
		const points = async () =>
			(await h.app<{ points: number }>('GET', 'points?top=100')).body as unknown as {
				leaderboard: Array<{ username: string; points: number }>;
			};
		const of = async () => (await points()).leaderboard.find((e) => e.username === 'receiver.settings')?.points ?? 0;
		await h.sandbox.configureApp({ bot_points_cooldown_seconds: 0 });
		try {
			await give('@receiver.settings ++ one');
			await give('@receiver.settings ++ two');
			expect(await of()).to.equal(2);
			// An hour: the award of a moment ago now holds the next one back.
			await h.sandbox.configureApp({ bot_points_cooldown_seconds: 3600 });
			await give('@receiver.settings ++ three');
			expect(await of()).to.equal(2);
			const refusal = h.world.ephemeral.filter((e) => e.userId === giver.userId).at(-1)?.text ?? '';
			expect(refusal).to.match(
				/^You changed the points of @receiver\.settings a moment ago; try again in (1 hour|60 minutes|59 minutes)\.$/,
			);
		} finally {
			await h.sandbox.configureApp({ bot_points_cooldown_seconds: 60 });
		}
	});

	it('keeps integration log entries for the configured number of days', async () => {
		const day = 86_400_000;
		const plant = (ageDays: number) => {
			const reference = `log-retention-${ageDays}`;
			h.world.persistenceCreate(
				h.appId,
				{ reference, ts: Date.now() - ageDays * day, level: 'info', event: 'retention-test', message: `${ageDays} days old` },
				[misc('ri:log'), misc(`ri:log:${reference}`)],
			);
			return reference;
		};
		const kept = () =>
			(h.world.persistenceReadByAssociations(h.appId, [misc('ri:log')]) as Array<{ event: string; reference: string }>)
				.filter((e) => e.event === 'retention-test')
				.map((e) => e.reference)
				.sort();
		const prune = () => h.sandbox.primary().engine.runJob(h.appId, `log-retention_${h.appId}`, 'retention', undefined);
		for (const age of [2, 10, 40]) plant(age);
		await prune();
		expect(kept(), 'default: 30 days').to.deep.equal(['log-retention-10', 'log-retention-2']);
		await h.sandbox.configureApp({ log_retention_days: 7 });
		try {
			await prune();
			expect(kept(), '7 days').to.deep.equal(['log-retention-2']);
			await prune();
			expect(kept(), 'a second run removes nothing more').to.deep.equal(['log-retention-2']);
		} finally {
			await h.sandbox.configureApp({ log_retention_days: 30 });
		}
	});
});

describe('settings: the credential secret, empty and rotated', function () {
	this.timeout(60_000);
	let h: Harness;
	const SECRET = 'sandbox-credential-secret-0123456789';

	before(async () => {
		h = await Harness.start();
	});
	after(async () => {
		await h?.stop();
	});

	it('signs people in with the stored credential, re-keys it after a rotation, and refuses clearly without a secret', async () => {
		const created = await h.app<TokenReply>('POST', 'sso/token', person('cred-1'));
		expect(created.status).to.equal(200);
		const stored = () => record<{ credential?: string }>(h, 'people', 'cred-1')?.credential;
		const first = stored();
		expect(first, 'a credential is kept, encrypted').to.match(/^v\d+\./);
		// The server stops allowing users.createToken: the app logs in with the credential it keeps.
		h.world.env.delete('CREATE_TOKENS_FOR_USERS_SECRET');
		try {
			const count = () => ({ login: calls(h, 'login'), update: calls(h, 'users.update') });
			let before = count();
			const withA = await h.app<TokenReply>('POST', 'sso/token', person('cred-1'));
			expect(withA.status, JSON.stringify(withA.body)).to.equal(200);
			expect(count().login - before.login).to.equal(1);
			expect(count().update - before.update, 'no new password').to.equal(0);

			// Rotated: the old credential cannot be read any more; the app sets a new password and keeps it under the new secret.
			await h.sandbox.configureApp({ api_credential_secret: 'a-rotated-credential-secret-9876543210' });
			before = count();
			const withB = await h.app<TokenReply>('POST', 'sso/token', person('cred-1'));
			expect(withB.status, JSON.stringify(withB.body)).to.equal(200);
			expect(count().update - before.update, 'a new password').to.equal(1);
			const me = await h.rest<{ _id: string }>('GET', 'me', undefined, {
				userId: withB.body.userId,
				authToken: withB.body.loginToken,
			});
			expect(me.body._id).to.equal(created.body.userId);
			expect(stored())
				.to.match(/^v\d+\./)
				.and.not.equal(first);
			before = count();
			expect((await h.app('POST', 'sso/token', person('cred-1'))).status).to.equal(200);
			expect(count().update - before.update, 'the new credential works').to.equal(0);

			// Empty: no way to sign in without users.createToken; a clear 502 with its reference, and the reason logged.
			h.expectErrors(/login-failed for cred-1 .*no credential secret/);
			await h.sandbox.configureApp({ api_credential_secret: '' });
			const refused = await h.app<TokenReply>('POST', 'sso/token', person('cred-1'));
			expect(refused.status).to.equal(502);
			expect(refused.body.error).to.equal('chat-server-error');
			const entry = record<{ message: string }>(h, 'log', refused.body.reference ?? '');
			expect(entry?.message).to.match(/no credential secret/);
		} finally {
			h.world.env.set('CREATE_TOKENS_FOR_USERS_SECRET', 'sandbox-create-tokens-secret');
			await h.sandbox.configureApp({ api_credential_secret: SECRET });
		}
	});
});

describe('settings: e-mail sync, deactivation, room deletion and password resync switched off and on', function () {
	this.timeout(90_000);
	let h: Harness;
	const SECRET = 'sandbox-credential-secret-0123456789';
	const user = (externalId: string) => h.world.findUserById(record<{ userId: string }>(h, 'people', externalId)?.userId ?? '');
	const push = async (method: string, path: string, body?: unknown) => {
		const res = await h.app(method, path, body);
		expect(res.status, `${method} ${path}: ${JSON.stringify(res.body)}`).to.equal(202);
		await drainJobs(h);
	};

	before(async () => {
		// Small groups: a single change is a large share of them, so the safety valve (tested on its own) stays out of the way.
		h = await Harness.start({ settings: { sync_safety_limit_percent: 100 } });
	});
	after(async () => {
		await h?.stop();
	});

	it('leaves e-mail addresses alone with e-mail sync off, and copies them with it on', async () => {
		await push('PUT', 'people/mail-1', person('mail-1'));
		await push('PUT', 'groups/mail', { name: 'Mail Group', members: [{ externalId: 'mail-1' }] });
		expect(user('mail-1')?.emails[0].address).to.equal('mail-1@example.org');
		await h.sandbox.configureApp({ sync_email: false });
		try {
			const updates = calls(h, 'users.update');
			await push('PUT', 'people/mail-1', person('mail-1', { email: 'mail-1.new@example.org' }));
			expect(user('mail-1')?.emails[0].address).to.equal('mail-1@example.org');
			expect(calls(h, 'users.update')).to.equal(updates);
		} finally {
			await h.sandbox.configureApp({ sync_email: true });
		}
		await h.app('POST', 'sync');
		expect(user('mail-1')?.emails[0].address).to.equal('mail-1.new@example.org');
	});

	it('keeps people without groups active with deactivation off, and deactivates them with it on', async () => {
		for (const id of ['nog-1', 'nog-2']) await push('PUT', `people/${id}`, person(id));
		await push('PUT', 'groups/nog', { name: 'No Group Test', members: [{ externalId: 'nog-1' }, { externalId: 'nog-2' }] });
		await h.sandbox.configureApp({ sync_disable_without_groups: false });
		try {
			await push('PUT', 'groups/nog', { name: 'No Group Test', members: [{ externalId: 'nog-1' }] });
			expect((picture(h).rooms['no-group-test'] as { members: string[] }).members).to.not.include(user('nog-2')?.username);
			expect(user('nog-2')?.active, 'in no group, still active').to.equal(true);
		} finally {
			await h.sandbox.configureApp({ sync_disable_without_groups: true });
		}
		const res = await h.app<SyncReply>('POST', 'sync');
		expect(res.body.applied?.deactivateUsers).to.equal(1);
		expect(user('nog-2')?.active).to.equal(false);
		expect(user('nog-1')?.active).to.equal(true);
	});

	it('leaves the room of a deleted group in place with room deletion off (and no longer manages it), deletes it with it on', async () => {
		await push('PUT', 'people/room-1', person('room-1'));
		for (const key of ['kept', 'gone'])
			await push('PUT', `groups/${key}`, { name: `Room ${key}`, members: [{ externalId: 'room-1' }] });
		expect(h.world.findRoomByName('room-kept')).to.not.equal(undefined);
		await h.sandbox.configureApp({ sync_delete_inactive_groups: false });
		try {
			await push('DELETE', 'groups/kept');
			expect(h.world.findRoomByName('room-kept'), 'the room stays').to.not.equal(undefined);
			expect((await h.app('GET', 'groups/kept')).status, 'no longer managed').to.equal(404);
		} finally {
			await h.sandbox.configureApp({ sync_delete_inactive_groups: true });
		}
		await h.app('POST', 'sync');
		expect(h.world.findRoomByName('room-kept'), 'released, so never deleted later').to.not.equal(undefined);
		await push('DELETE', 'groups/gone');
		expect(h.world.findRoomByName('room-gone')).to.equal(undefined);
	});

	it('gives accounts without a usable credential a new password only with password resync on, once', async () => {
		// Created while no credential secret was set: the app keeps no password for them.
		await h.sandbox.configureApp({ api_credential_secret: '' });
		try {
			await push('PUT', 'people/pw-1', person('pw-1'));
			await push('PUT', 'groups/pw', { name: 'Password Group', members: [{ externalId: 'pw-1' }] });
		} finally {
			await h.sandbox.configureApp({ api_credential_secret: SECRET });
		}
		expect(record<{ credential?: string }>(h, 'people', 'pw-1')?.credential).to.equal(undefined);
		const updates = calls(h, 'users.update');
		expect((await h.app<SyncReply>('POST', 'sync')).body.outcome).to.equal('finished');
		expect(calls(h, 'users.update'), 'resync off: no password set').to.equal(updates);
		await h.sandbox.configureApp({ sync_resync_passwords: true });
		try {
			await h.app('POST', 'sync');
			expect(calls(h, 'users.update') - updates, 'one new password').to.equal(1);
			expect(record<{ credential?: string }>(h, 'people', 'pw-1')?.credential).to.match(/^v\d+\./);
			await h.app('POST', 'sync');
			expect(calls(h, 'users.update') - updates, 'not again once it is stored').to.equal(1);
		} finally {
			await h.sandbox.configureApp({ sync_resync_passwords: false });
		}
		// The stored password works: with users.createToken refused, the app logs in with it.
		h.world.env.delete('CREATE_TOKENS_FOR_USERS_SECRET');
		try {
			const logins = calls(h, 'login');
			const res = await h.app('POST', 'sso/token', person('pw-1'));
			expect(res.status, JSON.stringify(res.body)).to.equal(200);
			expect([calls(h, 'login') - logins, calls(h, 'users.update') - updates]).to.deep.equal([1, 1]);
		} finally {
			h.world.env.set('CREATE_TOKENS_FOR_USERS_SECRET', 'sandbox-create-tokens-secret');
		}
	});
});
