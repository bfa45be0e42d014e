import { expect } from 'chai';

import { Harness } from './harness';

describe('accounts: token strategies and the REST rate limiter', function () {
	this.timeout(90_000);
	let h: Harness;

	before(async () => {
		// The server starts with users.createToken allowed (CREATE_TOKENS_FOR_USERS_SECRET); a test turns it off.
		h = await Harness.start({ createTokensForUsersSecret: 'sso-resilience-token-secret-0123456789' });
	});
	after(async () => {
		await h?.stop();
	});

	const person = (n: number) => ({ externalId: `res-${n}`, firstName: 'Rate', lastName: `Person${n}`, email: `rate${n}@example.org` });

	it('backs off on 429 honouring the server reset, and succeeds: one refusal per call at most, no retry storm', async () => {
		// The admin loses api-bypass-rate-limit; the limiter allows 1 call per endpoint per 1.5 s.
		h.world.setPermissionRoles('api-bypass-rate-limit', ['bot', 'app']);
		h.world.rateLimit = { enabled: true, calls: 1, windowMs: 1500 };
		h.world.resetRateLimits();
		try {
			const calls = () => [...h.world.restCalls.values()].reduce((a, b) => a + b, 0);
			const [limitedBefore, callsBefore] = [h.world.rateLimitedCalls, calls()];
			const results = [];
			for (let i = 1; i <= 3; i++) results.push(await h.app<{ username: string }>('POST', 'sso/token', person(i)));
			expect(results.map((r) => r.status)).to.deep.equal([200, 200, 200]);
			const refused = h.world.rateLimitedCalls - limitedBefore;
			const answered = calls() - callsBefore - refused;
			expect(refused, 'some calls were refused with 429').to.be.greaterThan(0);
			// Waiting for the server's reset, each call is refused at most once before it goes through; a client
			// retrying without waiting would be refused many times per call. (How long a sign-in then takes is a
			// matter for the benchmarks.)
			expect(refused, `${refused} refusals for ${answered} calls`).to.be.at.most(answered);
		} finally {
			h.world.rateLimit = { enabled: false, calls: 10, windowMs: 60_000 };
			h.world.resetRateLimits();
			h.world.setPermissionRoles('api-bypass-rate-limit', ['admin', 'bot', 'app']);
		}
	});

	it('falls back to the stored credential when users.createToken is refused, and remembers it', async () => {
		const created = await h.app<{ userId: string }>('POST', 'sso/token', person(10));
		expect(created.status).to.equal(200);
		// The server no longer allows token creation.
		h.world.env.delete('CREATE_TOKENS_FOR_USERS_SECRET');
		const first = await h.app<{ userId: string; loginToken: string }>('POST', 'sso/token', person(10));
		expect(first.status, JSON.stringify(first.body)).to.equal(200);
		const me = await h.rest<{ _id: string }>('GET', 'me', undefined, { userId: first.body.userId, authToken: first.body.loginToken });
		expect(me.body._id).to.equal(created.body.userId);
		// Next time the app does not try users.createToken again: one call (login).
		const tokenCalls = () => h.world.restCalls.get('/api/v1/users.createToken') ?? 0;
		const loginCalls = () => h.world.restCalls.get('/api/v1/login') ?? 0;
		const [t0, l0] = [tokenCalls(), loginCalls()];
		const second = await h.app('POST', 'sso/token', person(10));
		expect(second.status).to.equal(200);
		expect([tokenCalls() - t0, loginCalls() - l0]).to.deep.equal([0, 1]);
	});
});
