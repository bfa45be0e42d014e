/**
 * Which Rocket.Chat accounts the app may touch, as pure decisions (contract: "Security rules"). The
 * shell reads the facts (the account as Rocket.Chat describes it, the app's own people map record,
 * the settings) and carries the decision out; nothing here does I/O.
 *
 * - A token (`sso/token`) is never handed out for a privileged account (any role of the *privileged
 *   roles* setting, `admin` always included) nor for a bot or app account, whoever created it.
 * - A pre-existing account is linked to a person only when the admin turned linking on, and then
 *   only if it is not privileged, not a bot or app account, holds the person's e-mail address
 *   verified in Rocket.Chat, and the system of record marked that address verified too.
 * - Passwords, e-mail addresses and the active state are changed only on accounts the app created
 *   (its own people map says so: `createdByApp`), and never on a privileged one.
 */

/** Roles that make an account privileged whatever the setting says. */
export const ALWAYS_PRIVILEGED_ROLES: readonly string[] = ['admin'];

/** The role of the server's administrators: who may use the app's admin commands, views and buttons. */
export const ADMIN_ROLE = 'admin';

/** Whether a user (a message's sender, an interaction's user, REST's `me`) is an administrator of the server. */
export function isAdmin(user: { readonly roles?: readonly string[] } | undefined): boolean {
	return Array.isArray(user?.roles) && user.roles.includes(ADMIN_ROLE);
}

/** Roles the system of record may never assign, whatever the allowlist says. */
export const NEVER_ASSIGNABLE_ROLES: readonly string[] = ['admin', 'bot', 'app'];

/** What Rocket.Chat says about an account (users.info, or the Apps-Engine user reader). */
export interface AccountFacts {
	readonly roles?: readonly string[];
	/** `user`, `bot` or `app`. */
	readonly type?: string;
	readonly emails?: ReadonlyArray<{ readonly address: string; readonly verified?: boolean }>;
}

/** Splits a list setting (one name per line; commas also separate), trimmed, without blanks or repeats. */
export function parseNameList(raw: string): string[] {
	const out: string[] = [];
	for (const part of raw.split(/[\r\n,]+/)) {
		const name = part.trim();
		if (name !== '' && !out.includes(name)) out.push(name);
	}
	return out;
}

/** The privileged roles in force: the setting's, plus the ones that always are. */
export function privilegedRoleSet(configured: Iterable<string>): ReadonlySet<string> {
	return new Set([...ALWAYS_PRIVILEGED_ROLES, ...configured]);
}

export function isPrivileged(account: AccountFacts, privileged: ReadonlySet<string>): boolean {
	return (account.roles ?? []).some((r) => privileged.has(r));
}

/** A bot or app account (by type, or by the `bot`/`app` role an admin may give a regular account). */
export function isServiceAccount(account: AccountFacts): boolean {
	return account.type === 'bot' || account.type === 'app' || (account.roles ?? []).some((r) => r === 'bot' || r === 'app');
}

export type TokenRefusal = 'privileged' | 'service-account' | 'not-linkable';

export type TokenDecision = { readonly allow: true } | { readonly allow: false; readonly reason: TokenRefusal };

/**
 * May `sso/token` hand out a login token for this account? `createdByApp` comes from the people map;
 * an account the app linked (not created) is answered only while linking is on and the account still
 * passes the linking checks (its e-mail may have been unverified, or it may have been made a bot since).
 */
export function decideToken(input: {
	readonly account: AccountFacts;
	readonly createdByApp: boolean;
	readonly privileged: ReadonlySet<string>;
	readonly linkingEnabled: boolean;
	/** The e-mail address the people map links the account by (for a linked account). */
	readonly linkedEmail?: string;
}): TokenDecision {
	const { account, privileged } = input;
	if (isPrivileged(account, privileged)) return { allow: false, reason: 'privileged' };
	if (isServiceAccount(account)) return { allow: false, reason: 'service-account' };
	if (!input.createdByApp) {
		if (!input.linkingEnabled || input.linkedEmail === undefined || !hasVerifiedEmail(account, input.linkedEmail))
			return { allow: false, reason: 'not-linkable' };
	}
	return { allow: true };
}

export type LinkRefusal =
	| 'linking-off'
	| 'already-linked'
	| 'privileged'
	| 'service-account'
	| 'email-not-on-account'
	| 'email-unverified-in-rocket-chat'
	| 'email-unverified-in-system-of-record';

export type LinkDecision = { readonly link: true } | { readonly link: false; readonly reason: LinkRefusal };

/**
 * May the app link this pre-existing account (found holding the person's e-mail address or username)
 * to the person, instead of giving them a new account? Refused unless every condition holds; the
 * first failing condition is the reason (for the log).
 */
export function decideLink(input: {
	readonly enabled: boolean;
	readonly account: AccountFacts;
	/** The account is already linked to someone in the people map. */
	readonly alreadyLinked: boolean;
	/** The person's e-mail address, as the system of record sends it. */
	readonly email: string;
	/** `emailVerified` of the Person (default false). */
	readonly personEmailVerified: boolean;
	readonly privileged: ReadonlySet<string>;
}): LinkDecision {
	if (!input.enabled) return { link: false, reason: 'linking-off' };
	if (input.alreadyLinked) return { link: false, reason: 'already-linked' };
	if (isPrivileged(input.account, input.privileged)) return { link: false, reason: 'privileged' };
	if (isServiceAccount(input.account)) return { link: false, reason: 'service-account' };
	const entry = emailEntry(input.account, input.email);
	if (!entry) return { link: false, reason: 'email-not-on-account' };
	if (entry.verified !== true) return { link: false, reason: 'email-unverified-in-rocket-chat' };
	if (!input.personEmailVerified) return { link: false, reason: 'email-unverified-in-system-of-record' };
	return { link: true };
}

export type AccountChange = 'password' | 'email' | 'state';

export type ChangeDecision =
	{ readonly allowed: true } | { readonly allowed: false; readonly reason: 'not-created-by-app' | 'privileged' | 'service-account' };

/**
 * May the app change this account's password, e-mail address or active state? Only accounts the app
 * created; never privileged, bot or app accounts. `account` is optional: a caller that has not read
 * the account (the sync's planner) decides on `createdByApp` alone, and the applier asks again with
 * the facts before writing.
 */
export function mayChangeAccount(input: {
	readonly change: AccountChange;
	readonly createdByApp: boolean;
	readonly account?: AccountFacts;
	readonly privileged: ReadonlySet<string>;
}): ChangeDecision {
	if (!input.createdByApp) return { allowed: false, reason: 'not-created-by-app' };
	if (input.account) {
		if (isPrivileged(input.account, input.privileged)) return { allowed: false, reason: 'privileged' };
		if (isServiceAccount(input.account)) return { allowed: false, reason: 'service-account' };
	}
	return { allowed: true };
}

function emailEntry(account: AccountFacts, email: string): { readonly verified?: boolean } | undefined {
	const want = email.trim().toLowerCase();
	return (account.emails ?? []).find((e) => e.address.trim().toLowerCase() === want);
}

export function hasVerifiedEmail(account: AccountFacts, email: string): boolean {
	return emailEntry(account, email)?.verified === true;
}
