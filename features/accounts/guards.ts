import { IRead } from '@rocket.chat/apps-engine/definition/accessors';

import { AppConfig } from '../../core/config';
import { AccountChange, AccountFacts, mayChangeAccount } from '../../core/security/accounts';
import { PersonRecord } from '../../adapters/persistence/PeopleRepository';

/**
 * The shell side of core/security/accounts.ts: reads what the decisions need (the account as
 * Rocket.Chat's user reader describes it, the server's blocked usernames) and turns a refusal into
 * an error the callers handle. One accessor read each; no REST call.
 */

/** Thrown when the app may not change an account's password, e-mail address or state. */
export class AccountChangeRefused extends Error {
	constructor(
		readonly change: AccountChange,
		readonly reason: 'not-created-by-app' | 'privileged' | 'service-account',
	) {
		super(
			reason === 'not-created-by-app'
				? `the app did not create this account: its ${change} is never changed`
				: `the account is ${reason === 'privileged' ? 'privileged' : 'a bot or app account'}: its ${change} is never changed`,
		);
		this.name = 'AccountChangeRefused';
	}
}

/** Roles, type and e-mail addresses (with their verified flags) of an account; undefined when it does not exist. */
export async function accountFacts(read: IRead, userId: string): Promise<AccountFacts | undefined> {
	const user = await read.getUserReader().getById(userId);
	if (!user) return undefined;
	return { roles: user.roles ?? [], type: user.type, emails: user.emails ?? [] };
}

/** Why the app may not make `change` on the account of `record`, or null. Reads the account only for accounts the app created. */
export async function changeRefusal(
	read: IRead,
	config: AppConfig,
	record: Pick<PersonRecord, 'userId' | 'createdByApp'>,
	change: AccountChange,
): Promise<AccountChangeRefused | null> {
	const account = record.createdByApp ? await accountFacts(read, record.userId) : undefined;
	const decision = mayChangeAccount({ change, createdByApp: record.createdByApp, account, privileged: config.accounts.privilegedRoles });
	return decision.allowed ? null : new AccountChangeRefused(change, decision.reason);
}

/** The server's own blocked usernames (Accounts_BlockedUsernameList, comma separated), lower case. */
export async function blockedUsernames(read: IRead): Promise<string[]> {
	let raw: unknown;
	try {
		raw = await read.getEnvironmentReader().getServerSettings().getValueById('Accounts_BlockedUsernameList');
	} catch {
		return [];
	}
	if (typeof raw !== 'string') return [];
	return raw
		.split(',')
		.map((n) => n.trim().toLowerCase())
		.filter((n) => n !== '');
}
