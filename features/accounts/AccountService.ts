import { IHttp, ILogger, IPersistence, IRead } from '@rocket.chat/apps-engine/definition/accessors';

import { AccountView, CreateOutcome, inUseField, provisionAccount, ProvisionEffect, SaveHow } from '../../core/accounts/provision';
import { AppConfig } from '../../core/config';
import { decideLink, LinkDecision } from '../../core/security/accounts';
import { displayNameOf } from '../../core/sso';
import { decryptSecret, encryptSecret, randomPassword } from '../../adapters/crypto';
import { AccountIntentRepository } from '../../adapters/persistence/AccountIntentRepository';
import { accountFacts, blockedUsernames, changeRefusal } from './guards';
import { LogRepository } from '../../adapters/persistence/LogRepository';
import { PeopleRepository, PersonRecord } from '../../adapters/persistence/PeopleRepository';
import { RecordStore } from '../../adapters/persistence/RecordStore';
import { RcUser, RestCredentials, RestError, RocketChatClient } from '../../adapters/rocketchat/RestClient';

/** A person as the system of record describes them (the contract's `Person`). */
export interface PersonInput {
	externalId: string;
	firstName: string;
	lastName: string;
	email: string;
	/** The system of record verified the e-mail address (default false); the account's `verified` flag follows it. */
	emailVerified?: boolean;
	nickName?: string;
	photoUrl?: string | null;
	active?: boolean;
}

export type ProvisionResult =
	| { ok: true; record: PersonRecord; created: boolean }
	| {
			ok: false;
			reference: string;
			error: RestError | Error;
			/** `account-exists`: the e-mail address belongs to an account the app may not link, and no alias of it fits. */
			conflict?: 'account-exists';
	  };

export type TokenResult =
	| { ok: true; credentials: RestCredentials }
	| { ok: false; inactive: true }
	| { ok: false; inactive: false; reference: string; error: RestError | Error };

interface TokenStrategyState {
	/** Until when `users.createToken` is known to be refused by this server (ms epoch). */
	createTokenUnavailableUntil?: number;
	/** When `users.createToken` last succeeded after being unknown or refused (ms epoch). */
	createTokenWorkedAt?: number;
}

const STRATEGY_STORE = new RecordStore<TokenStrategyState>('accounts-state');

/**
 * How this server hands out login tokens, as the app last found out: `create-token` (the server allows
 * users.createToken), `login` (it refused it: the stored credential is used), or `untried`.
 */
export async function tokenStrategy(read: IRead, now = Date.now()): Promise<'create-token' | 'login' | 'untried'> {
	const state = (await STRATEGY_STORE.get(read.getPersistenceReader(), 'token-strategy')) ?? {};
	if (state.createTokenUnavailableUntil && state.createTokenUnavailableUntil > now) return 'login';
	if (state.createTokenWorkedAt) return 'create-token';
	return state.createTokenUnavailableUntil ? 'login' : 'untried';
}

/** This runtime's knowledge of the token strategy (shared with other instances through persistence). */
let knownStrategy: { state: TokenStrategyState; readAt: number } | undefined;
const STRATEGY_MEMORY_MS = 5 * 60 * 1000;

const TOKEN_STRATEGY_RETRY_MS = 60 * 60 * 1000;

/**
 * Accounts on Rocket.Chat for people of the system of record: provisioning (unique usernames and
 * e-mail addresses, existing accounts linked), and login tokens. Used by single sign-on and by
 * the sync. Every failure is logged once with a reference; secrets never reach the log.
 */
export class AccountService {
	private readonly people = new PeopleRepository();
	private readonly intents = new AccountIntentRepository();
	private readonly log = new LogRepository();
	private readonly state = STRATEGY_STORE;

	constructor(
		private readonly deps: {
			read: IRead;
			persis: IPersistence;
			http: IHttp;
			config: AppConfig;
			rest: RocketChatClient;
			logger: ILogger;
			now?: () => number;
		},
	) {}

	private now(): number {
		return this.deps.now ? this.deps.now() : Date.now();
	}

	get rest(): RocketChatClient {
		return this.deps.rest;
	}

