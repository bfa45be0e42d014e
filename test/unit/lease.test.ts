/**
 * The lease (core/lease.ts): its rules on plain data, and a model of N runs taking it at once. The model
 * store offers what app persistence offers (insert, list, remove; no atomic operation), each persistence
 * call or clock read is one step, fast-check picks the interleaving, how time moves, every instance's
 * clock offset (within the tolerated skew), and which holders crash without releasing. The protocol run
 * is the real one (the generator `acquireLease`).
 */
import { expect } from 'chai';
import fc from 'fast-check';

import {
	acquireLease,
	backoffMs,
	CLOCK_SKEW_MS,
	CONTENTION_MS,
	isLive,
	judgeClaims,
	LeaseClaim,
	LeaseEffect,
	LeaseOptions,
} from '../../core/lease';

const T0 = 1_700_000_000_000;
const TTL = 10_000;

describe('lease: rules', () => {
	const claim = (id: string, at: number, until = at + TTL): LeaseClaim => ({ id, job: 'j', at, until });

	it('goes ahead with no other live claim; expired claims of others are cleared away', () => {
		const mine = claim('me', T0);
		const stale = claim('old', T0 - 60_000, T0 - CLOCK_SKEW_MS - 1);
		expect(judgeClaims([stale, mine], mine, T0)).to.deep.equal({ verdict: 'go', expired: [stale] });
	});

	it('steps back before an older live claim (held) and before one made at about the same time (collision)', () => {
		const mine = claim('me', T0);
		expect(judgeClaims([claim('holder', T0 - CONTENTION_MS - 1), mine], mine, T0).verdict).to.equal('held');
		expect(judgeClaims([claim('rival', T0 + 5), mine], mine, T0).verdict).to.equal('collision');
		expect(judgeClaims([claim('rival', T0 - 5), mine], mine, T0).verdict).to.equal('collision');
		expect(judgeClaims([claim('rival', T0)], mine, T0).verdict, 'own claim not visible yet').to.equal('collision');
	});

	it('counts a claim as live until its end plus the clock-skew margin', () => {
		const c = claim('x', T0);
		expect(isLive(c, T0 + TTL + CLOCK_SKEW_MS - 1)).to.equal(true);
		expect(isLive(c, T0 + TTL + CLOCK_SKEW_MS)).to.equal(false);
	});

	it('backs off exponentially with jitter, capped', () => {
		expect(backoffMs(0, 0)).to.equal(20);
		expect(backoffMs(0, 1)).to.equal(40);
		expect(backoffMs(3, 0.5)).to.equal(240);
		expect(backoffMs(30, 1)).to.equal(800);
	});
});

/** One run in the model: the protocol, then holding, then releasing (unless it crashes). */
interface Run {
	name: string;
	/** This instance's clock minus real time. */
	offset: number;
	gen: Generator<LeaseEffect, LeaseClaim | undefined, unknown>;
	pending: IteratorResult<LeaseEffect, LeaseClaim | undefined>;
	/** Real time before which a sleeping run does not move. */
	wakeAt: number;
	state: 'taking' | 'holding' | 'done';
	held?: LeaseClaim;
	holdSteps: number;
	crashes: boolean;
	outcome?: 'took' | 'busy';
}

class Model {
	t = T0;
	claims: LeaseClaim[] = [];
	violations: string[] = [];
	randoms: number[];
	private r = 0;

	constructor(randoms: number[]) {
		this.randoms = randoms;
	}

	random(): number {
		const v = this.randoms.length ? this.randoms[this.r % this.randoms.length] : 0.5;
		this.r++;
		return v;
	}

	/** Answers one effect of `run`; false when the run sleeps and its time has not come. */
	perform(run: Run, effect: LeaseEffect): { ready: boolean; value?: unknown } {
		switch (effect.kind) {
			case 'now':
				return { ready: true, value: this.t + run.offset };
			case 'random':
				return { ready: true, value: this.random() };
			case 'insert':
				this.claims.push({ ...effect.claim });
				return { ready: true };
			case 'list':
				return { ready: true, value: this.claims.map((c) => ({ ...c })) };
			case 'remove':
				this.claims = this.claims.filter((c) => c.id !== effect.id);
				return { ready: true };
			case 'sleep':
				if (run.wakeAt === 0) run.wakeAt = this.t + effect.ms;
				if (this.t < run.wakeAt) return { ready: false };
				run.wakeAt = 0;
				return { ready: true };
		}
	}

	/** Holders whose claim has not ended on their own clock: the lease promises at most one. */
	checkHolders(runs: Run[]): void {
		const live = runs.filter((r) => r.state === 'holding' && r.held && this.t + r.offset < r.held.until);
		if (live.length > 1) this.violations.push(`${live.map((r) => r.name).join(' and ')} hold the lease at once at t=${this.t - T0}`);
	}

	/** One step of `run`; returns false if it could not move. */
	step(run: Run, runs: Run[]): boolean {
		if (run.state === 'done') return false;
		if (run.state === 'holding') {
			if (run.holdSteps > 0) {
				run.holdSteps--;
				return true;
			}
			if (!run.crashes && run.held) {
				const id = run.held.id;
				this.claims = this.claims.filter((c) => c.id !== id);
			}
			run.state = 'done';
			return true;
		}
		if (run.pending.done) {
			run.held = run.pending.value;
			run.outcome = run.held ? 'took' : 'busy';
			run.state = run.held ? 'holding' : 'done';
			this.checkHolders(runs);
			return true;
		}
		const answer = this.perform(run, run.pending.value);
		if (!answer.ready) return false;
		run.pending = run.gen.next(answer.value);
		return true;
	}
}

