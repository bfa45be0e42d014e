import { IPersistence, IPersistenceRead } from '@rocket.chat/apps-engine/definition/accessors';

import { compileTriggerSet, TriggerMatcher } from '../../core/chatbot/triggerMatcher';
import { Trigger, TriggerError, validateTriggerSet } from '../../core/chatbot/triggers';
import { TriggerSetRecord, TriggerSetRepository } from '../../adapters/persistence/TriggerSetRepository';

export type { TriggerSetRecord };

/**
 * The trigger set as the shell uses it: the compiled matcher, cached per runtime (one server instance) and keyed by the
 * set's etag, so it is compiled once per change of the set; a change saved on another instance is seen on the next
 * message here, because every message reads the (small) head record first.
 */
interface CachedMatcher {
	readonly etag: string;
	readonly matcher: TriggerMatcher;
	readonly set: TriggerSetRecord;
}

let cached: CachedMatcher | undefined;
let compilations = 0;

const repository = new TriggerSetRepository();

/** The matcher of the current set, compiled only when the set changed since the last call in this runtime. */
export async function currentMatcher(read: IPersistenceRead): Promise<{ matcher: TriggerMatcher; set: TriggerSetRecord }> {
	const etag = await repository.currentEtag(read);
	if (cached?.etag === etag) return cached;
	const set = await repository.load(read);
	// Keyed by the head read first: the set read after it is at least that new (see TriggerSetRepository).
	cached = { etag, matcher: compileTriggerSet(set.triggers), set };
	compilations++;
	return cached;
}

/** How many times this runtime compiled a set (for diagnostics and tests). */
export function matcherCompilations(): number {
	return compilations;
}

export function loadTriggerSet(read: IPersistenceRead): Promise<TriggerSetRecord> {
	return repository.load(read);
}

export type SaveResult = { ok: true; set: TriggerSetRecord } | { ok: false; errors: TriggerError[] };

/** Validates the whole set and stores it only when it is valid: a refused set changes nothing. */
export async function saveTriggerSet(
	persis: IPersistence,
	read: IPersistenceRead,
	triggers: readonly Trigger[],
	by: string,
): Promise<SaveResult> {
	const errors = validateTriggerSet(triggers);
	if (errors.length > 0) return { ok: false, errors };
	return { ok: true, set: await repository.save(persis, read, triggers, by) };
}

/** A fresh trigger id: unique enough within one set, stable across edits of that trigger. */
export function newTriggerId(index = 0): string {
	return `t-${Date.now().toString(36)}-${index.toString(36)}-${Math.random().toString(36).slice(2, 7)}`;
}
