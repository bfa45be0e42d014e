import { expect } from 'chai';

import type { WUser } from '../../sandbox/world/types';
import { Harness } from './harness';
import { Org, OrgPerson, picture, status, untilComplete } from './sync-support';

interface TokenReply {
	userId: string;
	username: string;
	loginToken: string;
}

/**
 * Eight new people; two of them share a name (two different people called Mira Okafor), so one of
 * them must move on to the next username while the other's own concurrent calls must not.
 */
function newPeople(prefix: string): OrgPerson[] {
	const names: Array<[string, string]> = [
		['Mira', 'Okafor'],
		['Mira', 'Okafor'],
		['Jonas', 'Varga'],
		['Anna', 'Lindqvist'],
		['Chloé', 'Dupont'],
		['Farid', 'Haddad'],
		['Greta', 'Novak'],
		['Hugo', 'Silva'],
	];
	return names.map(([firstName, lastName], i) => ({
		externalId: `${prefix}${i}`,
		firstName,
		lastName,
		email: `${prefix}${i}.${lastName.toLowerCase()}@example.org`,
	}));
}

/** The accounts whose address is the person's own or one of its `+rcN` aliases. */
function accountsOf(h: Harness, p: OrgPerson): WUser[] {
	const [local, domain] = p.email.toLowerCase().split('@');
	return [...h.world.users.values()].filter((u) =>
		u.emails.some((e) => {
			const [l, d] = e.address.toLowerCase().split('@');
			return d === domain && (l === local || l.startsWith(`${local}+rc`));
		}),
	);
}

/** `perPerson` sso/token calls for every person, all at once, spread round-robin over the instances. */
function ssoStorm(h: Harness, people: OrgPerson[], perPerson: number, instances: number) {
	return people.flatMap((p, i) =>
		Array.from({ length: perPerson }, (_, k) => {
			const instance = ((i * perPerson + k) % instances) + 1;
			return { person: p, reply: h.app<TokenReply>('POST', 'sso/token', p, { instance }) };
		}),
	);
}

/** Every call of every person answered 200 with one and the same account: the person's only one, at their own address. */
async function expectOneAccountEach(h: Harness, people: OrgPerson[], calls: ReturnType<typeof ssoStorm>): Promise<void> {
	const replies = await Promise.all(calls.map(async (c) => ({ person: c.person, res: await c.reply })));
	for (const { person, res } of replies) expect(res.status, `${person.externalId}: ${JSON.stringify(res.body)}`).to.equal(200);
	for (const p of people) {
		const accounts = accountsOf(h, p);
		expect(
			accounts.map((u) => `${u.username} <${u.emails[0]?.address}>`),
			`accounts of ${p.externalId}`,
		).to.have.length(1);
		const [account] = accounts;
		expect(account.emails[0].address, `${p.externalId} has its own address, not an alias`).to.equal(p.email);
		const mine = replies.filter((r) => r.person === p);
		if (mine.length === 0) continue;
		const returned = new Set(mine.map((r) => r.res.body.userId));
		expect([...returned], `every call for ${p.externalId} returned its account`).to.deep.equal([account._id]);
	}
	const usernames = people.map((p) => accountsOf(h, p)[0].username);
	expect(new Set(usernames).size, 'distinct usernames').to.equal(people.length);
	// The two Mira Okafors: the next free name each (first.last, first.last2, ... after those taken before).
	expect(
		usernames.slice(0, 2).every((u) => /^mira\.okafor\d*$/.test(u)),
		usernames.join(', '),
	).to.equal(true);
}

for (const instances of [2, 3]) {
	describe(`accounts: one account per person on ${instances} instances at once`, function () {
		this.timeout(180_000);
		let h: Harness;

		before(async () => {
			h = await Harness.start({ instances });
		});
		after(async () => {
			await h?.stop();
		});

		it('4 concurrent sso/token calls for each of 8 new people: one account each, returned by every call', async () => {
			const people = newPeople('sso');
			const userAccounts = () => [...h.world.users.values()].filter((u) => u.type === 'user').length;
			const before = userAccounts();
			await expectOneAccountEach(h, people, ssoStorm(h, people, 4, instances));
			expect(userAccounts() - before).to.equal(people.length);
			// Known now: the next calls create nothing and answer with the same accounts.
			const again = await Promise.all(people.map((p) => h.app<TokenReply>('POST', 'sso/token', p)));
			expect(again.map((r) => r.body.userId)).to.deep.equal(people.map((p) => accountsOf(h, p)[0]._id));
			expect(userAccounts() - before).to.equal(people.length);
		});

		it('POST sync on every instance racing sso/token for the same people: one account each, each room member once', async () => {
			const people = newPeople('sync');
			const org: Org = {
				people,
				groups: {
					north: {
						name: 'North',
						members: people
							.slice(0, 5)
							.map((p, i) => ({ externalId: p.externalId, ...(i === 0 ? { role: 'leader' as const } : {}) })),
					},
					south: { name: 'South', members: people.slice(3).map((p) => ({ externalId: p.externalId })) },
				},
			};
			expect((await h.app('POST', 'snapshot', org)).status).to.equal(202);
			const syncs = Array.from({ length: instances }, (_, i) => h.app('POST', 'sync', undefined, { instance: i + 1 }));
			const calls = ssoStorm(h, people, 4, instances);
			const syncReplies = await Promise.all(syncs);
			for (const r of syncReplies) expect(r.status, JSON.stringify(r.body)).to.equal(200);
			await expectOneAccountEach(h, people, calls);
			await untilComplete(h);
			// Still one account each after the sync completed, and each room holds each of its people once.
			await expectOneAccountEach(h, people, []);
			const bot = [...h.world.users.values()].find((u) => u.type === 'app')?.username as string;
			const username = (p: OrgPerson) => accountsOf(h, p)[0].username;
			const rooms = picture(h).rooms as Record<string, { members: string[]; leaders: string[] }>;
			// Each room's people, the app's bot and the integration account (a member of every room the sync manages).
			const integration = h.info.admin.username;
			expect(rooms.north.members).to.deep.equal([integration, bot, ...people.slice(0, 5).map(username)].sort());
			expect(rooms.south.members).to.deep.equal([integration, bot, ...people.slice(3).map(username)].sort());
			expect(rooms.north.leaders).to.deep.equal([username(people[0])]);
			const s = await status(h);
			expect(s.sync.lastPass?.failed, 'no operation failed').to.deep.equal({});
		});
	});
}
