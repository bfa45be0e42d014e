import { expect } from 'chai';

import type { SandboxOptions } from '../../sandbox/sandbox';
import { Harness } from './harness';

/**
 * The app on a stock Rocket.Chat (no server switch set, as every other test runs it) and with each
 * switch on: ALLOW_UNSAFE_QUERY_AND_FIELDS_API_PARAMS, CREATE_TOKENS_FOR_USERS (before 8.0) and
 * CREATE_TOKENS_FOR_USERS_SECRET (8.0 and later). The app needs none of them; the token switches
 * save a login per sign-in, and /integration status says which strategy the server allows.
 */
describe('the app on a stock server and with each server switch', function () {
	this.timeout(120_000);

	const anna = {
		externalId: 'sw-anna',
		firstName: 'Anna',
		lastName: 'Lindqvist',
		email: 'anna.lindqvist@example.org',
		emailVerified: true,
	};

	/**
	 * A server with an account Anna made herself (her address verified), an older account whose username
	 * sorts first, and the app's account linking on.
	 */
	async function start(options: SandboxOptions): Promise<{ h: Harness; annaId: string; room: string }> {
		const h = await Harness.start({ ...options, settings: { accounts_link_existing: true } });
		h.world.createUser({ username: 'aaa.first', name: 'First Account', email: 'first@example.org', verified: true });
		const own = h.world.createUser({
			username: 'anna.l',
			name: 'Anna Lindqvist',
			email: anna.email,
			password: 'her-own-password-1',
			verified: true,
		});
		return { h, annaId: own._id, room: h.createRoom('switch-lobby', []) };
	}

	async function statusText(h: Harness, room: string): Promise<string> {
		const before = h.world.ephemeral.length;
		await h.command(room, 'integration', 'status');
		return h.waitFor(() => h.world.ephemeral.slice(before).find((n) => /Login tokens/.test(n.text ?? ''))?.text, 'the status reply');
	}

	const calls = (h: Harness, endpoint: string) => h.world.restCalls.get(`/api/v1/${endpoint}`) ?? 0;

	/**
	 * The account the app linked the person to (its integration log). A linked account signs in only with
	 * users.createToken (the app never sets its password), so on a stock server the sign-in itself answers 502.
	 */
	const linkedTo = (h: Harness, externalId: string) =>
		[...h.world.persistence.values()]
			.map((r) => r.data as { event?: string; externalId?: string; userId?: string })
			.find((d) => d.event === 'account-linked' && d.externalId === externalId)?.userId;

	describe('stock server', () => {
		let h: Harness;
		let annaId: string;
		let room: string;
		before(async () => {
			({ h, annaId, room } = await start({}));
		});
		after(() => h?.stop());

		it('links a person to the account holding their e-mail address, not to the first account users.list returns', async () => {
			await h.app('POST', 'sso/token', anna);
			expect(linkedTo(h, anna.externalId)).to.equal(annaId);
			expect(calls(h, 'users.list')).to.equal(0);
		});

		it('logs people in with their stored credential, and says how to let it create tokens', async () => {
			const res = await h.app<{ userId: string }>('POST', 'sso/token', {
				...anna,
				externalId: 'sw-ben',
				firstName: 'Ben',
				email: 'ben@example.org',
			});
			expect(res.status, JSON.stringify(res.body)).to.equal(200);
			expect(calls(h, 'users.createToken')).to.equal(1);
			expect(calls(h, 'login')).to.be.greaterThan(0);
			const text = await statusText(h, room);
			expect(text).to.match(/refuses users\.createToken/);
			expect(text).to.match(/CREATE_TOKENS_FOR_USERS=true/);
			expect(text).to.match(/CREATE_TOKENS_FOR_USERS_SECRET/);
		});
	});

	describe('ALLOW_UNSAFE_QUERY_AND_FIELDS_API_PARAMS', () => {
		let h: Harness;
		let annaId: string;
		before(async () => {
			({ h, annaId } = await start({ allowUnsafeQueryAndFields: true }));
		});
		after(() => h?.stop());

		it('links a person to the account holding their e-mail address, as on a stock server', async () => {
			await h.app('POST', 'sso/token', anna);
			expect(linkedTo(h, anna.externalId)).to.equal(annaId);
		});
	});

	describe('CREATE_TOKENS_FOR_USERS (Rocket.Chat before 8.0)', () => {
		let h: Harness;
		let room: string;
		before(async () => {
			({ h, room } = await start({ createTokensForUsers: true }));
		});
		after(() => h?.stop());

		it('gets login tokens from users.createToken, without a login, and says so', async () => {
			const res = await h.app<{ userId: string; loginToken: string }>('POST', 'sso/token', anna);
			expect(res.status, JSON.stringify(res.body)).to.equal(200);
			const me = await h.rest('GET', 'me', undefined, { userId: res.body.userId, authToken: res.body.loginToken });
			expect(me.status).to.equal(200);
			expect([calls(h, 'users.createToken'), calls(h, 'login')]).to.deep.equal([1, 0]);
			expect(await statusText(h, room)).to.match(/created with users\.createToken/);
		});
	});

	describe('CREATE_TOKENS_FOR_USERS_SECRET (Rocket.Chat 8.0 and later)', () => {
		let h: Harness;
		before(async () => {
			({ h } = await start({ createTokensForUsersSecret: 'shared-token-secret-0123456789' }));
		});
		after(() => h?.stop());

		it('gets login tokens from users.createToken with the secret of its setting, without a login', async () => {
			const res = await h.app<{ userId: string; loginToken: string }>('POST', 'sso/token', anna);
			expect(res.status, JSON.stringify(res.body)).to.equal(200);
			expect([calls(h, 'users.createToken'), calls(h, 'login')]).to.deep.equal([1, 0]);
		});

		it('falls back to the stored credential when its setting holds another secret', async () => {
			await h.sandbox.configureApp({ rc_create_tokens_secret: 'not-the-server-secret' });
			const res = await h.app<{ userId: string; loginToken: string }>('POST', 'sso/token', {
				...anna,
				externalId: 'sw-carl',
				firstName: 'Carl',
				email: 'carl@example.org',
			});
			expect(res.status, JSON.stringify(res.body)).to.equal(200);
			const me = await h.rest('GET', 'me', undefined, { userId: res.body.userId, authToken: res.body.loginToken });
			expect(me.status).to.equal(200);
			expect(calls(h, 'login')).to.be.greaterThan(0);
		});
	});
});
