import { expect } from 'chai';
import fc from 'fast-check';

import { afterFailure, HISTORY_BACKOFF, parseRetryAfter, retryDelayMs } from '../../../core/history/backoff';

const T0 = 1_700_000_000_000;

describe('chat history backoff', () => {
	it('doubles the ceiling with each attempt, with half of it random, up to the maximum', () => {
		expect([1, 2, 3].map((a) => retryDelayMs(a, 0))).to.deep.equal([1000, 2000, 4000]);
		expect([1, 2, 3].map((a) => retryDelayMs(a, 0.999999))).to.deep.equal([2000, 4000, 8000]);
		expect(retryDelayMs(30, 0.5)).to.equal(Math.round(HISTORY_BACKOFF.maxMs * 0.75));
		expect(retryDelayMs(10_000, 1)).to.equal(HISTORY_BACKOFF.maxMs);
	});

	it('never waits less than half the ceiling nor more than it, and grows with the attempts', () => {
		fc.assert(
			fc.property(fc.integer({ min: 1, max: 60 }), fc.double({ min: 0, max: 1, noNaN: true }), (attempt, r) => {
				const ceiling = Math.min(HISTORY_BACKOFF.maxMs, HISTORY_BACKOFF.baseMs * 2 ** (attempt - 1));
				const d = retryDelayMs(attempt, r);
				return d >= Math.floor(ceiling / 2) && d <= ceiling && retryDelayMs(attempt + 1, 0) >= retryDelayMs(attempt, 0);
			}),
		);
	});

	it('honours a longer Retry-After, within reason, and says when the last attempt failed', () => {
		expect(afterFailure({ attempt: 1, maxAttempts: 3, now: T0, random: 0, retryAfterMs: 30_000 })).to.deep.equal({
			retryAt: T0 + 30_000,
			deadLetter: false,
		});
		expect(afterFailure({ attempt: 1, maxAttempts: 3, now: T0, random: 0, retryAfterMs: 10 })).to.deep.equal({
			retryAt: T0 + 1000,
			deadLetter: false,
		});
		expect(afterFailure({ attempt: 1, maxAttempts: 3, now: T0, random: 0, retryAfterMs: 10 * 86_400_000 }).retryAt).to.equal(
			T0 + HISTORY_BACKOFF.maxRetryAfterMs,
		);
		expect(afterFailure({ attempt: 3, maxAttempts: 3, now: T0, random: 0 }).deadLetter).to.equal(true);
	});

	it('reads Retry-After as seconds or as an HTTP date', () => {
		expect(parseRetryAfter('120', T0)).to.equal(120_000);
		expect(parseRetryAfter(new Date(T0 + 5000).toUTCString(), T0)).to.equal(5000);
		expect(parseRetryAfter('soon', T0)).to.equal(undefined);
		expect(parseRetryAfter(undefined, T0)).to.equal(undefined);
	});
});
