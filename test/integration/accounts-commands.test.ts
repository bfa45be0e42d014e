import { expect } from 'chai';

import { Harness } from './harness';

describe('accounts: mobile access, /integration log, whois and status', function () {
	this.timeout(60_000);
	let h: Harness;
	let roomId: string;
	let zoe: { userId: string; username: string };

	before(async () => {
		h = await Harness.start();
		roomId = h.createRoom('lobby', [], 'c');
		const res = await h.app<{ userId: string; username: string }>('POST', 'sso/token', {
			externalId: 'ext-zoe',
			firstName: 'Zoe',
			lastName: 'Mobile',
			email: 'zoe.m@example.org',
		});
		expect(res.status).to.equal(200);
		zoe = res.body;
		h.world.addMember(roomId, zoe.userId);
	});
	after(async () => {
		await h?.stop();
	});

	const notices = (userId: string) => h.world.ephemeral.filter((e) => e.userId === userId).map((e) => e.text);
	const credsOf = (userId: string) => ({ userId, authToken: h.world.createLoginToken(userId) });

	it('tells a person their server and username, privately', async () => {
		await h.command(roomId, 'mobile', '', credsOf(zoe.userId));
		const text = await h.waitFor(() => notices(zoe.userId).find((t) => t.includes('mobile app')), 'the mobile reply');
		expect(text).to.include(h.url).and.to.include(zoe.username);
		expect(h.messages(roomId)).to.have.length(0);
	});

	it('sets a fresh password on request, shown only to them, that logs them in', async () => {
		await h.command(roomId, 'mobile', 'password', credsOf(zoe.userId));
		const text = await h.waitFor(() => notices(zoe.userId).find((t) => t.includes('New password')), 'the password reply');
		const password = /New password: (\S+)/.exec(text)?.[1] as string;
		expect(password).to.have.length.greaterThan(20);
		const login = await h.http('POST', '/api/v1/login', { body: { user: zoe.username, password } });
		expect(login.status).to.equal(200);
		// Stored encrypted, never in clear.
		for (const rec of h.world.persistence.values()) expect(JSON.stringify(rec.data)).to.not.include(password);
		// SSO still works afterwards (the new credential is the one stored).
		expect(
			(await h.app('POST', 'sso/token', { externalId: 'ext-zoe', firstName: 'Zoe', lastName: 'Mobile', email: 'zoe.m@example.org' }))
				.status,
		).to.equal(200);
	});

	it('refuses when mobile access is off, and for accounts the integration does not manage', async () => {
		const other = await h.createUser('not.managed');
		h.world.addMember(roomId, other.userId);
		await h.command(roomId, 'mobile', 'password', other.creds);
		await h.waitFor(() => notices(other.userId).find((t) => t.includes('not managed')), 'the unmanaged reply');
		await h.sandbox.configureApp({ accounts_mobile_access: false });
		try {
			await h.command(roomId, 'mobile', '', credsOf(zoe.userId));
			await h.waitFor(() => notices(zoe.userId).find((t) => t.includes('turned off')), 'the disabled reply');
		} finally {
			await h.sandbox.configureApp({ accounts_mobile_access: true });
		}
	});

	it('shows who an account is with /integration whois, both ways', async () => {
		await h.command(roomId, 'integration', `whois @${zoe.username}`);
		await h.waitFor(
			() => notices(h.admin.userId).find((t) => t.includes('ext-zoe') && t.includes('created by the integration')),
			'whois by username',
		);
		await h.command(roomId, 'integration', 'whois ext-zoe');
		await h.waitFor(() => notices(h.admin.userId).filter((t) => t.includes(`@${zoe.username}`)).length >= 2, 'whois by external id');
		await h.command(roomId, 'integration', 'whois nobody-here');
		await h.waitFor(() => notices(h.admin.userId).find((t) => t.includes('nobody-here')), 'whois unknown');
	});

	it('lists the latest log entries with /integration log', async () => {
		await h.command(roomId, 'integration', 'log 5');
		const text = await h.waitFor(() => notices(h.admin.userId).find((t) => t.startsWith('*Integration log')), 'the log');
		expect(text).to.include('account-created').and.to.include('ext-zoe');
		await h.command(roomId, 'integration', 'log -3');
		await h.waitFor(() => notices(h.admin.userId).find((t) => t.includes('between 1 and 50')), 'the bad count reply');
	});

	it('checks the REST API with the configured token in /integration status', async () => {
		await h.command(roomId, 'integration', 'status');
		await h.waitFor(() => notices(h.admin.userId).find((t) => t.includes('answers with the configured token')), 'the REST check');
		await h.sandbox.configureApp({ rc_admin_token: 'not-the-right-token' });
		try {
			await h.command(roomId, 'integration', 'status');
			const text = await h.waitFor(() => notices(h.admin.userId).find((t) => t.includes('cannot be used')), 'the failed REST check');
			expect(text).to.include('wrong or expired');
			expect(text).to.not.include('not-the-right-token');
		} finally {
			await h.sandbox.configureApp({ rc_admin_token: h.info.admin.authToken });
		}
	});
});
