import { expect } from 'chai';

import { Harness } from './harness';
import { drainJobs, Org, orgPerson, picture, status } from './sync-support';

/** `n` people from `from`, in one group led by the first two, with photos. */
function org(from: number, n: number, name: string): Org {
	const people = Array.from({ length: n }, (_, k) => orgPerson(from + k, { photoUrl: `https://img.example.org/p${from + k}.png` }));
	return {
		people,
		groups: {
			[name.toLowerCase()]: {
				name,
				members: people.map((p, k) => ({ externalId: p.externalId, ...(k < 2 ? { role: 'leader' as const } : {}) })),
			},
		},
	};
}

/**
 * Lets the sync run until its pass is complete. Each round runs the jobs due now; if the pass is not
 * complete, a minute passes (the limiter's window ends, and the run the sync scheduled for then is due).
 * Returns how many minutes it took.
 */
async function minutesToConverge(h: Harness, maxMinutes = 20): Promise<number> {
	for (let minutes = 0; minutes <= maxMinutes; minutes++) {
		await drainJobs(h);
		const s = await status(h);
		if (s.sync.current === null && s.sync.lastRun?.outcome === 'finished') return minutes;
		h.world.resetRateLimits();
		await h.runDueJobs(Date.now() + 61_000);
	}
	throw new Error(`the sync did not converge in ${maxMinutes} minutes: ${JSON.stringify((await status(h)).sync)}`);
}

describe("sync: a small org under Rocket.Chat's stock rate limiter", function () {
	this.timeout(180_000);
	let h: Harness;

	before(async () => {
		// 10 calls per endpoint per minute from one address; api-bypass-rate-limit exempts admin, bot and app.
		h = await Harness.start({ rateLimiter: 'stock' });
	});
	after(async () => {
		await h?.stop();
	});

	function expectApplied(from: number, n: number, room: string): void {
		const p = picture(h);
		const user = (i: number) => h.world.findUserByEmail(`p${i}@example.org`)?.username as string;
		const ids = Array.from({ length: n }, (_, k) => from + k);
		const r = p.rooms[room] as { members: string[]; leaders: string[] };
		expect(r.members).to.include.members(ids.map(user));
		expect(r.leaders).to.have.members([user(from), user(from + 1)]);
		for (const i of ids)
			expect(p.users[user(i)], `p${i}`).to.deep.include({ active: true, avatar: `https://img.example.org/p${i}.png` });
	}

	it('converges in one pass when the integration account holds api-bypass-rate-limit, as an admin does', async () => {
		expect((await h.app('POST', 'snapshot', org(0, 8, 'Alpha'))).status).to.equal(202);
		expect(await minutesToConverge(h)).to.equal(0);
		expectApplied(0, 8, 'alpha');
		expect(h.world.rateLimitedCalls).to.equal(0);
	});

	it('converges over the next minutes for an integration account without it, failing nothing', async () => {
		h.world.setPermissionRoles('api-bypass-rate-limit', ['bot', 'app']);
		try {
			// Twelve new accounts, photos and leaders: more calls of each endpoint than a minute allows.
			expect((await h.app('POST', 'snapshot', org(8, 12, 'Beta'))).status).to.equal(202);
			const minutes = await minutesToConverge(h);
			expect(h.world.rateLimitedCalls, 'some calls were refused with 429').to.be.greaterThan(0);
			expect(minutes, 'the limit spread the pass over several minutes').to.be.within(1, 6);
		} finally {
			h.world.setPermissionRoles('api-bypass-rate-limit', ['admin', 'bot', 'app']);
		}
		expectApplied(8, 12, 'beta');
		const s = await status(h);
		expect(s.sync.lastPass?.failed).to.deep.equal({});
		// One account per person: a refused call was never repeated into a second account.
		expect([...h.world.users.values()].filter((u) => u.type === 'user' && /^p\d+@/.test(u.emails[0]?.address ?? ''))).to.have.length(
			20,
		);
	});
});
