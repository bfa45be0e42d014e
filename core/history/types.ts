/**
 * Chat history: the records of the outbox and what is sent to the system of record. Plain data,
 * shared by the pure decisions in this folder and the shell that stores and sends them.
 */

/** What happened to a message. */
export type HistoryEventKind = 'created' | 'edited' | 'deleted';

/**
 * One entry of a delivered batch: the contract's fields (`id` is the Rocket.Chat message id, `ts`
 * an ISO 8601 time) and `event`, which tells a new message from an edit or a deletion. An edit
 * carries the new text and the time of the edit; a deletion an empty text and the time it was
 * deleted. Receivers de-duplicate on (`id`, `event`, `ts`).
 */
export interface HistoryEntry {
	id: string;
	roomId: string;
	roomName: string;
	userId: string;
	username: string;
	externalId?: string;
	text: string;
	ts: string;
	event: HistoryEventKind;
}

/** One outbox record: one event of one message, written once and never changed. */
export interface OutboxEvent {
	type: 'event';
	/** Unique per event (message id, kind, time); with `at` it orders the outbox. */
	key: string;
	/** When the event happened (ms epoch): the message's time, the edit's, the deletion's. */
	at: number;
	/** The bucket the record is filed under: the minute it was recorded in (see `bucketOf`). */
	bucket: number;
	entry: HistoryEntry;
}

/**
 * Events of one bucket that are done with: delivered (`acked`) or set aside (`dead`). One mark
 * per delivered batch and bucket, so acknowledging a batch is one write, not one per message.
 */
export interface DoneMark {
	type: 'done';
	bucket: number;
	keys: string[];
	at: number;
	reason: 'acked' | 'dead';
}

/** One failed delivery attempt of the listed events (of one bucket). Attempts are counted, never incremented. */
export interface AttemptMark {
	type: 'attempt';
	bucket: number;
	keys: string[];
	at: number;
	error: string;
}

export type OutboxRecord = OutboxEvent | DoneMark | AttemptMark;

/** The records of one bucket, as read from persistence. */
export interface BucketView {
	bucket: number;
	records: OutboxRecord[];
}

/** A batch that used up its attempts, kept until an administrator sends it again. */
export interface DeadLetter {
	id: string;
	events: OutboxEvent[];
	attempts: number;
	lastError: string;
	deadAt: number;
}

/** How delivery went lately; one record, overwritten (not a counter). */
export interface DeliveryHealth {
	/** No delivery before this time (ms epoch): the backoff after a failure. 0 when open. */
	retryAt: number;
	lastSuccessAt?: number;
	lastFailureAt?: number;
	/** Why the last attempt failed (status, timeout, network); never holds a secret. */
	lastError?: string;
}

/** Whether a room's messages are recorded: looked up by the shell, decided here. */
export interface ManagedRooms {
	isManaged(roomId: string): Promise<boolean>;
}

/** The system of record's id of a Rocket.Chat user, when the people map knows them. */
export interface PeopleDirectory {
	externalIdOf(userId: string): Promise<string | undefined>;
}
