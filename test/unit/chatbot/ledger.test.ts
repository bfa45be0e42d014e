import { expect } from 'chai';
import fc from 'fast-check';

import {
	AwardRecord,
	awardRecordId,
	computeTotals,
	dedupeRecords,
	isCovered,
	leaderboard,
	planCompaction,
	PointsSnapshot,
	pointsOf,
	rankOf,
	toAwardRecords,
} from '../../../core/chatbot/ledger';
import { MAX_AWARD_AGE_MS } from '../../../core/chatbot/policy';

const H = 3_600_000;
const T0 = 1_700_000_000_000;

function rec(messageId: string, receiver: string, delta: 1 | -1, ts: number, giver = 'g'): AwardRecord {
	return { id: awardRecordId(messageId, receiver), messageId, giver, receiver, delta, ts };
}

function asObject(m: Map<string, number>): Record<string, number> {
	return Object.fromEntries([...m.entries()].filter(([, v]) => v !== 0).sort());
}

describe('chatbot points ledger', () => {
	it('derives record ids from (message, receiver), unambiguously', () => {
		expect(awardRecordId('m1', 'u1')).to.equal(awardRecordId('m1', 'u1'));
		expect(awardRecordId('a:b', 'c')).to.not.equal(awardRecordId('a', 'b:c'));
	});

	it('builds one record per accepted award', () => {
		const records = toAwardRecords('m1', T0, 'g', [
			{ receiver: { id: 'u1', username: 'jane' }, delta: 1, reason: 'fix' },
			{ receiver: { id: 'u2', username: 'bob' }, delta: -1 },
		]);
		expect(records).to.deep.equal([
			{ id: awardRecordId('m1', 'u1'), messageId: 'm1', giver: 'g', receiver: 'u1', delta: 1, ts: T0, reason: 'fix' },
			{ id: awardRecordId('m1', 'u2'), messageId: 'm1', giver: 'g', receiver: 'u2', delta: -1, ts: T0 },
		]);
	});

	it('totals count each message once per receiver, whatever the copies and their order', () => {
		const a = rec('m1', 'jane', 1, T0);
		const records = [a, rec('m2', 'jane', 1, T0 + 1), a, { ...a }, rec('m3', 'bob', -1, T0), rec('m1', 'bob', 1, T0)];
		expect(asObject(computeTotals(records))).to.deep.equal({ jane: 2 });
		expect(pointsOf(computeTotals(records), 'jane')).to.equal(2);
		expect(pointsOf(computeTotals(records), 'bob')).to.equal(0);
		expect(pointsOf(computeTotals(records), 'nobody')).to.equal(0);
		// Two copies of one id that disagree (an edit handled by another instance): the same one wins in any order.
		const edited = { ...a, delta: -1 as const, ts: T0 + 5 };
		expect(dedupeRecords([a, edited])).to.deep.equal([a]);
		expect(dedupeRecords([edited, a])).to.deep.equal([a]);
	});

	it('ranks with ties sharing a rank (1, 2, 2, 4) and cuts at top N', () => {
		const totals = new Map([
			['dan', 3],
			['amy', 9],
			['cat', 5],
			['bob', 5],
			['eve', -2],
		]);
		expect(leaderboard(totals)).to.deep.equal([
			{ rank: 1, user: 'amy', points: 9 },
			{ rank: 2, user: 'bob', points: 5 },
			{ rank: 2, user: 'cat', points: 5 },
			{ rank: 4, user: 'dan', points: 3 },
			{ rank: 5, user: 'eve', points: -2 },
		]);
		expect(leaderboard(totals, 3).map((e) => e.user)).to.deep.equal(['amy', 'bob', 'cat']);
		expect(leaderboard(totals, 0)).to.deep.equal([]);
		expect(rankOf(totals, 'cat')).to.equal(2);
		expect(rankOf(totals, 'nobody')).to.equal(5);
	});

	it('leaderboard ranks are consistent (property)', () => {
		fc.assert(
			fc.property(
				fc.dictionary(fc.string({ minLength: 1, maxLength: 4 }), fc.integer({ min: -5, max: 5 })),
				fc.nat(30),
				(dict, top) => {
					const totals = new Map(Object.entries(dict));
					const board = leaderboard(totals);
					expect(board).to.have.length(totals.size);
					board.forEach((e, i) => {
						expect(e.rank).to.equal(1 + board.filter((x) => x.points > e.points).length);
						expect(e.rank).to.equal(rankOf(totals, e.user));
						if (i > 0) expect(board[i - 1].points).to.be.at.least(e.points);
					});
					expect(leaderboard(totals, top)).to.deep.equal(board.slice(0, top));
				},
			),
			{ numRuns: 300 },
		);
	});

	it('folds old records into a snapshot and deletes them, keeping the totals', () => {
		const now = T0 + 30 * 24 * H;
		const records = [
			rec('m1', 'jane', 1, T0),
			rec('m2', 'jane', 1, now - 2 * H),
			rec('m3', 'jane', -1, now - 10),
			rec('m4', 'bob', 1, T0),
		];
		const plan = planCompaction(records, [], { now });
		expect(plan.folded).to.equal(3);
		expect(plan.put.map((s) => [s.receiver, s.points, s.version])).to.deep.equal([
			['jane', 2, 1],
			['bob', 1, 1],
		]);
		const jane = plan.put[0];
		expect(jane.sealedBefore).to.equal(now - 7 * 24 * H);
		expect(Object.keys(jane.covered)).to.deep.equal([awardRecordId('m2', 'jane')]);
		expect([...plan.deleteRecordIds].sort()).to.deep.equal([records[0].id, records[1].id, records[3].id].sort());
		const left = records.filter((r) => !plan.deleteRecordIds.includes(r.id));
		expect(asObject(computeTotals(left, plan.put))).to.deep.equal(asObject(computeTotals(records)));
		// Nothing new: a second plan changes nothing.
		expect(planCompaction(left, plan.put, { now })).to.deep.equal({ put: [], deleteRecordIds: [], folded: 0 });
	});

	it('a leftover copy after a crash between put and delete is covered, then cleaned up', () => {
		const now = T0 + 3 * H;
		const records = [rec('m1', 'jane', 1, T0), rec('m2', 'jane', 1, T0 + 1)];
		const plan = planCompaction(records, [], { now });
		expect(asObject(computeTotals(records, plan.put))).to.deep.equal({ jane: 2 });
		expect(records.every((r) => isCovered(plan.put[0], r))).to.equal(true);
		const cleanup = planCompaction(records, plan.put, { now });
		expect(cleanup.put).to.deep.equal([]);
		expect([...cleanup.deleteRecordIds].sort()).to.deep.equal(records.map((r) => r.id).sort());
	});

	it('uses the highest snapshot version when several are stored', () => {
		const s1: PointsSnapshot = { receiver: 'jane', version: 1, points: 1, sealedBefore: 0, covered: {} };
		const s2: PointsSnapshot = { receiver: 'jane', version: 2, points: 5, sealedBefore: 0, covered: {} };
		expect(pointsOf(computeTotals([], [s2, s1]), 'jane')).to.equal(5);
		expect(pointsOf(computeTotals([], [s1, s2]), 'jane')).to.equal(5);
	});

	describe('compaction invariant over a timeline (property)', () => {
		type Step =
			| { kind: 'award'; receiver: number; delta: 1 | -1; age: number }
			| { kind: 'duplicate'; pick: number }
			| { kind: 'advance'; ms: number }
			| {
					kind: 'compact';
					concurrent: Array<{ receiver: number; delta: 1 | -1; age: number } | { pick: number }>;
					deleted: number;
					crashBeforePut: boolean;
			  };
		const receiver = fc.integer({ min: 0, max: 3 });
		const delta = fc.constantFrom<1 | -1>(1, -1);
		const age = fc.integer({ min: 0, max: MAX_AWARD_AGE_MS });
		const step: fc.Arbitrary<Step> = fc.oneof(
			{ weight: 5, arbitrary: fc.record({ kind: fc.constant('award' as const), receiver, delta, age }) },
			{ weight: 2, arbitrary: fc.record({ kind: fc.constant('duplicate' as const), pick: fc.nat() }) },
			{ weight: 3, arbitrary: fc.record({ kind: fc.constant('advance' as const), ms: fc.integer({ min: 0, max: 14 * H }) }) },
			{
				weight: 2,
				arbitrary: fc.record({
					kind: fc.constant('compact' as const),
					concurrent: fc.array(fc.oneof(fc.record({ receiver, delta, age }), fc.record({ pick: fc.nat() })), { maxLength: 4 }),
					deleted: fc.double({ min: 0, max: 1, noNaN: true }),
					crashBeforePut: fc.boolean(),
				}),
			},
		);

		it('never loses or double counts an award, with concurrent writers, duplicates and crashes', () => {
			fc.assert(
				fc.property(
					fc.array(step, { maxLength: 60 }),
					fc.constantFrom(H, 2 * H),
					fc.constantFrom(10 * H, 7 * 24 * H),
					(steps, fold, seal) => {
						let now = T0;
						let seq = 0;
						let stored: AwardRecord[] = [];
						const snapshots = new Map<string, PointsSnapshot>();
						const truth = new Map<string, AwardRecord>();
						const write = (w: { receiver: number; delta: 1 | -1; age: number } | { pick: number }): void => {
							if ('pick' in w) {
								// A duplicate handling: identical copy, at any time, even long after (no timing assumption needed).
								const all = [...truth.values()];
								if (all.length > 0) stored.push({ ...all[w.pick % all.length] });
								return;
							}
							const r = rec(`m${seq++}`, `u${w.receiver}`, w.delta, now - w.age);
							truth.set(r.id, r);
							stored.push(r);
						};
						const check = (): void => {
							const expected = new Map<string, number>();
							for (const r of truth.values()) expected.set(r.receiver, (expected.get(r.receiver) ?? 0) + r.delta);
							expect(asObject(computeTotals(stored, [...snapshots.values()]))).to.deep.equal(asObject(expected));
						};
						for (const s of steps) {
							if (s.kind === 'award') write(s);
							else if (s.kind === 'duplicate') write(s);
							else if (s.kind === 'advance') now += s.ms;
							else {
								const plan = planCompaction([...stored], [...snapshots.values()], {
									now,
									foldAfterMs: fold,
									sealAfterMs: seal,
								});
								for (const w of s.concurrent) write(w);
								check();
								if (s.crashBeforePut) continue;
								for (const snap of plan.put) snapshots.set(snap.receiver, snap);
								check();
								const cut = Math.floor(plan.deleteRecordIds.length * s.deleted);
								const gone = new Set(plan.deleteRecordIds.slice(0, cut));
								stored = stored.filter((r) => !gone.has(r.id));
							}
							check();
						}
					},
				),
				{ numRuns: 400 },
			);
		});
	});
});
