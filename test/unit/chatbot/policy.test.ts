import { expect } from 'chai';
import fc from 'fast-check';

import { parsePoints } from '../../../core/chatbot/points';
import {
	decideAwards,
	isSilentRefusal,
	MAX_AWARD_AGE_MS,
	PolicyInput,
	RecentAward,
	UserRef,
	usernamesToResolve,
} from '../../../core/chatbot/policy';

const NOW = 1_700_000_000_000;
const ann: UserRef = { id: 'u-ann', username: 'ann' };
const jane: UserRef = { id: 'u-jane', username: 'jane' };
const bob: UserRef = { id: 'u-bob', username: 'bob' };
const eve: UserRef = { id: 'u-eve', username: 'eve' };
const USERS = new Map<string, UserRef>([
	['ann', ann],
	['jane', jane],
	['Jane', jane],
	['bob', bob],
	['eve', eve],
]);

function input(text: string, over: Partial<PolicyInput> = {}): PolicyInput {
	return {
		messageId: 'm1',
		messageTs: NOW,
		giver: ann,
		awards: parsePoints(text),
		users: USERS,
		limits: { maxPointsPerMessage: 5, pointsCooldownMs: 60_000 },
		recent: [],
		now: NOW,
		...over,
	};
}

function summary(i: PolicyInput): { ok: string[]; no: string[] } {
	const d = decideAwards(i);
	return {
		ok: d.accepted.map((a) => `${a.receiver.username}${a.delta > 0 ? '+' : '-'}`),
		no: d.refused.map((r) => `${r.award.username}:${r.refusal.code}`),
	};
}

