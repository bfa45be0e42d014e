/**
 * Provisioning that converges: any number of callers (single sign-on and sync runs, on one server
 * instance or several, in any interleaving) that provision the same person end on the same account,
 * and every caller returns it. App persistence has no atomic operation; the one atomic check there is
 * is Rocket.Chat's unique indexes on usernames and e-mail addresses, so `users.create` is the
 * tie-breaker: exactly one caller creates an account for a given username, and the others look at
 * the account that holds it.
 *
 * The protocol, for one caller:
 * 1. Read the person's record; if there is one, that is the account (another caller finished first).
 * 2. Write an *intent* naming this person, the username and the address about to be created, then
 *    call `users.create`.
 * 3. Created: write the person's record; done.
 * 4. "Already in use": look the account up, then decide (`decideConflict`):
 *    - linked to this person: it is theirs (read the record, return it);
 *    - linked to another person: next username (`first.last2`) or next alias (`local+rc1@`);
 *    - unlinked, and an intent of this person names exactly its username and address, it was created
 *      while the intent was fresh, and its address carries the verified flag the intent was created
 *      with: a sibling call created it and has not written the record yet. Adopt it: wait briefly for
 *      the sibling's record, and write it if the sibling never does (it may have crashed);
 *    - unlinked otherwise: an account the app did not create. The shell's link policy decides
 *      (`may-link`: the contract's security rules, core/security/accounts.ts `decideLink`, off by
 *      default); refused, the next name or alias follows. When no alias of the address fits, the
 *      result is `account-exists`.
 * Usernames Rocket.Chat reserves (its system names and the server's blocked list) are skipped before
 * the call; a `users.create` refused as blocked moves to the next username too.
 * A `users.create` that timed out may have created the account: the account under that username is
 * adopted on the same terms (an intent of this person names it), else the call fails as before.
 *
 * The intent is what keeps adoption safe: the app never adopts an account it did not create, because
 * only the app writes intents, always just before its own `users.create` with exactly those values.
 *
 * The protocol is a generator of effects, pure: `features/accounts/AccountService.ts` carries the
 * effects out (persistence and REST); a model test runs many callers over a model of Rocket.Chat in
 * arbitrary interleavings.
 */
import { isReservedUsername, parseEmail, taggedEmail, usernameBase, usernameCandidate } from '../identity';
import { CLOCK_SKEW_MS } from '../lease';
import { conflictField } from '../sso';

export interface PersonToProvision {
	externalId: string;
	firstName: string;
	lastName: string;
	email: string;
	/** The system of record verified the address (default false): the account is created with this flag. */
	emailVerified?: boolean;
	nickName?: string;
}

/** Written before `users.create`: this person, this username, this address, at this time. */
export interface AccountIntent {
	id: string;
	externalId: string;
	username: string;
	email: string;
	/** The address's verified flag the account is created with (intents written before this field: true). */
	verified?: boolean;
	/** ms epoch, on the writing instance's clock. */
	at: number;
}

/** An account as Rocket.Chat shows it (users.info). */
export interface AccountView {
	userId: string;
	username: string;
	name?: string;
	emails: ReadonlyArray<{ address: string; verified?: boolean }>;
	/** `user`, `bot` or `app`. */
	type?: string;
	/** ms epoch, on the server's clock. */
	createdAt?: number;
}

export type CreateOutcome =
	| { kind: 'created'; userId: string; credential?: string }
	/** Refused because the username or the address is taken (`undefined`: the answer did not say which). */
	| { kind: 'in-use'; field: 'username' | 'email' | undefined }
	/** Refused because the server blocks the username (`error-blocked-username`). */
	| { kind: 'blocked' }
	/** A timeout, a network or server error: the account may have been created. */
	| { kind: 'unsure'; error: Error }
	| { kind: 'failed'; error: Error };

export type SaveHow = 'created' | 'adopted' | 'linked';

export type ProvisionEffect =
	| { kind: 'now' }
	| { kind: 'read-person' }
	| { kind: 'write-intent'; intent: AccountIntent }
	| { kind: 'create'; username: string; email: string; verified: boolean }
	| { kind: 'find-account'; by: 'username' | 'email'; value: string }
	/** The externalId of the person linked to a user id, if any. */
	| { kind: 'linked-person'; userId: string }
	/** Whether the link policy lets this person take over an account the app did not create (answers a boolean). */
	| { kind: 'may-link'; account: AccountView }
	/** This person's intents. */
	| { kind: 'read-intents' }
	| { kind: 'remove-intent'; id: string }
	| { kind: 'sleep'; ms: number }
	/** Writes the person's record for the account; answers the record. */
	| { kind: 'save'; how: SaveHow; account: { userId: string; username: string; email: string }; credential?: string };

