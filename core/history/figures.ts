/** The outbox figures shown by `/integration status` (and, later, `GET status`). Pure. */
import { summarize } from './outbox';
import { BucketView, DeadLetter, DeliveryHealth } from './types';

export interface OutboxFigures {
	/** Events recorded and not yet delivered (nor set aside). */
	depth: number;
	/** True when the outbox was larger than what one status call reads: `depth` is a lower bound. */
	depthIsLowerBound: boolean;
	/** Age of the oldest undelivered event, ms; null when the outbox is empty. */
	oldestUndeliveredAgeMs: number | null;
	lastError: { at: number; message: string } | null;
	lastSuccessAt: number | null;
	/** When the next attempt may happen after a failure (ms epoch); null when not backing off. */
	retryAt: number | null;
	deadLetters: { batches: number; messages: number; oldestAt: number | null };
}

export function outboxFigures(input: {
	views: ReadonlyArray<BucketView>;
	truncated: boolean;
	deadLetters: ReadonlyArray<DeadLetter>;
	health: DeliveryHealth | undefined;
	now: number;
}): OutboxFigures {
	const { pending } = summarize(input.views.flatMap((v) => v.records));
	const oldest = pending.reduce<number | null>((min, e) => (min === null || e.at < min ? e.at : min), null);
	const h = input.health;
	const dead = input.deadLetters;
	return {
		depth: pending.length,
		depthIsLowerBound: input.truncated,
		oldestUndeliveredAgeMs: oldest === null ? null : Math.max(0, input.now - oldest),
		lastError: h?.lastError && h.lastFailureAt !== undefined ? { at: h.lastFailureAt, message: h.lastError } : null,
		lastSuccessAt: h?.lastSuccessAt ?? null,
		retryAt: h && h.retryAt > input.now ? h.retryAt : null,
		deadLetters: {
			batches: dead.length,
			messages: dead.reduce((n, d) => n + d.events.length, 0),
			oldestAt: dead.reduce<number | null>((min, d) => (min === null || d.deadAt < min ? d.deadAt : min), null),
		},
	};
}