type Action =
	| { kind: 'start'; waitMs: number; offset: number; holdSteps: number; crashes: boolean }
	| { kind: 'step'; which: number }
	| { kind: 'tick'; ms: number };

const actionArb: fc.Arbitrary<Action> = fc.oneof(
	{
		weight: 1,
		arbitrary: fc.record({
			kind: fc.constant<'start'>('start'),
			waitMs: fc.constantFrom(0, 0, 3_000),
			offset: fc.oneof(
				fc.constantFrom(-CLOCK_SKEW_MS / 2, CLOCK_SKEW_MS / 2),
				fc.integer({ min: -CLOCK_SKEW_MS / 2, max: CLOCK_SKEW_MS / 2 }),
			),
			holdSteps: fc.nat(6),
			crashes: fc.integer({ min: 0, max: 9 }).map((n) => n < 2),
		}),
	},
	{ weight: 10, arbitrary: fc.nat(9).map<Action>((which) => ({ kind: 'step', which })) },
	{ weight: 3, arbitrary: fc.integer({ min: 0, max: 400 }).map<Action>((ms) => ({ kind: 'tick', ms })) },
	{ weight: 1, arbitrary: fc.integer({ min: 1_000, max: 15_000 }).map<Action>((ms) => ({ kind: 'tick', ms })) },
);

function startRun(name: string, a: Extract<Action, { kind: 'start' }>): Run {
	const options: LeaseOptions = { ttlMs: TTL, waitMs: a.waitMs };
	const gen = acquireLease('j', name, options);
	return {
		name,
		offset: a.offset,
		gen,
		pending: gen.next(),
		wakeAt: 0,
		state: 'taking',
		holdSteps: a.holdSteps,
		crashes: a.crashes,
	};
}

describe('lease: model of concurrent runs over app persistence', () => {
	it('never lets two runs hold it at once while their claims last, whatever the interleaving and clock skew', () => {
		fc.assert(
			fc.property(
				fc.array(actionArb, { minLength: 10, maxLength: 300 }),
				fc.array(fc.double({ min: 0, max: 0.999, noNaN: true }), { maxLength: 8 }),
				(actions, randoms) => {
					const m = new Model(randoms);
					const runs: Run[] = [];
					for (const a of actions) {
						if (a.kind === 'start') runs.push(startRun(`r${runs.length}`, a));
						else if (a.kind === 'step') {
							const active = runs.filter((r) => r.state !== 'done');
							if (active.length > 0) m.step(active[a.which % active.length], runs);
						} else m.t += a.ms;
						m.checkHolders(runs);
					}
					// Let everyone finish, time moving on as sleepers need.
					for (let guard = 0; runs.some((r) => r.state !== 'done') && guard < 100_000; guard++) {
						const active = runs.filter((r) => r.state !== 'done');
						if (!active.some((r) => m.step(r, runs))) m.t += 10;
						m.checkHolders(runs);
					}
					expect(m.violations).to.deep.equal([]);
					expect(runs.every((r) => r.state === 'done')).to.equal(true);
					// Whatever happened, a run that comes once every claim has ended takes the lease at its first try.
					m.t += TTL + CLOCK_SKEW_MS * 2;
					const late = startRun('late', { kind: 'start', waitMs: 0, offset: 0, holdSteps: 0, crashes: false });
					let inserts = 0;
					while (late.state !== 'done') {
						if (late.state === 'taking' && !late.pending.done && late.pending.value.kind === 'insert') inserts++;
						if (!m.step(late, [late])) m.t += 10;
					}
					expect(late.outcome).to.equal('took');
					expect(inserts).to.equal(1);
					expect(m.claims, 'expired claims were cleared away, the late run released its own').to.deep.equal([]);
				},
			),
			{ numRuns: 500 },
		);
	});

	/** Lockstep: each run makes one step in turn, the worst case for claim-then-check. */
	function lockstep(m: Model, runs: Run[]): void {
		for (let guard = 0; runs.some((r) => r.state === 'taking') && guard < 100_000; guard++) {
			let moved = false;
			for (const r of runs) if (r.state === 'taking') moved = m.step(r, runs) || moved;
			if (!moved) m.t += 5;
		}
	}

	it('lets at most one of several runs claiming at the same moment go ahead, in lockstep', () => {
		fc.assert(
			fc.property(
				fc.integer({ min: 2, max: 5 }),
				fc.array(fc.double({ min: 0, max: 0.999, noNaN: true }), { minLength: 1, maxLength: 8 }),
				(n, randoms) => {
					const m = new Model(randoms);
					const runs = Array.from({ length: n }, (_, i) =>
						startRun(`r${i}`, { kind: 'start', waitMs: 0, offset: 0, holdSteps: 1_000_000, crashes: false }),
					);
					lockstep(m, runs);
					expect(m.violations).to.deep.equal([]);
					expect(runs.filter((r) => r.outcome === 'took').length).to.be.at.most(1);
				},
			),
			{ numRuns: 200 },
		);
	});

	it('breaks a collision with the jitter: two runs in lockstep, one goes ahead on its retry', () => {
		const m = new Model([0, 0.99]);
		const runs = ['a', 'b'].map((name) =>
			startRun(name, { kind: 'start', waitMs: 0, offset: 0, holdSteps: 1_000_000, crashes: false }),
		);
		lockstep(m, runs);
		expect(runs.map((r) => r.outcome).sort()).to.deep.equal(['busy', 'took']);
		expect(m.t - T0, 'resolved within the collision budget').to.be.lessThan(2_000);
	});
});
