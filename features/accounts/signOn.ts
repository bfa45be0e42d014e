import { IHttp, ILogger, IModify, IPersistence, IRead } from '@rocket.chat/apps-engine/definition/accessors';

import { fingerprint } from '../../adapters/crypto';
import { CooldownRepository } from '../../adapters/persistence/CooldownRepository';
import { LogRepository } from '../../adapters/persistence/LogRepository';
import { PeopleRepository, PersonRecord } from '../../adapters/persistence/PeopleRepository';
import { restClientFor, serverSiteUrl } from '../../adapters/rocketchat/clientFor';
import { AppConfig } from '../../core/config';
import { AccountFacts, decideToken, TokenRefusal } from '../../core/security/accounts';
import { decideSso } from '../../core/sso';
import { DesiredPerson } from '../../core/sync/types';
import { DesiredStore } from '../sync/desiredStore';
import { canonicalJson } from '../sync/util';
import { AccountService, PersonInput } from './AccountService';
import { accountFacts } from './guards';
import { scheduleAccountPhotos } from './photos';
import { describeError } from '../../core/errors';

export interface SignOnDeps {
	read: IRead;
	persis: IPersistence;
	http: IHttp;
	modify: IModify;
	logger: ILogger;
	config: AppConfig;
}

/** How a sign-on ended: a token, or why not (the endpoint turns each into the contract's answer). */
export type SignOnOutcome =
	| { kind: 'token'; userId: string; username: string; loginToken: string; resumeUrl: string }
	| { kind: 'refused'; error: 'account-inactive' | 'registration-disabled' | 'account-privileged' }
	| { kind: 'account-exists' }
	| { kind: 'chat-server-error'; reference: string };

const people = new PeopleRepository();
const cooldowns = new CooldownRepository();
const log = new LogRepository();

/**
 * The account each recently signed-on person had, per runtime (bounded): lets the next sign-on read the
 * account alongside the person's record instead of after it. Only a hint: the record decides.
 */
const lastUserIds = new Map<string, string>();
const MAX_REMEMBERED = 10_000;

function rememberUserId(externalId: string, userId: string): void {
	lastUserIds.delete(externalId);
	lastUserIds.set(externalId, userId);
	if (lastUserIds.size > MAX_REMEMBERED) lastUserIds.delete(lastUserIds.keys().next().value as string);
}

/**
 * `POST sso/token`, the accounts side: a login token for a person of the system of record, creating their
 * account when needed. Known people get their token in one REST round trip.
 */
export async function signOn(ctx: SignOnDeps, p: PersonInput): Promise<SignOnOutcome> {
	const { config } = ctx;
	const reader = ctx.read.getPersistenceReader();
	const now = Date.now();
	// Known people: one read. A failed login is kept on their record; failed creations of unknown
	// people are kept apart. Read at the same time: Site_Url, once (the REST base unless rc_rest_url is
	// set, the link base unless rc_site_url is), and the account of a person seen before (its roles are
	// read fresh on every call; used only when the record still names that account).
	const needsSite = !(config.rocketChat.restUrl && config.rocketChat.siteUrl);
	const seenUserId = lastUserIds.get(p.externalId);
	const [record, serverSite, early] = await Promise.all([
		people.get(reader, p.externalId),
		needsSite ? serverSiteUrl(ctx.read) : Promise.resolve(''),
		seenUserId ? accountFacts(ctx.read, seenUserId) : Promise.resolve(undefined),
	]);
	const cooldown = record ? record.cooldown : await cooldowns.get(reader, p.externalId);
	const decision = decideSso({
		record,
		cooldown,
		requestActive: p.active !== false,
		selfRegistration: config.accounts.selfRegistration,
		now,
	});
	if (decision.kind === 'inactive') return { kind: 'refused', error: 'account-inactive' };
	if (decision.kind === 'registration-disabled') return { kind: 'refused', error: 'registration-disabled' };
	if (decision.kind === 'cooling-down') return { kind: 'chat-server-error', reference: decision.reference };

	let rest;
	try {
		rest = await restClientFor(ctx.http, ctx.read, config, undefined, serverSite);
	} catch (err) {
		const reference = await logConfigError(ctx, p.externalId, err);
		return { kind: 'chat-server-error', reference };
	}
	const accounts = new AccountService({ read: ctx.read, persis: ctx.persis, http: ctx.http, config, rest, logger: ctx.logger });

	let account: PersonRecord;
	if (decision.kind === 'provision') {
		const result = await accounts.provision(p);
		if (!result.ok && result.conflict === 'account-exists') return { kind: 'account-exists' };
		if (!result.ok) return coolDown(ctx, p.externalId, result.reference);
		if (cooldown) await cooldowns.clear(ctx.persis, p.externalId);
		account = result.record;
		if (account.pendingPhotoUrl && config.sync.photos) await scheduleAccountPhotos(ctx.modify);
	} else {
		account = record as PersonRecord;
	}
	account = await knownToSync(ctx, accounts, account, signedOnProfile(p));

	const facts = early && seenUserId === account.userId ? early : await accountFacts(ctx.read, account.userId);
	rememberUserId(p.externalId, account.userId);
	const refusal = await tokenRefusal(ctx, account, facts);
	if (refusal === 'not-linkable') return { kind: 'account-exists' };
	if (refusal) return { kind: 'refused', error: 'account-privileged' };

	const token = await accounts.token(account);
	if (!token.ok && token.inactive) {
		await accounts.saveRecord(
			{ ...account, active: false, inactiveUntil: now + config.accounts.inactiveCooldownMs, updatedAt: now },
			account,
		);
		return { kind: 'refused', error: 'account-inactive' };
	}
	if (!token.ok) return coolDown(ctx, p.externalId, token.reference, account, accounts);
	if (account.cooldown) {
		const { cooldown: _over, ...rest } = account;
		await accounts.saveRecord({ ...rest, updatedAt: now }, account);
	}
	const base = config.rocketChat.siteUrl || serverSite;
	return {
		kind: 'token',
		userId: account.userId,
		username: account.username,
		loginToken: token.credentials.authToken,
		resumeUrl: `${base}/home?resumeToken=${encodeURIComponent(token.credentials.authToken)}`,
	};
}

