/**
 * Provisioning (core/accounts/provision.ts): its decisions on plain data, and a model of N callers
 * provisioning the same people at once. The model holds what the real protocol meets: Rocket.Chat's
 * users with unique usernames and addresses (the only atomic check, `users.create`), accounts that
 * existed before (someone else's, or one carrying the person's own address), app persistence (people
 * records, the user index, intents) without atomic operations, and `users.create` answers lost on the
 * way (the account was created, the caller does not know). Each effect is one step; fast-check picks the
 * interleaving and the faults. The protocol run is the real one (the generator `provisionAccount`).
 */
import { expect } from 'chai';
import fc from 'fast-check';

import {
	AccountIntent,
	AccountView,
	CreateOutcome,
	decideConflict,
	inUseField,
	INTENT_WINDOW_MS,
	intentNames,
	PersonToProvision,
	provisionAccount,
	ProvisionEffect,
	ProvisionResult,
} from '../../../core/accounts/provision';

const T0 = 1_700_000_000_000;

describe('provisioning: decisions', () => {
	const person: PersonToProvision = { externalId: 'p1', firstName: 'Mira', lastName: 'Okafor', email: 'mira@example.org' };
	const account = (over: Partial<AccountView> = {}): AccountView => ({
		userId: 'u1',
		username: 'mira.okafor',
		name: 'Mira Okafor',
		emails: [{ address: 'mira@example.org', verified: true }],
		type: 'user',
		createdAt: T0 + 10,
		...over,
	});
	const intent = (over: Partial<AccountIntent> = {}): AccountIntent => ({
		id: 'i1',
		externalId: 'p1',
		username: 'mira.okafor',
		email: 'mira@example.org',
		at: T0,
		...over,
	});
	const facts = (over: Partial<Parameters<typeof decideConflict>[0]> = {}) => ({
		person,
		field: 'username' as const,
		account: account(),
		linkedTo: undefined,
		intents: [intent()],
		...over,
	});

	it('returns an account linked to this person, moves on from one linked to another', () => {
		expect(decideConflict(facts({ linkedTo: 'p1' })).kind).to.equal('mine');
		expect(decideConflict(facts({ linkedTo: 'p2' })).kind).to.equal('next');
	});

	it('adopts an unlinked account only when an intent of this person names exactly it, made while the intent was fresh', () => {
		expect(decideConflict(facts()).kind).to.equal('adopt');
		expect(intentNames(intent({ username: 'mira.okafor2' }), account()), 'other username').to.equal(false);
		expect(intentNames(intent({ email: 'mira+rc1@example.org' }), account()), 'other address').to.equal(false);
		expect(intentNames(intent(), account({ createdAt: T0 - 3_600_000 })), 'created long before the intent').to.equal(false);
		expect(intentNames(intent(), account({ createdAt: T0 - 1 })), 'created a moment before the intent').to.equal(false);
		expect(intentNames(intent(), account({ createdAt: T0 })), 'created as the intent was written').to.equal(true);
		expect(intentNames(intent(), account({ createdAt: T0 + INTENT_WINDOW_MS + 60_000 })), 'created long after').to.equal(false);
		expect(intentNames(intent(), account({ createdAt: undefined })), 'creation time unknown').to.equal(false);
		expect(intentNames(intent(), account({ emails: [{ address: 'mira@example.org', verified: false }] })), 'unverified').to.equal(
			false,
		);
		expect(
			intentNames(intent({ verified: false }), account({ emails: [{ address: 'mira@example.org', verified: false }] })),
			'created unverified, as the intent says',
		).to.equal(true);
		expect(intentNames(intent({ verified: false }), account()), 'verified, although the intent created it unverified').to.equal(false);
		expect(intentNames(intent(), account({ type: 'bot' })), 'a bot').to.equal(false);
		expect(decideConflict(facts({ intents: [intent({ externalId: 'p2' })] })).kind, "another person's intent").to.not.equal('adopt');
	});

	it('leaves an unlinked account no intent names to the link policy (an account the app did not create)', () => {
		const preexisting = account({ createdAt: T0 - 3_600_000 });
		expect(decideConflict(facts({ account: preexisting })).kind, "carries the person's address").to.equal('foreign');
		expect(decideConflict(facts({ account: preexisting, intents: [] })).kind, 'no intent at all').to.equal('foreign');
	});

	it('reads "already in use" from Rocket.Chat\'s check and from MongoDB\'s unique index', () => {
		expect(inUseField('error-field-unavailable', 'mira.okafor is already in use :(', 'mira.okafor', 'mira@example.org')).to.deep.equal({
			field: 'username',
		});
		expect(
			inUseField('error-field-unavailable', 'mira@example.org is already in use :(', 'mira.okafor', 'mira@example.org'),
		).to.deep.equal({ field: 'email' });
		expect(
			inUseField(
				undefined,
				'E11000 duplicate key error collection: rocketchat.users index: username_1 dup key: { username: "mira.okafor" }',
				'mira.okafor',
				'm@x.org',
			),
		).to.deep.equal({ field: 'username' });
		expect(
			inUseField(
				undefined,
				'E11000 duplicate key error collection: rocketchat.users index: emails.address_1 dup key: { emails.address: "m@x.org" }',
				'mira.okafor',
				'm@x.org',
			),
		).to.deep.equal({ field: 'email' });
		expect(inUseField('error-invalid-email', 'Invalid email m@x', 'mira.okafor', 'm@x')).to.equal(undefined);
	});
});