describe('chatbot award policy', () => {
	it('accepts plain awards with their reason', () => {
		const d = decideAwards(input('@jane++ for the fix @bob--'));
		expect(d.refused).to.deep.equal([]);
		expect(d.accepted).to.deep.equal([
			{ receiver: jane, delta: 1, reason: 'the fix' },
			{ receiver: bob, delta: -1 },
		]);
	});

	it('refuses unknown users and self-points', () => {
		expect(summary(input('@ghost++ @ann++ @jane++'))).to.deep.equal({ ok: ['jane+'], no: ['ghost:unknown-user', 'ann:self-points'] });
	});

	it('refuses a receiver mentioned twice in a message, whatever the case or sign', () => {
		expect(summary(input('@jane++ @Jane-- @jane++'))).to.deep.equal({
			ok: ['jane+'],
			no: ['Jane:duplicate-in-message', 'jane:duplicate-in-message'],
		});
	});

	it('limits the accepted awards per message; other refusals do not use the quota', () => {
		const i = input('@ghost++ @jane++ @bob++ @eve++', { limits: { maxPointsPerMessage: 2, pointsCooldownMs: 0 } });
		const d = decideAwards(i);
		expect(summary(i)).to.deep.equal({ ok: ['jane+', 'bob+'], no: ['ghost:unknown-user', 'eve:too-many-in-message'] });
		expect(d.refused[1].refusal).to.deep.equal({ code: 'too-many-in-message', max: 2 });
	});

	it('applies the cool-down per (giver, receiver) pair with the remaining time', () => {
		const recent: RecentAward[] = [
			{ messageId: 'm0', giver: ann.id, receiver: jane.id, ts: NOW - 20_000 },
			{ messageId: 'm0', giver: ann.id, receiver: jane.id, ts: NOW - 50_000 },
			{ messageId: 'mX', giver: eve.id, receiver: bob.id, ts: NOW - 1_000 },
			{ messageId: 'mY', giver: ann.id, receiver: eve.id, ts: NOW - 60_000 },
		];
		const d = decideAwards(input('@jane-- @bob++ @eve++', { recent }));
		expect(d.accepted.map((a) => a.receiver.id)).to.deep.equal([bob.id, eve.id]);
		expect(d.refused).to.have.length(1);
		expect(d.refused[0].refusal).to.deep.equal({ code: 'cool-down', remainingMs: 40_000 });
		expect(d.refused[0].receiver).to.deep.equal(jane);
	});

	it('a cool-down of 0 disables it; a record from a clock in the future waits at most one cool-down', () => {
		const recent: RecentAward[] = [{ messageId: 'm0', giver: ann.id, receiver: jane.id, ts: NOW - 1 }];
		expect(summary(input('@jane++', { recent, limits: { maxPointsPerMessage: 5, pointsCooldownMs: 0 } })).ok).to.deep.equal(['jane+']);
		const future: RecentAward[] = [{ messageId: 'm0', giver: ann.id, receiver: jane.id, ts: NOW + 3_600_000 }];
		expect(decideAwards(input('@jane++', { recent: future })).refused[0].refusal).to.deep.equal({
			code: 'cool-down',
			remainingMs: 60_000,
		});
	});

	it('counts a message once: seen again (another instance, an edit) everything is refused silently', () => {
		const recent: RecentAward[] = [{ messageId: 'm1', giver: ann.id, receiver: jane.id, ts: NOW }];
		const d = decideAwards(input('@jane++ @bob++', { recent }));
		expect(d.accepted).to.deep.equal([]);
		expect(d.refused.map((r) => r.refusal.code)).to.deep.equal(['already-counted', 'already-counted']);
		expect(d.refused.every((r) => isSilentRefusal(r.refusal))).to.equal(true);
	});

	it('refuses old messages silently', () => {
		const d = decideAwards(input('@jane++', { messageTs: NOW - MAX_AWARD_AGE_MS - 1 }));
		expect(d.refused.map((r) => r.refusal.code)).to.deep.equal(['message-too-old']);
		expect(isSilentRefusal(d.refused[0].refusal)).to.equal(true);
		expect(decideAwards(input('@jane++', { messageTs: NOW - MAX_AWARD_AGE_MS })).accepted).to.have.length(1);
		expect(isSilentRefusal({ code: 'cool-down', remainingMs: 1 })).to.equal(false);
	});

	it('lists the distinct usernames to resolve', () => {
		expect(usernamesToResolve(parsePoints('@jane++ @bob-- @jane++ @Jane++'))).to.deep.equal(['jane', 'bob', 'Jane']);
	});

	it('properties: every award is decided once, in order, within the limits', () => {
		const names = ['ann', 'jane', 'Jane', 'bob', 'eve', 'ghost'];
		const award = fc.record({ username: fc.constantFrom(...names), delta: fc.constantFrom<1 | -1>(1, -1) });
		const recent = fc.record({
			messageId: fc.constantFrom('m0', 'm2'),
			giver: fc.constantFrom(ann.id, jane.id),
			receiver: fc.constantFrom(jane.id, bob.id, eve.id),
			ts: fc.integer({ min: NOW - 120_000, max: NOW }),
		});
		fc.assert(
			fc.property(
				fc.array(award, { maxLength: 12 }),
				fc.array(recent, { maxLength: 6 }),
				fc.integer({ min: 1, max: 5 }),
				fc.constantFrom(0, 30_000, 60_000),
				(awards, rec, max, cooldown) => {
					const d = decideAwards(
						input('', { awards, recent: rec, limits: { maxPointsPerMessage: max, pointsCooldownMs: cooldown } }),
					);
					expect(d.accepted.length + d.refused.length).to.equal(awards.length);
					expect(d.accepted.length).to.be.at.most(max);
					const ids = d.accepted.map((a) => a.receiver.id);
					expect(new Set(ids).size).to.equal(ids.length);
					expect(ids).to.not.include(ann.id);
					for (const a of d.accepted) {
						const last = rec.filter((r) => r.giver === ann.id && r.receiver === a.receiver.id && r.ts > NOW - cooldown);
						expect(cooldown === 0 || last.length === 0).to.equal(true);
					}
					for (const r of d.refused) if (r.refusal.code === 'cool-down') expect(r.refusal.remainingMs).to.be.within(1, cooldown);
				},
			),
			{ numRuns: 1000 },
		);
	});
});