/**
 * Why no token may be handed out for this account (core/security/accounts.ts), or null. `facts` is the account
 * as the Apps-Engine user reader gave it during this request (no REST call): a role given a minute ago counts.
 */
async function tokenRefusal(ctx: SignOnDeps, account: PersonRecord, facts: AccountFacts | undefined): Promise<TokenRefusal | null> {
	if (!facts) return null; // gone: the token call fails and says so
	const { accounts } = ctx.config;
	const decision = decideToken({
		account: facts,
		createdByApp: account.createdByApp,
		privileged: accounts.privilegedRoles,
		linkingEnabled: accounts.linkExisting,
		linkedEmail: account.email,
	});
	if (decision.allow) return null;
	const why =
		decision.reason === 'privileged'
			? 'the account holds a privileged role'
			: decision.reason === 'service-account'
				? 'the account is a bot or app account'
				: 'the account was not created by the app and linking is off or no longer allowed for it';
	const entry = await log.add(ctx.persis, {
		level: 'warning',
		event: decision.reason === 'not-linkable' ? 'sso-refused-linked' : 'sso-refused-privileged',
		externalId: account.externalId,
		userId: account.userId,
		message: `sso/token refused for ${account.username}: ${why}`,
	});
	ctx.logger.warn(`sso/token for ${account.externalId} refused [${entry.reference}]: ${why}`);
	return decision.reason;
}

/** Remembers a failure so the same person is not retried against Rocket.Chat during the cool-down. */
async function coolDown(
	ctx: SignOnDeps,
	externalId: string,
	reference: string,
	known?: PersonRecord,
	accounts?: AccountService,
): Promise<SignOnOutcome> {
	const ms = ctx.config.accounts.loginErrorCooldownMs;
	if (ms > 0) {
		const until = Date.now() + ms;
		if (known && accounts) await accounts.saveRecord({ ...known, cooldown: { until, reference }, updatedAt: Date.now() }, known);
		else await cooldowns.set(ctx.persis, { externalId, until, reference });
	}
	return { kind: 'chat-server-error', reference };
}

async function logConfigError(ctx: SignOnDeps, externalId: string, err: unknown): Promise<string> {
	const message = describeError(err);
	const entry = await log.add(ctx.persis, { level: 'error', event: 'rest-not-configured', externalId, message });
	ctx.logger.error(`sso/token for ${externalId} [${entry.reference}]: ${entry.message}`);
	return entry.reference;
}

/**
 * A person who signed on is known to the sync with the profile sent (groups may name them), unless a push
 * describes them. Known people signing on with the same profile again cost nothing here: their record
 * keeps the fingerprint of the profile last found known.
 */
async function knownToSync(
	ctx: SignOnDeps,
	accounts: AccountService,
	account: PersonRecord,
	profile: DesiredPerson,
): Promise<PersonRecord> {
	const known = fingerprint(canonicalJson(profile));
	if (account.knownProfile === known) return account;
	const desired = new DesiredStore(ctx.read.getPersistenceReader(), ctx.persis);
	await desired.recordSignOn(profile, await desired.getPerson(profile.externalId));
	const updated = { ...account, knownProfile: known };
	await accounts.saveRecord(updated, account);
	return updated;
}

/** The profile a sign-on carries, as the sync's desired person (only the fields sent). */
function signedOnProfile(p: PersonInput): DesiredPerson {
	return {
		externalId: p.externalId,
		firstName: p.firstName,
		lastName: p.lastName,
		email: p.email,
		...(p.nickName ? { nickName: p.nickName } : {}),
		...(p.photoUrl ? { photoUrl: p.photoUrl } : {}),
	};
}