export type ProvisionResult<R> =
	| { kind: 'existing' | SaveHow; record: R }
	| { kind: 'failed'; message: string; error?: Error }
	/** The address belongs to an account the app may not link, and no alias of it fits. */
	| { kind: 'account-exists'; message: string };

export interface ProvisionOptions {
	/** The server's blocked usernames (lower case), on top of Rocket.Chat's reserved names. */
	readonly blocked?: Iterable<string>;
}

/** Tries (one username or address each) before giving up. */
export const MAX_ATTEMPTS = 8;
/** An intent covers an account created this long after it at most (a `users.create` call is bounded well inside it). */
export const INTENT_WINDOW_MS = 60_000;
/** Intents are kept this long, then pruned (adoption only ever looks at the last minute of them). */
export const INTENT_TTL_MS = 24 * 60 * 60 * 1000;
/** How long an adopter waits for the sibling's record before writing it itself. */
const ADOPT_WAITS_MS = [25, 50, 100, 200, 400];

export type ConflictDecision =
	/** Linked to this person: theirs. */
	| { kind: 'mine' }
	/** Created by a sibling call of this person (an intent names it): adopt it. */
	| { kind: 'adopt' }
	/** Unlinked, and no intent of this person names it: an account the app did not create; the link policy decides. */
	| { kind: 'foreign' }
	/** Someone else's: the next username or alias. */
	| { kind: 'next' };

export interface ConflictFacts {
	person: PersonToProvision;
	/** The field Rocket.Chat refused. */
	field: 'username' | 'email';
	account: AccountView;
	/** The person the account is linked to, if any. */
	linkedTo: string | undefined;
	/** This person's intents. */
	intents: ReadonlyArray<AccountIntent>;
}

const same = (a: string, b: string): boolean => a.trim().toLowerCase() === b.trim().toLowerCase();

/** The account's address (the first one: Rocket.Chat accounts the app creates have one). */
function primaryEmail(account: AccountView): { address: string; verified?: boolean } | undefined {
	return account.emails[0];
}

/**
 * Whether an intent of the person names this account: exactly its username and address, created
 * within the intent's window, a regular account with a verified address (as the app creates them).
 */
export function intentNames(intent: AccountIntent, account: AccountView): boolean {
	const email = primaryEmail(account);
	if (!email || (email.verified === true) !== (intent.verified ?? true)) return false;
	if (account.type !== undefined && account.type !== 'user') return false;
	if (!same(intent.username, account.username) || !same(intent.email, email.address)) return false;
	if (account.createdAt === undefined) return false;
	// Not a moment before the intent: an account that existed when the intent was written is someone
	// else's, whatever its names (the security rules: never adopt an account the app did not create).
	return account.createdAt >= intent.at && account.createdAt <= intent.at + INTENT_WINDOW_MS + CLOCK_SKEW_MS;
}

/** What "already in use" means for this person, given the account that holds the field. */
export function decideConflict(facts: ConflictFacts): ConflictDecision {
	if (facts.linkedTo === facts.person.externalId) return { kind: 'mine' };
	if (facts.linkedTo !== undefined) return { kind: 'next' };
	if (facts.intents.some((i) => i.externalId === facts.person.externalId && intentNames(i, facts.account))) return { kind: 'adopt' };
	return { kind: 'foreign' };
}

/**
 * Whether a refused `users.create` means "already in use", and for which field: Rocket.Chat's own
 * check (`error-field-unavailable`), or MongoDB's unique index when two creations passed that check
 * at once (`E11000 duplicate key error ... index: username_1` or `emails.address_1`). Undefined when
 * the refusal is something else.
 */
export function inUseField(
	errorType: string | undefined,
	message: string | undefined,
	username: string,
	email: string,
): { field: 'username' | 'email' | undefined } | undefined {
	if (message && /E11000 duplicate key/i.test(message)) {
		if (/emails\.address/i.test(message)) return { field: 'email' };
		if (/username/i.test(message)) return { field: 'username' };
		return { field: undefined };
	}
	if (errorType === 'error-field-unavailable') return { field: conflictField(message, username, email) };
	return undefined;
}

/**
 * The protocol for one caller, as effects (see the module comment). `newId` names this caller's
 * intents (unique per caller and attempt).
 */