	/**
	 * Gives the person an account, or finds the one they have: converges with any other call provisioning
	 * the same person at the same time, on this instance or another (core/accounts/provision.ts). One REST
	 * call (`users.create`) when nobody races it.
	 */
	async provision(person: PersonInput): Promise<ProvisionResult> {
		const run = randomRunId();
		let step;
		try {
			const blocked = await blockedUsernames(this.deps.read);
			const protocol = provisionAccount<PersonRecord>(person, (attempt) => `${run}.${attempt}`, { blocked });
			step = protocol.next();
			while (!step.done) step = protocol.next(await this.perform(person, step.value));
		} catch (err) {
			// A look-up or a write that failed (rate limit, server error): logged with a reference, as a refusal.
			return this.fail(person.externalId, 'account-create-failed', err);
		}
		const result = step.value;
		if (result.kind === 'account-exists') {
			// A refusal, not a fault: the address belongs to an account the app may not link, and no alias of it fits.
			const entry = await this.log.add(this.deps.persis, {
				level: 'warning',
				event: 'account-exists',
				externalId: person.externalId,
				message: result.message,
			});
			return { ok: false, reference: entry.reference, error: new Error(result.message), conflict: 'account-exists' };
		}
		if (result.kind === 'failed')
			return this.fail(person.externalId, 'account-create-failed', result.error ?? new Error(result.message));
		return { ok: true, record: result.record, created: result.kind === 'created' || result.kind === 'adopted' };
	}

	/** Carries out one effect of the provisioning protocol. */
	private async perform(person: PersonInput, effect: ProvisionEffect): Promise<unknown> {
		const { rest, persis, read } = this.deps;
		const reader = read.getPersistenceReader();
		switch (effect.kind) {
			case 'now':
				return this.now();
			case 'read-person':
				return this.people.get(reader, person.externalId);
			case 'write-intent':
				return this.intents.add(persis, effect.intent);
			case 'read-intents':
				return this.intents.listFor(reader, person.externalId);
			case 'remove-intent':
				return this.intents.remove(persis, effect.id);
			case 'linked-person':
				return this.people.linkedPerson(reader, effect.userId);
			case 'may-link':
				return (await this.mayLink(person, effect.account)).link;
			case 'sleep':
				return new Promise((r) => setTimeout(r, effect.ms));
			case 'find-account': {
				const user = effect.by === 'username' ? await rest.userByUsername(effect.value) : await this.findByEmail(effect.value);
				return user ? accountView(user) : undefined;
			}
			case 'create':
				return this.createUser(person, effect.username, effect.email, effect.verified);
			case 'save':
				return this.saveAccount(person, effect.how, effect.account, effect.credential);
		}
	}

	/** `users.create`, its answer classified for the protocol. */
	private async createUser(person: PersonInput, username: string, email: string, verified: boolean): Promise<CreateOutcome> {
		const password = randomPassword();
		try {
			const user = await this.deps.rest.createUser({
				username,
				name: displayNameOf(person.firstName, person.lastName),
				email,
				password,
				verified,
				joinDefaultChannels: false,
				sendWelcomeEmail: false,
				...(person.nickName ? { nickname: person.nickName } : {}),
			});
			const credential = this.seal(password, user._id);
			return { kind: 'created', userId: user._id, ...(credential ? { credential } : {}) };
		} catch (err) {
			const error = err instanceof Error ? err : new Error(String(err));
			if (!(err instanceof RestError)) return { kind: 'failed', error };
			if (err.errorType === 'error-blocked-username') return { kind: 'blocked' };
			const inUse = inUseField(err.errorType, err.serverMessage, username, email);
			if (inUse) return { kind: 'in-use', field: inUse.field };
			if (err.kind === 'timeout' || err.kind === 'network' || err.kind === 'server') return { kind: 'unsure', error };
			return { kind: 'failed', error };
		}
	}

	/** Writes the person's record for the account and logs how it came to be theirs. */
	private async saveAccount(
		person: PersonInput,
		how: SaveHow,
		account: { userId: string; username: string; email: string },
		credential?: string,
	): Promise<PersonRecord> {
		const record = this.newRecord(person, account.userId, account.username, account.email, how !== 'linked', credential);
		record.emailVerified = person.emailVerified === true;
		await this.people.save(this.deps.persis, this.deps.read.getPersistenceReader(), record);
		const aliased = account.email.toLowerCase() !== person.email.trim().toLowerCase();
		const message =
			how === 'created'
				? `account ${account.username} created${aliased ? ` with e-mail alias ${account.email}` : ''}`
				: how === 'adopted'
					? `account ${account.username} created by a concurrent call; its record written`
					: `existing account ${account.username} linked`;
		await this.log.add(this.deps.persis, {
			level: 'info',
			event: how === 'linked' ? 'account-linked' : how === 'adopted' ? 'account-adopted' : 'account-created',
			externalId: person.externalId,
			userId: account.userId,
			message,
		});
		return record;
	}

