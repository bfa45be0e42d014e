import { expect } from 'chai';
import fc from 'fast-check';

import { backoffMs, decideRetry, serverWaitMs } from '../../core/retry';

describe('retry policy', () => {
	const base = { attempt: 1, maxAttempts: 4, now: Date.parse('2026-11-22T10:00:00Z'), remainingMs: 20_000, random: 0.5 };

	it('does not retry a success', () => {
		expect(decideRetry({ ...base, outcome: { kind: 'status', status: 200 }, idempotent: true })).to.deep.equal({
			retry: false,
			reason: 'success',
		});
	});

	it('retries a 429 after the wait the server asks for, even for a non-idempotent call', () => {
		const d = decideRetry({ ...base, random: 0, outcome: { kind: 'status', status: 429, retryAfterHeader: '3' }, idempotent: false });
		expect(d).to.deep.equal({ retry: true, delayMs: 3000 });
		const reset = decideRetry({
			...base,
			random: 0,
			outcome: { kind: 'status', status: 429, rateLimitResetHeader: String(base.now + 1500) },
			idempotent: true,
		});
		expect(reset).to.deep.equal({ retry: true, delayMs: 1500 });
	});

	it('gives up on a 429 whose wait does not fit in the budget, saying how long to wait', () => {
		const d = decideRetry({
			...base,
			remainingMs: 2000,
			outcome: { kind: 'status', status: 429, retryAfterHeader: '58' },
			idempotent: true,
		});
		expect(d).to.deep.equal({ retry: false, reason: 'budget', waitMs: 58_000 });
	});

	it('retries 5xx, timeouts and network errors only when the call is idempotent', () => {
		for (const outcome of [{ kind: 'status', status: 503 } as const, { kind: 'timeout' } as const, { kind: 'network' } as const]) {
			expect(decideRetry({ ...base, outcome, idempotent: true }).retry).to.equal(true);
			expect(decideRetry({ ...base, outcome, idempotent: false })).to.deep.equal({ retry: false, reason: 'not-retryable' });
		}
	});

	it('never retries a client error other than 429', () => {
		for (const status of [400, 401, 403, 404, 409]) {
			expect(decideRetry({ ...base, outcome: { kind: 'status', status }, idempotent: true })).to.deep.equal({
				retry: false,
				reason: 'not-retryable',
			});
		}
	});

	it('stops after the last attempt', () => {
		expect(decideRetry({ ...base, attempt: 4, outcome: { kind: 'status', status: 500 }, idempotent: true })).to.deep.equal({
			retry: false,
			reason: 'attempts',
		});
	});

	it('reads Retry-After as seconds or as a date, and X-RateLimit-Reset as ms or seconds', () => {
		const now = Date.parse('2026-11-22T10:00:00Z');
		expect(serverWaitMs({ kind: 'status', status: 429, retryAfterHeader: 'Sun, 22 Nov 2026 10:00:05 GMT' }, now)).to.equal(5000);
		expect(serverWaitMs({ kind: 'status', status: 429, rateLimitResetHeader: String(now / 1000 + 2) }, now)).to.equal(2000);
		expect(serverWaitMs({ kind: 'status', status: 429 }, now)).to.equal(undefined);
	});

	it('keeps backoff within [0, min(max, base * 2^(n-1))] (property)', () => {
		fc.assert(
			fc.property(fc.integer({ min: 1, max: 30 }), fc.double({ min: 0, max: 0.999999, noNaN: true }), (attempt, r) => {
				const d = backoffMs(attempt, r, 250, 5000);
				return d >= 0 && d <= Math.min(5000, 250 * 2 ** (attempt - 1));
			}),
		);
	});

	it('never schedules a retry past the remaining budget (property)', () => {
		fc.assert(
			fc.property(
				fc.integer({ min: 1, max: 6 }),
				fc.integer({ min: 0, max: 60_000 }),
				fc.constantFrom(429, 500, 502, 503),
				fc.option(fc.integer({ min: 0, max: 120 }).map(String), { nil: undefined }),
				(attempt, remainingMs, status, retryAfterHeader) => {
					const d = decideRetry({
						attempt,
						maxAttempts: 6,
						now: 0,
						remainingMs,
						random: 0.7,
						idempotent: true,
						outcome: { kind: 'status', status, retryAfterHeader },
					});
					return !d.retry || d.delayMs < remainingMs;
				},
			),
		);
	});
});