export function* provisionAccount<R>(
	person: PersonToProvision,
	newId: (attempt: number) => string,
	options: ProvisionOptions = {},
): Generator<ProvisionEffect, ProvisionResult<R>, unknown> {
	const parsed = parseEmail(person.email);
	if (!parsed.ok) return { kind: 'failed', message: `invalid e-mail address (${parsed.error})` };
	const base = usernameBase(person.firstName, person.lastName);
	const blocked = [...(options.blocked ?? [])];
	const verified = person.emailVerified === true;
	let u = 1;
	let e = 0;
	let intents: AccountIntent[] | undefined;
	for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
		const existing = (yield { kind: 'read-person' }) as R | undefined;
		if (existing !== undefined) return { kind: 'existing', record: existing };
		while (isReservedUsername(usernameCandidate(base, u), blocked)) u++;
		const username = usernameCandidate(base, u);
		const email = taggedEmail(parsed.email, e)?.address;
		if (!email)
			return {
				kind: 'account-exists',
				message: 'the e-mail address belongs to an account that is not linked, and no alias of it fits the length limits',
			};
		const at = (yield { kind: 'now' }) as number;
		const intent: AccountIntent = { id: newId(attempt), externalId: person.externalId, username, email, verified, at };
		yield { kind: 'write-intent', intent };
		intents = undefined;
		const outcome = (yield { kind: 'create', username, email, verified }) as CreateOutcome;
		if (outcome.kind === 'failed') return { kind: 'failed', message: outcome.error.message, error: outcome.error };
		if (outcome.kind === 'blocked') {
			u++;
			continue;
		}
		if (outcome.kind === 'created') {
			const record = (yield {
				kind: 'save',
				how: 'created',
				account: { userId: outcome.userId, username, email },
				...(outcome.credential !== undefined ? { credential: outcome.credential } : {}),
			}) as R;
			return { kind: 'created', record };
		}

		// Who holds the field? For an address, the account under the same username first: Rocket.Chat may
		// report either field when both are taken, and users.info works on every server.
		const field = outcome.kind === 'in-use' ? (outcome.field ?? 'username') : 'username';
		let account = (yield { kind: 'find-account', by: 'username', value: username }) as AccountView | undefined;
		if (field === 'email' && !(account && account.emails.some((m) => same(m.address, email)))) {
			account = (yield { kind: 'find-account', by: 'email', value: email }) as AccountView | undefined;
		}
		if (!account) {
			if (outcome.kind === 'unsure') return { kind: 'failed', message: outcome.error.message, error: outcome.error };
			continue; // gone again (removed meanwhile): the same names once more
		}
		const linkedTo = (yield { kind: 'linked-person', userId: account.userId }) as string | undefined;
		if (linkedTo === undefined) {
			intents = (yield { kind: 'read-intents' }) as AccountIntent[];
			yield* pruneIntents(intents, at);
		}
		const decision = decideConflict({ person, field, account, linkedTo, intents: intents ?? [] });
		if (outcome.kind === 'unsure' && decision.kind !== 'mine' && decision.kind !== 'adopt') {
			return { kind: 'failed', message: outcome.error.message, error: outcome.error };
		}
		const link = decision.kind === 'foreign' && ((yield { kind: 'may-link', account }) as boolean);
		const found = { userId: account.userId, username: account.username, email: primaryEmail(account)?.address ?? email };
		switch (decision.kind) {
			case 'mine':
				continue; // the next attempt reads the record
			case 'adopt': {
				for (const ms of ADOPT_WAITS_MS) {
					const record = (yield { kind: 'read-person' }) as R | undefined;
					if (record !== undefined) return { kind: 'existing', record };
					yield { kind: 'sleep', ms };
				}
				const record = (yield { kind: 'save', how: 'adopted', account: found }) as R;
				return { kind: 'adopted', record };
			}
			case 'foreign':
				if (link) {
					const record = (yield { kind: 'save', how: 'linked', account: found }) as R;
					return { kind: 'linked', record };
				}
				if (field === 'email') e++;
				else u++;
				break;
			case 'next':
				if (field === 'email') e++;
				else u++;
		}
	}
	return { kind: 'failed', message: `no free username or e-mail after ${MAX_ATTEMPTS} attempts` };
}

/** Removes this person's intents older than their time to live. */
function* pruneIntents(intents: ReadonlyArray<AccountIntent>, now: number): Generator<ProvisionEffect, void, unknown> {
	for (const i of intents) if (i.at < now - INTENT_TTL_MS) yield { kind: 'remove-intent', id: i.id };
}
