/**
 * Accounts benchmarks, in the sandbox (the packaged app in the real engine):
 * - a login token for an existing person, against a bare authenticated endpoint of the same app
 *   (`GET ping`: same key check, no work), measured alternately in the same run. The value is the
 *   app-side overhead: the request's time minus the Rocket.Chat REST round trip it must make
 *   (users.createToken, timed from the same client in the same run); target ratio <= 2. The raw
 *   latencies are in the details;
 * - provisioning 1,000 new people (smoke: 100) through `POST sso/token`, nobody racing: REST calls per
 *   person (account + token), a count with no peer: target at most 2 per person;
 * - the price of a race: 4 `sso/token` calls at once for each of 100 new people (smoke: 20), over two
 *   instances: REST calls per call (the losers of `users.create` look the account up and adopt it), a
 *   count with no peer: target at most 3 per call (an unraced call makes 2; a loser one more look-up).
 */
import { Harness } from '../test/integration/harness';
import { Benchmark, Measurement, median, percentile, round } from './harness';

let shared: Harness | undefined;
async function sandbox(): Promise<Harness> {
	if (!shared) {
		shared = await Harness.start();
		// One sign-on first: the app finds out once which token strategy the server allows (a refused
		// users.createToken on a stock server); the benchmarks count the steady state after it.
		await shared.app('POST', 'sso/token', person(0));
	}
	return shared;
}

const person = (n: number) => ({ externalId: `bench-${n}`, firstName: `First${n}`, lastName: `Last${n}`, email: `bench${n}@example.org` });

async function timed(fn: () => Promise<{ status: number }>): Promise<number> {
	const t0 = process.hrtime.bigint();
	const r = await fn();
	if (r.status !== 200) throw new Error(`unexpected status ${r.status}`);
	return Number(process.hrtime.bigint() - t0) / 1e6;
}

/** The known-person sign-on against the bare endpoint and the REST round trip it makes. */
async function knownPerson(h: Harness, smoke: boolean): Promise<Measurement> {
	await h.app('POST', 'sso/token', person(0));
	for (let i = 0; i < 30; i++) {
		await h.app('POST', 'sso/token', person(0));
		await h.app('GET', 'ping');
	}
	const sso: number[] = [];
	const ping: number[] = [];
	const rest: number[] = [];
	const secret = h.world.env.get('CREATE_TOKENS_FOR_USERS_SECRET');
	const userId = h.world.findUserByUsername('first0.last0')?._id;
	for (let i = 0; i < (smoke ? 60 : 200); i++) {
		sso.push(await timed(() => h.app('POST', 'sso/token', person(0))));
		ping.push(await timed(() => h.app('GET', 'ping')));
		rest.push(await timed(() => h.rest('POST', 'users.createToken', { userId, secret })));
	}
	const overhead = median(sso) - median(rest);
	return {
		value: overhead,
		baseline: median(ping),
		details: {
			samples: sso.length,
			ssoMedianMs: round(median(sso)),
			pingMedianMs: round(median(ping)),
			restRoundTripMedianMs: round(median(rest)),
			rawRatio: round(median(sso) / median(ping)),
			ssoP90: round(percentile(sso, 0.9)),
		},
	};
}

export const benchmarks: Benchmark[] = [
	{
		name: 'accounts: sso/token for a known person, app-side time',
		unit: 'ms',
		baselineIs: 'GET ping, the bare endpoint',
		// Smoke: 60 samples instead of 200, so a looser bound.
		target: { on: 'ratio', direction: '<=', full: 2, smoke: 3 },
		async run({ smoke }) {
			// The token switch on (CREATE_TOKENS_FOR_USERS_SECRET, Rocket.Chat 8): sign-on and the baseline both use users.createToken.
			const h = await Harness.start({ createTokensForUsersSecret: 'bench-token-secret-0123456789abcdef' });
			try {
				return await knownPerson(h, smoke);
			} finally {
				await h.stop();
			}
		},
	},
	{
		name: 'accounts: provisioning 1,000 new people (smoke 100), REST calls per person',
		unit: 'calls',
		target: { on: 'value', direction: '<=', full: 2, smoke: 2 },
		async run({ smoke }) {
			const h = await sandbox();
			const total = () => [...h.world.restCalls.values()].reduce((a, b) => a + b, 0);
			const people = smoke ? 100 : 1000;
			const before = total();
			const t0 = Date.now();
			for (let i = 1; i <= people; i += 10) {
				const batch = Array.from({ length: Math.min(10, people - i + 1) }, (_, j) => h.app('POST', 'sso/token', person(i + j)));
				const results = await Promise.all(batch);
				for (const r of results)
					if (r.status !== 200) throw new Error(`provisioning failed: ${r.status} ${JSON.stringify(r.body)}`);
			}
			const calls = total() - before;
			const seconds = (Date.now() - t0) / 1000;
			const emails = new Set(Array.from({ length: people }, (_, k) => `bench${k + 1}@example.org`));
			const accounts = [...h.world.users.values()].filter((u) => emails.has(u.emails[0]?.address ?? '')).length;
			await h.stop();
			shared = undefined;
			return {
				value: calls / people,
				baseline: null,
				checks: { everyPersonHasOneAccount: accounts === people },
				details: { people, restCalls: calls, seconds: Number(seconds.toFixed(1)), perSecond: Math.round(people / seconds) },
			};
		},
	},
	{
		name: 'accounts: 4 sso/token calls racing for each of 100 new people (smoke 50), REST calls per call',
		unit: 'calls',
		// Smoke: 50 people, where the interleaving of the races moves the mean between 2.3 and 3.0 from run to run.
		target: { on: 'value', direction: '<=', full: 3, smoke: 3.5 },
		async run({ smoke }) {
			const h = await Harness.start({ instances: 2, adversarial: false });
			try {
				const total = () => [...h.world.restCalls.values()].reduce((a, b) => a + b, 0);
				const people = smoke ? 50 : 100;
				const before = total();
				const accounts = h.world.users.size;
				let failed = 0;
				for (let i = 0; i < people; i += 10) {
					const calls = Array.from({ length: 10 }, (_, j) =>
						Array.from({ length: 4 }, (_, k) =>
							h.app('POST', 'sso/token', person(100_000 + i + j), { instance: ((j * 4 + k) % 2) + 1 }),
						),
					).flat();
					for (const r of await Promise.all(calls)) if (r.status !== 200) failed++;
				}
				const created = h.world.users.size - accounts;
				const calls = total() - before;
				return {
					value: calls / (people * 4),
					baseline: null,
					checks: { everyCallAnswered200: failed === 0, onePersonOneAccount: created === people },
					details: { people, callsPerPerson: 4, restCalls: calls, accounts: created, failedCalls: failed },
				};
			} finally {
				await h.stop();
			}
		},
	},
];
