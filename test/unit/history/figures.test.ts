import { expect } from 'chai';

import { outboxFigures } from '../../../core/history/figures';
import { OutboxEvent } from '../../../core/history/types';

const T0 = 1_700_000_000_000;

function ev(key: string, at: number): OutboxEvent {
	return {
		type: 'event',
		key,
		at,
		bucket: 1,
		entry: { id: key, roomId: 'r', roomName: 'r', userId: 'u', username: 'u', text: '', ts: '', event: 'created' },
	};
}

describe('chat history status figures', () => {
	it('counts what is undelivered, its age, the last error, the backoff and the dead letters', () => {
		const f = outboxFigures({
			views: [
				{
					bucket: 1,
					records: [
						ev('a', T0),
						ev('b', T0 + 1000),
						ev('c', T0 + 2000),
						{ type: 'done', bucket: 1, keys: ['a'], at: T0, reason: 'acked' },
					],
				},
			],
			truncated: false,
			deadLetters: [
				{ id: 'd1', events: [ev('x', T0), ev('y', T0)], attempts: 3, lastError: 'HTTP 500', deadAt: T0 + 50 },
				{ id: 'd2', events: [ev('z', T0)], attempts: 3, lastError: 'HTTP 500', deadAt: T0 + 10 },
			],
			health: { retryAt: T0 + 70_000, lastFailureAt: T0 + 5000, lastError: 'HTTP 503', lastSuccessAt: T0 + 100 },
			now: T0 + 61_000,
		});
		expect(f).to.deep.equal({
			depth: 2,
			depthIsLowerBound: false,
			oldestUndeliveredAgeMs: 60_000,
			lastError: { at: T0 + 5000, message: 'HTTP 503' },
			lastSuccessAt: T0 + 100,
			retryAt: T0 + 70_000,
			deadLetters: { batches: 2, messages: 3, oldestAt: T0 + 10 },
		});
	});

	it('reports an empty outbox and no backoff plainly', () => {
		const f = outboxFigures({ views: [], truncated: false, deadLetters: [], health: { retryAt: T0 - 1 }, now: T0 });
		expect(f).to.deep.include({ depth: 0, oldestUndeliveredAgeMs: null, lastError: null, retryAt: null, lastSuccessAt: null });
		expect(f.deadLetters).to.deep.equal({ batches: 0, messages: 0, oldestAt: null });
	});
});
