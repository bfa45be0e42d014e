import { IHttp, ILogger, IPersistence, IRead } from '@rocket.chat/apps-engine/definition/accessors';

import { AppConfig } from '../../core/config';
import { isReservedUsername, parseEmail, taggedEmail, usernameBase, usernameCandidate } from '../../core/identity';
import { decideLink, LinkDecision } from '../../core/security/accounts';
import { conflictField, displayNameOf } from '../../core/sso';
import { decryptSecret, encryptSecret, randomPassword } from '../crypto';
import { accountFacts, blockedUsernames, changeRefusal } from './guards';
import { LogRepository } from '../persistence/LogRepository';
import { PeopleRepository, PersonRecord } from '../persistence/PeopleRepository';
import { RecordStore } from '../persistence/RecordStore';
import { RcUser, RestCredentials, RestError, RocketChatClient } from '../rocketchat/RestClient';

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
}

/** This runtime's knowledge of the token strategy (shared with other instances through persistence). */
let knownStrategy: { state: TokenStrategyState; readAt: number } | undefined;
const STRATEGY_MEMORY_MS = 5 * 60 * 1000;

const MAX_CREATE_ATTEMPTS = 8;
const TOKEN_STRATEGY_RETRY_MS = 60 * 60 * 1000;

/**
 * Accounts on Rocket.Chat for people of the system of record: provisioning (unique usernames and
 * e-mail addresses, existing accounts linked), and login tokens. Used by single sign-on and by
 * the sync. Every failure is logged once with a reference; secrets never reach the log.
 */
export class AccountService {
	private readonly people = new PeopleRepository();
	private readonly log = new LogRepository();
	private readonly state = new RecordStore<TokenStrategyState>('accounts-state');

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
	 * Creates the person's account. A pre-existing account holding the person's e-mail address is linked
	 * instead only when the linking rules allow it (core/security/accounts.ts, `decideLink`); otherwise
	 * the person gets a new account with an e-mail alias.
	 */
	async provision(person: PersonInput): Promise<ProvisionResult> {
		const { rest, persis, read } = this.deps;
		const parsed = parseEmail(person.email);
		if (!parsed.ok) return this.fail(person.externalId, 'account-create-failed', new Error(`invalid e-mail address (${parsed.error})`));
		const base = usernameBase(person.firstName, person.lastName);
		const name = displayNameOf(person.firstName, person.lastName);
		const blocked = await blockedUsernames(read);
		let u = 1;
		let e = 0;
		for (let attempt = 0; attempt < MAX_CREATE_ATTEMPTS; attempt++) {
			while (isReservedUsername(usernameCandidate(base, u), blocked)) u++;
			const username = usernameCandidate(base, u);
			const email = e === 0 ? parsed.email.address : taggedEmail(parsed.email, e)?.address;
			if (!email) {
				// A refusal, not a fault: the address belongs to an account the app may not link, and no alias fits.
				const error = new Error(
					'the e-mail address belongs to an account that is not linked, and no alias of it fits the length limits',
				);
				const entry = await this.log.add(persis, {
					level: 'warning',
					event: 'account-exists',
					externalId: person.externalId,
					message: error.message,
				});
				return { ok: false, reference: entry.reference, error, conflict: 'account-exists' };
			}
			const password = randomPassword();
			try {
				const user = await rest.createUser({
					username,
					name,
					email,
					password,
					verified: person.emailVerified === true,
					joinDefaultChannels: false,
					sendWelcomeEmail: false,
					...(person.nickName ? { nickname: person.nickName } : {}),
				});
				const record = this.newRecord(person, user._id, username, email, true, password);
				record.emailVerified = person.emailVerified === true;
				await this.people.save(persis, read.getPersistenceReader(), record);
				await this.log.add(persis, {
					level: 'info',
					event: 'account-created',
					externalId: person.externalId,
					userId: user._id,
					message: `account ${username} created${e > 0 ? ` with e-mail alias ${email}` : ''}`,
				});
				return { ok: true, record, created: true };
			} catch (err) {
				if (err instanceof RestError && err.errorType === 'error-blocked-username') {
					u++;
					continue;
				}
				if (!(err instanceof RestError) || err.errorType !== 'error-field-unavailable')
					return this.fail(person.externalId, 'account-create-failed', err);
				const field = conflictField(err.serverMessage, username, email);
				if (field === 'email') {
					const owner = e === 0 ? await this.findByEmail(email) : undefined;
					if (owner && (await this.mayLink(person, owner)).link) return this.link(person, owner);
					e++;
				} else {
					const owner = await rest.userByUsername(username);
					if (owner && owner.emails?.some((m) => m.address.toLowerCase() === parsed.email.address.toLowerCase())) {
						if ((await this.mayLink(person, owner)).link) return this.link(person, owner);
					}
					u++;
				}
			}
		}
		return this.fail(
			person.externalId,
			'account-create-failed',
			new Error(`no free username or e-mail after ${MAX_CREATE_ATTEMPTS} attempts`),
		);
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
				return { ok: true, credentials: await rest.createToken(record.userId, config.rocketChat.createTokensSecret ?? undefined) };
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

	/** Whether the linking rules let this person take over `owner` (logged when refused with linking on). */
	private async mayLink(
		person: PersonInput,
		owner: { _id: string; username?: string; roles?: string[]; type?: string; emails?: Array<{ address: string; verified?: boolean }> },
	): Promise<LinkDecision> {
		const { config } = this.deps;
		if (!config.accounts.linkExisting) return { link: false, reason: 'linking-off' };
		const facts = (await accountFacts(this.deps.read, owner._id)) ?? owner;
		const decision = decideLink({
			enabled: true,
			account: facts,
			alreadyLinked: !(await this.isUnlinked(owner._id)),
			email: person.email,
			personEmailVerified: person.emailVerified === true,
			privileged: config.accounts.privilegedRoles,
		});
		if (!decision.link) {
			await this.log.add(this.deps.persis, {
				level: 'info',
				event: 'account-not-linked',
				externalId: person.externalId,
				userId: owner._id,
				message: `existing account ${owner.username ?? owner._id} not linked (${decision.reason}); the person gets an account of their own`,
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
		password?: string,
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
		const credential = password ? this.seal(password, userId) : undefined;
		if (credential) record.credential = credential;
		return record;
	}

	private async link(
		person: PersonInput,
		owner: { _id: string; username?: string; emails?: Array<{ address: string }> },
	): Promise<ProvisionResult> {
		const email = owner.emails?.[0]?.address ?? person.email;
		const record = this.newRecord(person, owner._id, owner.username ?? '', email, false);
		await this.people.save(this.deps.persis, this.deps.read.getPersistenceReader(), record);
		await this.log.add(this.deps.persis, {
			level: 'info',
			event: 'account-linked',
			externalId: person.externalId,
			userId: owner._id,
			message: `existing account ${owner.username ?? owner._id} linked`,
		});
		return { ok: true, record, created: false };
	}

	private async findByEmail(email: string): Promise<RcUser | undefined> {
		try {
			const r = await this.deps.rest.usersList(0, 1, { 'emails.address': email });
			return r.users[0];
		} catch {
			return undefined;
		}
	}

	private async isUnlinked(userId: string): Promise<boolean> {
		return (await this.people.getByUserId(this.deps.read.getPersistenceReader(), userId)) === undefined;
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