// ---------------------------------------------------------------------------------------------------- the model

interface Account extends AccountView {
	/** Who created it: the app (for whom), or someone before the app. */
	createdFor?: string;
}

interface Rec {
	externalId: string;
	userId: string;
	username: string;
	email: string;
	how: string;
}

class Rc {
	t = T0;
	/** The admin turned linking of existing accounts on. */
	linking = false;
	accounts: Account[] = [];
	people = new Map<string, Rec>();
	byUser = new Map<string, string>();
	intents: AccountIntent[] = [];
	/** Effects performed, by kind. */
	effects = new Map<string, number>();
	private seq = 0;

	byUsername(name: string): Account | undefined {
		return this.accounts.find((a) => a.username.toLowerCase() === name.toLowerCase());
	}

	byEmail(address: string): Account | undefined {
		return this.accounts.find((a) => a.emails.some((e) => e.address.toLowerCase() === address.toLowerCase()));
	}

	add(username: string, email: string, name: string, createdFor?: string, createdAt = this.t, verified = true): Account {
		const a: Account = {
			userId: `u${++this.seq}`,
			username,
			name,
			emails: [{ address: email, verified }],
			type: 'user',
			createdAt,
		};
		if (createdFor) a.createdFor = createdFor;
		this.accounts.push(a);
		return a;
	}

	/** users.create: the unique indexes decide. `lose`: the account is created but the answer is lost. */
	create(person: PersonToProvision, username: string, email: string, verified: boolean, lose: boolean): CreateOutcome {
		if (this.byUsername(username)) return { kind: 'in-use', field: 'username' };
		if (this.byEmail(email)) return { kind: 'in-use', field: 'email' };
		const a = this.add(username, email, `${person.firstName} ${person.lastName}`, person.externalId, this.t, verified);
		if (lose) return { kind: 'unsure', error: new Error('users.create: timeout') };
		return { kind: 'created', userId: a.userId, credential: `sealed-${a.userId}` };
	}
}

interface Caller {
	person: PersonToProvision;
	gen: Generator<ProvisionEffect, ProvisionResult<Rec>, unknown>;
	next: IteratorResult<ProvisionEffect, ProvisionResult<Rec>>;
	result?: ProvisionResult<Rec>;
}

function perform(rc: Rc, c: Caller, effect: ProvisionEffect, lose: boolean): unknown {
	const p = c.person;
	rc.effects.set(effect.kind, (rc.effects.get(effect.kind) ?? 0) + 1);
	switch (effect.kind) {
		case 'now':
			return rc.t;
		case 'read-person':
			return rc.people.get(p.externalId);
		case 'write-intent':
			rc.intents.push({ ...effect.intent });
			return undefined;
		case 'create':
			return rc.create(p, effect.username, effect.email, effect.verified, lose);
		case 'find-account': {
			const a = effect.by === 'username' ? rc.byUsername(effect.value) : rc.byEmail(effect.value);
			return a ? { ...a, emails: a.emails.map((e) => ({ ...e })) } : undefined;
		}
		case 'linked-person':
			return rc.byUser.get(effect.userId);
		case 'may-link':
			// The contract's link policy, when an admin turned linking on: the account holds the person's address, verified.
			return (
				rc.linking && effect.account.emails.some((e) => e.verified === true && e.address.toLowerCase() === p.email.toLowerCase())
			);
		case 'read-intents':
			return rc.intents.filter((i) => i.externalId === p.externalId).map((i) => ({ ...i }));
		case 'remove-intent':
			rc.intents = rc.intents.filter((i) => i.id !== effect.id);
			return undefined;
		case 'sleep':
			rc.t += effect.ms;
			return undefined;
		case 'save': {
			const rec: Rec = { externalId: p.externalId, ...effect.account, how: effect.how };
			// An upsert per person (the last write wins), then the user index.
			rc.people.set(p.externalId, rec);
			rc.byUser.set(rec.userId, p.externalId);
			return rec;
		}
	}
}

const PEOPLE: PersonToProvision[] = [
	{ externalId: 'a', firstName: 'Mira', lastName: 'Okafor', email: 'mira.a@example.org' },
	{ externalId: 'b', firstName: 'Mira', lastName: 'Okafor', email: 'mira.b@example.org', emailVerified: true },
	{ externalId: 'c', firstName: 'Jonas', lastName: 'Varga', email: 'jonas@example.org' },
];

interface Scenario {
	/** Callers: which person each provisions. */
	callers: number[];
	/** Interleaving: which caller moves next (modulo the ones still running). */
	steps: number[];
	/** For each users.create in turn: is its answer lost? */
	losses: boolean[];
	/** Accounts that existed before: an unrelated `mira.okafor`, and someone else holding Jonas's address. */
	squatUsername: boolean;
	squatEmail: boolean;
	/** Linking existing accounts is on (off by default). */
	linking: boolean;
}

