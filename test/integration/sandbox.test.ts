import { expect } from 'chai';

import { Harness } from './harness';

describe('sandbox: Rocket.Chat stand-in with the packaged app', function () {
	this.timeout(60_000);
	let h: Harness;

	before(async () => {
		h = await Harness.start();
	});
	after(async () => {
		await h?.stop();
	});

	it('installs and enables the packaged zip with the host permission checks on', async () => {
		expect(await h.sandbox.appStatus()).to.match(/enabled/);
		const info = await h.http('GET', '/api/info');
		expect(info.status).to.equal(200);
		expect(process.env.NODE_ENV).to.not.equal('test');
	});

	it('round-trips an app setting through the apps admin API', async () => {
		const headers = { 'X-User-Id': h.admin.userId, 'X-Auth-Token': h.admin.authToken };
		const before = await h.http<{ settings: Record<string, { value: unknown }> }>('GET', `/api/apps/${h.appId}/settings`, { headers });
		expect(before.status).to.equal(200);
		const display = before.body.settings.bot_display_name as { value?: unknown; packageValue?: unknown };
		expect(display.value ?? display.packageValue).to.equal('Rocket Integration');

		const post = await h.http('POST', `/api/apps/${h.appId}/settings`, {
			headers,
			body: { settings: [{ id: 'bot_display_name', value: 'Parish Bot' }] },
		});
		expect(post.status).to.equal(200);
		const after = await h.http<{ settings: Record<string, { value: unknown }> }>('GET', `/api/apps/${h.appId}/settings`, { headers });
		expect(after.body.settings.bot_display_name.value).to.equal('Parish Bot');
		expect(h.world.appStorage.get(h.appId)?.settings).to.have.nested.property('bot_display_name.value', 'Parish Bot');
	});

	it('refuses the apps admin API to a non-admin', async () => {
		const jane = await h.createUser('jane.admin.check');
		const res = await h.http('GET', `/api/apps/${h.appId}/settings`, {
			headers: { 'X-User-Id': jane.userId, 'X-Auth-Token': jane.creds.authToken },
		});
		expect(res.status).to.equal(403);
		expect(res.body).to.include({ success: false });
	});

	it('answers REST calls with Rocket.Chat shapes, auth and permission checks', async () => {
		const unauth = await h.rest('GET', 'me', undefined, null);
		expect(unauth.status).to.equal(401);
		expect(unauth.body).to.deep.equal({
			success: false,
			error: 'You must be logged in to do this.',
			status: 'error',
			message: 'You must be logged in to do this.',
		});

		const created = await h.rest<{ user: { _id: string; username: string } }>('POST', 'users.create', {
			email: 'zoe@example.org',
			name: 'Zoë',
			password: 'a-strong-password-1',
			username: 'zoe.obrien',
		});
		expect(created.status).to.equal(200);
		expect(created.body.user.username).to.equal('zoe.obrien');

		const dup = await h.rest('POST', 'users.create', {
			email: 'other@example.org',
			name: 'X',
			password: 'pw-123456789',
			username: 'zoe.obrien',
		});
		expect(dup.status).to.equal(400);
		expect(dup.body).to.include({ success: false, errorType: 'error-field-unavailable' });

		const invalid = await h.rest('POST', 'users.create', { name: 'No Email', password: 'pw', username: 'no.email' });
		expect(invalid.status).to.equal(400);
		expect(invalid.body).to.include({ success: false, errorType: 'invalid-params' });

		const login = await h.http<{ data: { userId: string; authToken: string } }>('POST', '/api/v1/login', {
			body: { user: 'zoe.obrien', password: 'a-strong-password-1' },
		});
		expect(login.status).to.equal(200);
		const zoe = login.body.data;
		const me = await h.rest<{ username: string }>('GET', 'me', undefined, zoe);
		expect(me.body.username).to.equal('zoe.obrien');

		const forbidden = await h.rest(
			'POST',
			'users.create',
			{ email: 'e@example.org', name: 'E', password: 'pw-123456789', username: 'eve' },
			zoe,
		);
		// Rocket.Chat refuses it in saveUser, as a Meteor error (400), not as a missing permission of the route.
		expect(forbidden.status).to.equal(400);
		expect(forbidden.body).to.include({
			success: false,
			error: 'Adding user is not allowed [error-action-not-allowed]',
			errorType: 'error-action-not-allowed',
		});
	});

	it('manages private groups: members, moderators, leaders, roles', async () => {
		const ann = await h.createUser('ann.member');
		const group = await h.rest<{ group: { _id: string } }>('POST', 'groups.create', { name: 'youth-group', members: ['ann.member'] });
		expect(group.status).to.equal(200);
		const roomId = group.body.group._id;

		expect((await h.rest('POST', 'groups.addModerator', { roomId, userId: ann.userId })).status).to.equal(200);
		expect((await h.rest('POST', 'groups.addLeader', { roomId, userId: ann.userId })).status).to.equal(200);
		const again = await h.rest('POST', 'groups.addLeader', { roomId, userId: ann.userId });
		expect(again.status).to.equal(400);
		expect(again.body).to.include({ errorType: 'error-user-already-leader' });

		const roles = await h.rest<{ roles: Array<{ u: { username: string }; roles: string[] }> }>('GET', 'groups.roles', { roomId });
		const annRoles = roles.body.roles.find((r) => r.u.username === 'ann.member');
		expect(annRoles?.roles).to.have.members(['moderator', 'leader']);

		const members = await h.rest<{ members: Array<{ username: string }>; total: number }>('GET', 'groups.members', { roomId });
		expect(members.body.members.map((m) => m.username)).to.have.members(['admin', 'ann.member']);

		expect((await h.rest('POST', 'groups.kick', { roomId, userId: ann.userId })).status).to.equal(200);
		const after = await h.rest<{ total: number }>('GET', 'groups.members', { roomId });
		expect(after.body.total).to.equal(1);

		// A non-member cannot see the private group.
		const outsider = await h.createUser('outsider');
		const hidden = await h.rest('GET', 'groups.info', { roomId }, outsider.creds);
		expect(hidden.status).to.equal(400);
		expect(hidden.body).to.include({ errorType: 'error-room-not-found' });
	});

	it('grants and revokes global roles, and refuses unknown ones', async () => {
		const bob = await h.createUser('bob.roles');
		const elder = h.world.createRole('elder');
		// Rocket.Chat's current API takes the role id; the old roleName parameter is refused.
		const byName = await h.rest('POST', 'roles.addUserToRole', { roleName: 'elder', username: 'bob.roles' });
		expect(byName.status).to.equal(400);
		expect((await h.rest('POST', 'roles.addUserToRole', { roleId: elder._id, username: 'bob.roles' })).status).to.equal(200);
		const inRole = await h.rest<{ users: Array<{ username: string }> }>('GET', 'roles.getUsersInRole', { role: 'elder' });
		expect(inRole.body.users.map((u) => u.username)).to.deep.equal(['bob.roles']);
		expect((await h.rest('POST', 'roles.removeUserFromRole', { roleId: elder._id, username: 'bob.roles' })).status).to.equal(200);
		expect(h.world.findUserById(bob.userId)?.roles).to.not.include('elder');
		const unknown = await h.rest('POST', 'roles.addUserToRole', { roleId: 'no-such-role', username: 'bob.roles' });
		expect(unknown.status).to.equal(400);
	});

	it('rate-limits REST calls like Rocket.Chat when the limiter is on', async () => {
		const carl = await h.createUser('carl.limited');
		h.world.rateLimit = { enabled: true, calls: 2, windowMs: 60_000 };
		try {
			expect((await h.rest('GET', 'me', undefined, carl.creds)).status).to.equal(200);
			expect((await h.rest('GET', 'me', undefined, carl.creds)).status).to.equal(200);
			const limited = await h.rest('GET', 'me', undefined, carl.creds);
			expect(limited.status).to.equal(429);
			expect(limited.headers['x-ratelimit-limit']).to.equal('2');
			expect(Number(limited.headers['x-ratelimit-reset'])).to.be.greaterThan(Date.now());
			expect(String(limited.body.error)).to.match(/too many requests/);
			// The admin holds api-bypass-rate-limit by default.
			for (let i = 0; i < 3; i++) expect((await h.rest('GET', 'me')).status).to.equal(200);
		} finally {
			h.world.rateLimit = { enabled: false, calls: 10, windowMs: 60_000 };
			h.world.resetRateLimits();
		}
	});

	it('answers 404 for unknown paths and 405 for wrong methods', async () => {
		expect((await h.http('GET', '/api/v1/no.such.endpoint')).status).to.equal(404);
		expect(
			(await h.http('GET', '/api/v1/users.create', { headers: { 'X-User-Id': h.admin.userId, 'X-Auth-Token': h.admin.authToken } }))
				.status,
		).to.equal(405);
	});
});
