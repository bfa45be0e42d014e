/**
 * The server switches the sandbox models as options, each defaulting to a stock Rocket.Chat 7.10:
 * ALLOW_UNSAFE_QUERY_AND_FIELDS_API_PARAMS, CREATE_TOKENS_FOR_USERS (before 8.0),
 * CREATE_TOKENS_FOR_USERS_SECRET (8.0 and later), and the REST rate limiter (`stock`, as `npm start`
 * runs, or `off` as in Rocket.Chat's TEST_MODE, the default of an embedded sandbox). Each group starts
 * its own server, so they run in this process only.
 */
import { expect } from 'chai';

import { Sandbox, SandboxOptions } from '../../sandbox/sandbox';
import { Api, Creds } from './server';

interface Server {
	api: Api;
	admin: Creds;
	user: { _id: string; username: string; creds: Creds };
	stop(): Promise<void>;
}

async function server(options: SandboxOptions = {}): Promise<Server> {
	const sandbox = new Sandbox({ port: 0, install: false, ...options });
	const info = await sandbox.start();
	const api = new Api(info.url);
	const admin = { 'X-User-Id': info.admin.userId, 'X-Auth-Token': info.admin.authToken };
	const created = await api.post<{ user: { _id: string } }>(
		'users.create',
		{ username: 'plain.user', name: 'Plain User', email: 'plain.user@example.org', password: 'password' },
		admin,
	);
	const login = await api.post<{ data: { userId: string; authToken: string } }>('login', { user: 'plain.user', password: 'password' });
	return {
		api,
		admin,
		user: {
			_id: created.body.user._id,
			username: 'plain.user',
			creds: { 'X-User-Id': login.body.data.userId, 'X-Auth-Token': login.body.data.authToken },
		},
		stop: () => sandbox.stop(),
	};
}

const NOT_AUTHORIZED = { success: false, error: 'Not authorized [error-not-authorized]', errorType: 'error-not-authorized' };

