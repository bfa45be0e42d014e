import { IPersistence, IPersistenceRead } from '@rocket.chat/apps-engine/definition/accessors';

import { OutboxFigures, outboxFigures } from '../../core/history/figures';
import { requeue } from '../../core/history/outbox';
import { DeadLetterRepository } from '../../adapters/persistence/DeadLetterRepository';
import { DeliveryStateRepository } from '../../adapters/persistence/DeliveryStateRepository';
import { OutboxRepository } from '../../adapters/persistence/OutboxRepository';
import { readOutboxWindow } from './outboxWindow';

/** Most buckets (minutes) a status call reads: a day of backlog; beyond it the depth is a lower bound. */
const STATUS_MAX_BUCKETS = 1440;
/** Most messages one retry puts back; the command says how many are left. */
export const RETRY_MAX_MESSAGES = 5000;
/** Records written at once by a retry. */
const PARALLEL_WRITES = 50;

/**
 * The chat-history figures: outbox depth, age of the oldest undelivered message, last error,
 * dead letters. Shown by `/integration status`; meant for `GET status` as well.
 */
export async function historyFigures(read: IPersistenceRead, now = Date.now()): Promise<OutboxFigures> {
	const [window, deadLetters, health] = await Promise.all([
		readOutboxWindow(read, now, Number.POSITIVE_INFINITY, STATUS_MAX_BUCKETS),
		new DeadLetterRepository().list(read),
		new DeliveryStateRepository().health(read),
	]);
	return outboxFigures({ views: window.views, truncated: window.truncated, deadLetters, health, now });
}

/**
 * Puts dead letters back into the outbox (oldest first, whole batches, up to `RETRY_MAX_MESSAGES`
 * messages) and lifts the backoff, so the next delivery run sends them first. Each letter is removed
 * only after its messages are back: a failure in between sends them twice, never loses them.
 */
export async function retryDeadLetters(
	read: IPersistenceRead,
	persis: IPersistence,
	now = Date.now(),
): Promise<{ batches: number; messages: number; remaining: number }> {
	const deadRepo = new DeadLetterRepository();
	const outbox = new OutboxRepository();
	const state = new DeliveryStateRepository();
	const letters = await deadRepo.list(read);
	let batches = 0;
	let messages = 0;
	for (const letter of letters) {
		if (batches > 0 && messages + letter.events.length > RETRY_MAX_MESSAGES) break;
		const events = requeue(letter.events, now);
		for (let i = 0; i < events.length; i += PARALLEL_WRITES) {
			await Promise.all(events.slice(i, i + PARALLEL_WRITES).map((e) => outbox.add(persis, e)));
		}
		await deadRepo.remove(persis, letter.id);
		batches++;
		messages += events.length;
	}
	if (batches > 0) {
		const health = await state.health(read);
		await state.setHealth(persis, { ...(health ?? {}), retryAt: 0 });
	}
	return { batches, messages, remaining: letters.length - batches };
}