	/**
	 * A login token for the person's account: `users.createToken` while the server allows it (one
	 * round trip), otherwise a login with the stored credential. A deactivated account is reported
	 * as such; any other failure is logged with a reference.
	 */
	async token(record: PersonRecord): Promise<TokenResult> {
		const { rest, config } = this.deps;
		const now = this.now();
		const state = await this.strategy(now);
		let lastError: RestError | Error | undefined;
		if (!state.createTokenUnavailableUntil || state.createTokenUnavailableUntil <= now) {
			try {
				const credentials = await rest.createToken(record.userId, config.rocketChat.createTokensSecret ?? undefined);
				if (!state.createTokenWorkedAt) {
					// Recorded once, so /integration status can tell which strategy this server allows.
					const next = { createTokenWorkedAt: now };
					knownStrategy = { state: next, readAt: now };
					await this.state.put(this.deps.persis, 'token-strategy', next);
				}
				return { ok: true, credentials };
			} catch (err) {
				lastError = err instanceof Error ? err : new Error(String(err));
				if (
					err instanceof RestError &&
					(err.errorType === 'error-user-is-not-activated' || (await this.isDeactivated(record.userId)))
				) {
					return { ok: false, inactive: true };
				}
				if (err instanceof RestError && (err.errorType === 'error-not-authorized' || err.kind === 'forbidden')) {
					const next = { createTokenUnavailableUntil: now + TOKEN_STRATEGY_RETRY_MS };
					knownStrategy = { state: next, readAt: now };
					await this.state.put(this.deps.persis, 'token-strategy', next);
				} else {
					return {
						ok: false,
						inactive: false,
						reference: (await this.logFailure(record.externalId, 'login-failed', lastError)).reference,
						error: lastError,
					};
				}
			}
		}
		try {
			return { ok: true, credentials: await this.loginWithCredential(record) };
		} catch (err) {
			const error = err instanceof Error ? err : new Error(String(err));
			if (await this.isDeactivated(record.userId)) return { ok: false, inactive: true };
			const reference = (await this.logFailure(record.externalId, 'login-failed', error)).reference;
			return { ok: false, inactive: false, reference, error };
		}
	}

	/**
	 * Sets a new random password for a person (mobile access, resync) and stores it encrypted. Refused
	 * (an `AccountChangeRefused`) for an account the app did not create, or a privileged, bot or app one.
	 */
	async resetPassword(record: PersonRecord): Promise<{ record: PersonRecord; password: string }> {
		const refusal = await changeRefusal(this.deps.read, this.deps.config, record, 'password');
		if (refusal) throw refusal;
		const password = randomPassword();
		await this.deps.rest.updateUser(record.userId, { password });
		const updated = { ...record, credential: this.seal(password, record.userId), updatedAt: this.now() };
		await this.people.save(this.deps.persis, this.deps.read.getPersistenceReader(), updated, record);
		return { record: updated, password };
	}

	async saveRecord(record: PersonRecord, previous?: PersonRecord): Promise<void> {
		await this.people.save(this.deps.persis, this.deps.read.getPersistenceReader(), record, previous);
	}

	// ------------------------------------------------------------ internals

	/** Whether users.createToken is known to be refused: from memory, read from persistence now and then. */
	private async strategy(now: number): Promise<TokenStrategyState> {
		if (knownStrategy && now - knownStrategy.readAt < STRATEGY_MEMORY_MS) return knownStrategy.state;
		const state = (await this.state.get(this.deps.read.getPersistenceReader(), 'token-strategy')) ?? {};
		knownStrategy = { state, readAt: now };
		return state;
	}

	private async loginWithCredential(record: PersonRecord): Promise<RestCredentials> {
		const { credentialSecret: secret, previousCredentialSecrets } = this.deps.config.api;
		const opened =
			record.credential && secret
				? decryptSecret(record.credential, [secret, ...previousCredentialSecrets], record.userId)
				: undefined;
		if (opened) {
			try {
				const credentials = await this.deps.rest.login(record.username, opened.plain);
				// Opened with an earlier secret: store it under the current one, so that secret can be dropped.
				if (!opened.current) await this.saveRecord({ ...record, credential: this.seal(opened.plain, record.userId) }, record);
				return credentials;
			} catch (err) {
				// A second factor is a refusal, not a stale password: resetting it would not help and would end the person's sessions.
				if (isSecondFactorError(err)) throw err;
				if (!(err instanceof RestError) || err.kind !== 'unauthorized') throw err;
				// The password was changed on the server: fall through and set a new one.
			}
		}
		if (!secret) throw new Error('no token strategy: users.createToken is refused and no credential secret is set');
		const { record: updated, password: fresh } = await this.resetPassword(record);
		return this.deps.rest.login(updated.username, fresh);
	}