describe('server switches and the rate limiter', function () {
	this.timeout(60_000);
	before(function () {
		if (process.env.FIDELITY_URL) this.skip();
	});

	describe('a stock server', () => {
		let s: Server;
		before(async () => {
			s = await server({ rateLimiter: 'stock' });
		});
		after(() => s?.stop());

		it('ignores the query and fields parameters of users.list (ALLOW_UNSAFE_QUERY_AND_FIELDS_API_PARAMS unset)', async () => {
			const all = await s.api.get<{ total: number }>('users.list', { count: 0 }, s.admin);
			const res = await s.api.get<{ total: number; users: Array<Record<string, unknown>> }>(
				'users.list',
				{ query: JSON.stringify({ username: 'plain.user' }), fields: JSON.stringify({ username: 1 }), count: 0 },
				s.admin,
			);
			expect(res.status).to.equal(200);
			expect(res.body.total).to.equal(all.body.total).and.to.be.greaterThan(1);
			expect(res.body.users[0]).to.include.keys('name', 'roles', 'active');
		});

		it('refuses users.createToken (neither CREATE_TOKENS_FOR_USERS nor its secret is set)', async () => {
			const res = await s.api.post('users.createToken', { userId: s.user._id }, s.admin);
			expect(res.status).to.equal(400);
			expect(res.body).to.include(NOT_AUTHORIZED);
		});

		it('rate-limits every endpoint to 10 calls a minute from one address, with X-RateLimit headers', async () => {
			for (let i = 0; i < 10; i++) {
				const res = await s.api.get('me', {}, s.user.creds);
				expect(res.status).to.equal(200);
				expect(res.headers.get('x-ratelimit-limit')).to.equal('10');
				expect(res.headers.get('x-ratelimit-remaining')).to.equal(String(9 - i));
			}
			const limited = await s.api.get('me', {}, s.user.creds);
			expect(limited.status).to.equal(429);
			expect(String(limited.body.error)).to.match(
				/^Error, too many requests\. Please slow down\. You must wait \d+ seconds before trying this endpoint again\. \[error-too-many-requests\]$/,
			);
			expect(Number(limited.headers.get('x-ratelimit-reset'))).to.be.greaterThan(Date.now());
			// Another endpoint has its own count; login, which needs no credentials, is limited too.
			expect((await s.api.get('users.info', { username: 'plain.user' }, s.user.creds)).status).to.equal(200);
			for (let i = 0; i < 10; i++) await s.api.post('login', { user: 'plain.user', password: 'wrong' });
			expect((await s.api.post('login', { user: 'plain.user', password: 'password' })).status).to.equal(429);
		});

		it('does not rate-limit holders of api-bypass-rate-limit (admin, bot, app)', async () => {
			for (let i = 0; i < 15; i++) expect((await s.api.get('me', {}, s.admin)).status).to.equal(200);
		});
	});

	describe('Accounts_TwoFactorAuthentication_By_Email_Auto_Opt_In (on in Rocket.Chat, off by default here)', () => {
		let s: Server;
		before(async () => {
			s = await server({ emailTwoFactorAutoOptIn: true, rateLimiter: 'off' });
		});
		after(() => s?.stop());

		it('asks new accounts with a verified address for a second factor on a password login', async () => {
			const created = await s.api.post(
				'users.create',
				{
					username: 'verified.user',
					name: 'Verified User',
					email: 'verified.user@example.org',
					password: 'password',
					verified: true,
				},
				s.admin,
			);
			expect(created.status).to.equal(200);
			const res = await s.api.post('login', { user: 'verified.user', password: 'password' });
			expect(res.status).to.equal(401);
			expect(res.body).to.include({ status: 'error', error: 'totp-required' });
			// Without a verified address the code cannot be sent, and the password alone logs in (plain.user, made above).
			expect((await s.api.post('login', { user: 'plain.user', password: 'password' })).status).to.equal(200);
		});
	});

	describe('ALLOW_UNSAFE_QUERY_AND_FIELDS_API_PARAMS', () => {
		let s: Server;
		before(async () => {
			s = await server({ allowUnsafeQueryAndFields: true, rateLimiter: 'off' });
		});
		after(() => s?.stop());

		it('applies the query and fields parameters of users.list', async () => {
			const res = await s.api.get<{ total: number; users: Array<Record<string, unknown>> }>(
				'users.list',
				{ query: JSON.stringify({ 'emails.address': 'plain.user@example.org' }), fields: JSON.stringify({ username: 1 }) },
				s.admin,
			);
			expect(res.status).to.equal(200);
			expect(res.body.total).to.equal(1);
			expect(res.body.users).to.deep.equal([{ _id: s.user._id, username: 'plain.user' }]);
		});
	});

	describe('CREATE_TOKENS_FOR_USERS (before 8.0)', () => {
		let s: Server;
		before(async () => {
			s = await server({ createTokensForUsers: true, rateLimiter: 'off' });
		});
		after(() => s?.stop());

		it('creates a token for another user when the caller holds user-generate-access-token', async () => {
			const res = await s.api.post<{ data: { userId: string; authToken: string } }>(
				'users.createToken',
				{ userId: s.user._id },
				s.admin,
			);
			expect(res.status).to.equal(200);
			const me = await s.api.get('me', {}, { 'X-User-Id': res.body.data.userId, 'X-Auth-Token': res.body.data.authToken });
			expect(me.body).to.include({ _id: s.user._id });
		});

		it('creates a token for oneself, and refuses one for someone else without the permission', async () => {
			expect((await s.api.post('users.createToken', { userId: s.user._id }, s.user.creds)).status).to.equal(200);
			const other = await s.api.post('users.createToken', { username: 'rocket.cat' }, s.user.creds);
			expect(other.status).to.equal(400);
			expect(other.body).to.include(NOT_AUTHORIZED);
		});
	});

	describe('CREATE_TOKENS_FOR_USERS_SECRET (8.0 and later)', () => {
		let s: Server;
		before(async () => {
			s = await server({ createTokensForUsersSecret: 'the-shared-secret', rateLimiter: 'off' });
		});
		after(() => s?.stop());

		it('creates a token when the caller sends the secret, and refuses a wrong or missing one', async () => {
			expect((await s.api.post('users.createToken', { userId: s.user._id, secret: 'the-shared-secret' }, s.admin)).status).to.equal(
				200,
			);
			for (const body of [{ userId: s.user._id, secret: 'wrong' }, { userId: s.user._id }]) {
				const res = await s.api.post('users.createToken', body, s.admin);
				expect(res.status).to.equal(400);
				expect(res.body).to.include(NOT_AUTHORIZED);
			}
		});
	});
});
