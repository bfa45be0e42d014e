import { expect } from 'chai';

import { Harness } from './harness';

interface TokenReply {
	userId: string;
	username: string;
	loginToken: string;
	resumeUrl: string;
}

const person = (externalId: string, firstName: string, lastName: string, email: string, extra: Record<string, unknown> = {}) => ({
	externalId,
	firstName,
	lastName,
	email,
	...extra,
});

describe('accounts: POST sso/token', function () {
	this.timeout(60_000);
	let h: Harness;
	const restCalls = () => [...h.world.restCalls.values()].reduce((a, b) => a + b, 0);

	before(async () => {
		h = await Harness.start();
	});
	after(async () => {
		await h?.stop();
	});

	it('provisions a new person and returns a token that logs them in', async () => {
		const res = await h.app<TokenReply>(
			'POST',
			'sso/token',
			person('p-1', 'Zoë', "O'Brien", 'zoe@example.org', { photoUrl: 'https://img.example.org/zoe.png' }),
		);
		expect(res.status, JSON.stringify(res.body)).to.equal(200);
		expect(res.body.username).to.equal('zoe.obrien');
		expect(res.body.resumeUrl).to.equal(`${h.url}/home?resumeToken=${encodeURIComponent(res.body.loginToken)}`);
		const me = await h.rest<{ username: string; emails: Array<{ address: string }> }>('GET', 'me', undefined, {
			userId: res.body.userId,
			authToken: res.body.loginToken,
		});
		expect(me.status).to.equal(200);
		expect(me.body.username).to.equal('zoe.obrien');
		expect(me.body.emails[0].address).to.equal('zoe@example.org');
		expect(h.world.findUserById(res.body.userId)?.name).to.equal("Zoë O'Brien");
		// The photo is set by a job, so the login answer does not wait for it.
		await h.runDueJobs();
		expect(h.world.findUserById(res.body.userId)?.avatarUrl).to.equal('https://img.example.org/zoe.png');
	});

	it('gives the same person a token again without a second account, in one REST call', async () => {
		expect((await h.app('POST', 'sso/token', person('p-1', 'Zoë', "O'Brien", 'zoe@example.org'))).status).to.equal(200);
		const usersBefore = h.world.users.size;
		const before = restCalls();
		const res = await h.app<TokenReply>('POST', 'sso/token', person('p-1', 'Zoë', "O'Brien", 'zoe@example.org'));
		expect(res.status).to.equal(200);
		expect(res.body.username).to.equal('zoe.obrien');
		expect(h.world.users.size).to.equal(usersBefore);
		expect(restCalls() - before).to.equal(1);
	});

	it('resolves name and e-mail collisions with first.last2 and local+rc1', async () => {
		// Another John Smith has the username; someone else entirely has the e-mail address.
		h.world.createUser({ username: 'john.smith', name: 'John Smith', email: 'other.john@example.org', password: 'x-123456789' });
		h.world.createUser({ username: 'j.s.family', name: 'Smith Family', email: 'john@example.org', password: 'x-123456789' });
		const res = await h.app<TokenReply>('POST', 'sso/token', person('p-2', 'John', 'Smith', 'john@example.org'));
		expect(res.status, JSON.stringify(res.body)).to.equal(200);
		expect(res.body.username).to.equal('john.smith2');
		expect(h.world.findUserById(res.body.userId)?.emails[0].address).to.equal('john+rc1@example.org');
	});

	it('never hands out an existing account it did not create: the person gets their own, with an e-mail alias', async () => {
		const existing = h.world.createUser({
			username: 'mary.jones',
			name: 'Mary Jones',
			email: 'mary@example.org',
			password: 'x-123456789',
			verified: true,
		});
		const res = await h.app<TokenReply>(
			'POST',
			'sso/token',
			person('p-3', 'Mary', 'Jones', 'mary@example.org', { emailVerified: true }),
		);
		expect(res.status, JSON.stringify(res.body)).to.equal(200);
		expect(res.body.userId).to.not.equal(existing._id);
		expect(res.body.username).to.equal('mary.jones2');
		expect(h.world.findUserById(res.body.userId)?.emails).to.deep.equal([{ address: 'mary+rc1@example.org', verified: true }]);
		expect(existing.loginTokens).to.have.length(0);
	});

	it('refuses unknown people when self-registration is off, and creates nothing', async () => {
		expect((await h.app('POST', 'sso/token', person('p-1', 'Zoë', "O'Brien", 'zoe@example.org'))).status).to.equal(200);
		await h.sandbox.configureApp({ accounts_self_registration: false });
		try {
			const usersBefore = h.world.users.size;
			const res = await h.app('POST', 'sso/token', person('p-4', 'Nora', 'New', 'nora@example.org'));
			expect(res.status).to.equal(403);
			expect(res.body).to.deep.equal({ error: 'registration-disabled' });
			expect(h.world.users.size).to.equal(usersBefore);
			// Known people still get their token.
			expect((await h.app('POST', 'sso/token', person('p-1', 'Zoë', "O'Brien", 'zoe@example.org'))).status).to.equal(200);
		} finally {
			await h.sandbox.configureApp({ accounts_self_registration: true });
		}
	});

	it('answers account-inactive for a deactivated account and does not ask Rocket.Chat during the cool-down', async () => {
		const res = await h.app<TokenReply>('POST', 'sso/token', person('p-5', 'Ivan', 'Idle', 'ivan@example.org'));
		expect(res.status).to.equal(200);
		h.world.setActive(res.body.userId, false);
		const first = await h.app('POST', 'sso/token', person('p-5', 'Ivan', 'Idle', 'ivan@example.org'));
		expect(first.status).to.equal(403);
		expect(first.body).to.deep.equal({ error: 'account-inactive' });
		const before = restCalls();
		const second = await h.app('POST', 'sso/token', person('p-5', 'Ivan', 'Idle', 'ivan@example.org'));
		expect(second.body).to.deep.equal({ error: 'account-inactive' });
		expect(restCalls()).to.equal(before);
	});

	it('logs a refused creation once, answers chat-server-error with its reference, and does not loop', async () => {
		// Rocket.Chat refuses: the admin lost the permission to create users. The app logs it once.
		h.expectErrors(/account-create-failed for p-6 \[log-[^\]]+\]: users\.create: forbidden/);
		h.world.setPermissionRoles('create-user', []);
		try {
			const creates = () => h.world.restCalls.get('/api/v1/users.create') ?? 0;
			const before = creates();
			const res = await h.app<{ error: string; reference: string }>(
				'POST',
				'sso/token',
				person('p-6', 'Rita', 'Refused', 'rita@example.org'),
			);
			expect(res.status).to.equal(502);
			expect(res.body.error).to.equal('chat-server-error');
			expect(res.body.reference).to.match(/^log-/);
			const again = await h.app<{ reference: string }>('POST', 'sso/token', person('p-6', 'Rita', 'Refused', 'rita@example.org'));
			expect(again.status).to.equal(502);
			expect(again.body.reference).to.equal(res.body.reference);
			expect(creates() - before).to.equal(1);
			const entries = [...h.world.persistence.values()]
				.map((r) => r.data as Record<string, unknown>)
				.filter((d) => d.reference === res.body.reference && d.event);
			expect(entries).to.have.length(1);
			expect(String(entries[0].message)).to.match(/users\.create: bad-request \(HTTP 400\)/);
			// Once in the app's log too, not once per request.
			expect(h.newErrors().filter((e) => e.text.includes('account-create-failed'))).to.have.length(1);
		} finally {
			h.world.setPermissionRoles('create-user', ['admin']);
		}
	});

	it('never writes a secret into the app storage or the log', () => {
		const secrets = [h.info.admin.authToken, h.info.apiKey, 'sandbox-credential-secret-0123456789'];
		for (const rec of h.world.persistence.values()) {
			const text = JSON.stringify(rec.data);
			for (const s of secrets) expect(text).to.not.include(s);
		}
	});
});