const scenarioArb: fc.Arbitrary<Scenario> = fc.record({
	callers: fc.array(fc.nat(2), { minLength: 1, maxLength: 8 }),
	steps: fc.array(fc.nat(7), { minLength: 0, maxLength: 400 }),
	losses: fc.array(fc.boolean(), { maxLength: 6 }).map((xs) => xs.map((x, i) => x && i % 3 === 0)),
	squatUsername: fc.boolean(),
	squatEmail: fc.boolean(),
	linking: fc.boolean(),
});

function run(s: Scenario): { rc: Rc; callers: Caller[]; preexisting: Set<string> } {
	const rc = new Rc();
	rc.linking = s.linking;
	if (s.squatUsername) rc.add('mira.okafor', 'someone.else@example.org', 'Mira Okafor', undefined, T0 - 86_400_000);
	if (s.squatEmail) rc.add('jv', 'jonas@example.org', 'Jonas V.', undefined, T0 - 86_400_000);
	const preexisting = new Set(rc.accounts.map((a) => a.userId));
	const callers: Caller[] = s.callers.map((i, k) => {
		const gen = provisionAccount<Rec>(PEOPLE[i], (attempt) => `c${k}.${attempt}`);
		return { person: PEOPLE[i], gen, next: gen.next() };
	});
	let creates = 0;
	const advance = (c: Caller) => {
		if (c.next.done) return;
		const effect = c.next.value;
		const lose = effect.kind === 'create' && s.losses[creates++] === true;
		c.next = c.gen.next(perform(rc, c, effect, lose));
		rc.t += 1;
		if (c.next.done) c.result = c.next.value;
	};
	for (const k of s.steps) {
		const running = callers.filter((c) => !c.next.done);
		if (running.length === 0) break;
		advance(running[k % running.length]);
	}
	for (const c of callers) while (!c.next.done) advance(c);
	return { rc, callers, preexisting };
}

describe('provisioning: model of concurrent callers', () => {
	it('gives every person one account, returned by every caller, and adopts nothing the app did not create', () => {
		fc.assert(
			fc.property(scenarioArb, (s) => {
				const { rc, callers, preexisting } = run(s);
				for (const p of PEOPLE) {
					const mine = callers.filter((c) => c.person === p);
					if (mine.length === 0) continue;
					const created = rc.accounts.filter((a) => a.createdFor === p.externalId);
					// Every caller succeeds, even one whose users.create answer was lost: the account it made is found by its intent.
					for (const c of mine) expect(c.result?.kind, `${p.externalId}: ${JSON.stringify(c.result)}`).to.not.equal('failed');
					const ok = mine;
					const record = rc.people.get(p.externalId);
					expect(record, `${p.externalId} has a record`).to.not.equal(undefined);
					const ids = new Set(ok.map((c) => (c.result as { record: Rec }).record.userId));
					expect([...ids], `every caller of ${p.externalId} returned its account`).to.deep.equal([record?.userId]);
					expect(created.length, `accounts the app created for ${p.externalId}`).to.be.at.most(1);
					if (record && preexisting.has(record.userId))
						expect(record.how, 'a pre-existing account is only ever linked').to.equal('linked');
					if (record && !s.linking)
						expect(preexisting.has(record.userId), 'linking off: never a pre-existing account').to.equal(false);
					if (record && !preexisting.has(record.userId)) {
						expect(created.map((a) => a.userId)).to.deep.equal([record.userId]);
						const own = !(s.squatEmail && p.externalId === 'c');
						if (own) expect(record.email, `${p.externalId} keeps its own address`).to.equal(p.email);
					}
				}
				// Different people never share an account.
				const owners = new Map<string, string>();
				for (const r of rc.people.values()) {
					expect(owners.get(r.userId) ?? r.externalId, `account ${r.userId}`).to.equal(r.externalId);
					owners.set(r.userId, r.externalId);
				}
			}),
			{ numRuns: 500 },
		);
	});

	it('costs one users.create and no lookup when nobody races', () => {
		const { rc, callers } = run({ callers: [2], steps: [], losses: [], squatUsername: false, squatEmail: false, linking: false });
		expect(callers[0].result?.kind).to.equal('created');
		expect(rc.accounts).to.have.length(1);
		expect(Object.fromEntries(rc.effects)).to.deep.equal({ 'read-person': 1, now: 1, 'write-intent': 1, create: 1, save: 1 });
	});

	it('adopts the account of a users.create whose answer was lost, instead of failing or making a second one', () => {
		const { rc, callers } = run({ callers: [2], steps: [], losses: [true], squatUsername: false, squatEmail: false, linking: false });
		expect(callers[0].result?.kind).to.equal('adopted');
		expect(rc.accounts).to.have.length(1);
		expect(rc.people.get('c')?.userId).to.equal(rc.accounts[0].userId);
	});
});