	private seal(password: string, userId: string): string | undefined {
		const secret = this.deps.config.api.credentialSecret;
		return secret ? encryptSecret(password, secret, userId) : undefined;
	}

	/**
	 * Whether the linking rules let this person take over `owner`, an unlinked account the app did not create
	 * (logged when refused with linking on).
	 */
	private async mayLink(person: PersonInput, owner: AccountView): Promise<LinkDecision> {
		const { config } = this.deps;
		if (!config.accounts.linkExisting) return { link: false, reason: 'linking-off' };
		const facts = (await accountFacts(this.deps.read, owner.userId)) ?? owner;
		const decision = decideLink({
			enabled: true,
			account: facts,
			alreadyLinked: (await this.people.linkedPerson(this.deps.read.getPersistenceReader(), owner.userId)) !== undefined,
			email: person.email,
			personEmailVerified: person.emailVerified === true,
			privileged: config.accounts.privilegedRoles,
		});
		if (!decision.link) {
			await this.log.add(this.deps.persis, {
				level: 'info',
				event: 'account-not-linked',
				externalId: person.externalId,
				userId: owner.userId,
				message: `existing account ${owner.username || owner.userId} not linked (${decision.reason}); the person gets an account of their own`,
			});
		}
		return decision;
	}

	private newRecord(
		person: PersonInput,
		userId: string,
		username: string,
		email: string,
		createdByApp: boolean,
		credential?: string,
	): PersonRecord {
		const now = this.now();
		const record: PersonRecord = {
			externalId: person.externalId,
			userId,
			username,
			email,
			sourceEmail: person.email,
			firstName: person.firstName,
			lastName: person.lastName,
			active: true,
			createdByApp,
			createdAt: now,
			updatedAt: now,
		};
		if (person.nickName) record.nickName = person.nickName;
		if (person.photoUrl) record.pendingPhotoUrl = person.photoUrl;
		if (credential) record.credential = credential;
		return record;
	}

	private async findByEmail(email: string): Promise<RcUser | undefined> {
		try {
			return await this.deps.rest.userByEmail(email);
		} catch {
			return undefined;
		}
	}

	private async isDeactivated(userId: string): Promise<boolean> {
		try {
			const user = await this.deps.rest.userById(userId);
			return user !== undefined && user.active === false;
		} catch {
			return false;
		}
	}

	private async fail(
		externalId: string,
		event: string,
		err: unknown,
	): Promise<{ ok: false; reference: string; error: RestError | Error }> {
		const error = err instanceof Error ? err : new Error(String(err));
		const entry = await this.logFailure(externalId, event, error);
		return { ok: false, reference: entry.reference, error };
	}

	private async logFailure(externalId: string, event: string, error: Error): Promise<{ reference: string }> {
		const entry = await this.log.add(this.deps.persis, { level: 'error', event, externalId, message: error.message });
		this.deps.logger.error(`${event} for ${externalId} [${entry.reference}]: ${entry.message}`);
		return entry;
	}
}

/** Rocket.Chat asks for a second factor (TOTP or e-mail code): the login cannot succeed without the person. */
export function isSecondFactorError(err: unknown): boolean {
	return err instanceof RestError && (err.errorType === 'totp-required' || err.errorType === 'totp-invalid');
}

/** The protocol's view of a Rocket.Chat user. */
function accountView(user: RcUser): AccountView {
	const createdAt = user.createdAt ? Date.parse(user.createdAt) : NaN;
	return {
		userId: user._id,
		username: user.username ?? '',
		...(user.name !== undefined ? { name: user.name } : {}),
		emails: user.emails ?? [],
		...(user.type !== undefined ? { type: user.type } : {}),
		...(Number.isFinite(createdAt) ? { createdAt } : {}),
	};
}

function randomRunId(): string {
	return `${Date.now().toString(36)}.${Math.random().toString(36).slice(2, 10)}`;
}
