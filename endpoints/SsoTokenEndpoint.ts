import { AccountService, PersonInput } from '../adapters/accounts/AccountService';
import { accountFacts } from '../adapters/accounts/guards';
import { siteUrl } from '../adapters/config';
import { fingerprint } from '../adapters/crypto';
import { CooldownRepository } from '../adapters/persistence/CooldownRepository';
import { LogRepository } from '../adapters/persistence/LogRepository';
import { PeopleRepository, PersonRecord } from '../adapters/persistence/PeopleRepository';
import { RestError } from '../adapters/rocketchat/RestClient';
import { restClientFor } from '../adapters/rocketchat/clientFor';
import { decideToken, TokenRefusal } from '../core/security/accounts';
import { DesiredStore } from '../adapters/sync/desiredStore';
import { canonicalJson } from '../adapters/sync/util';
import { DesiredPerson } from '../core/sync/types';
import { decideSso } from '../core/sso';
import { scheduleAccountPhotos } from '../processors/AccountPhotosProcessor';
import { EndpointSpec, Reply, RequestContext } from './frontDoor';
import { errorReply, person, ssoToken } from './schemas';

const people = new PeopleRepository();
const cooldowns = new CooldownRepository();

const refused = (error: string): Reply => ({ status: 403, body: { error } });
const accountExists: Reply = { status: 409, body: { error: 'account-exists' } };
const chatServerError = (reference: string): Reply => ({ status: 502, body: { error: 'chat-server-error', reference } });

/**
 * `POST sso/token`: a login token for a person of the system of record, creating their account
 * when needed. Known people get their token in one REST round trip.
 */
export function ssoTokenSpec(): EndpointSpec {
	return {
		path: 'sso/token',
		operations: [
			{
				method: 'post',
				id: 'createLoginToken',
				summary:
					'Ensure the person has a Rocket.Chat account and return a login token for it. Calls for the same person at the same ' +
					'time, on any server instance, end on the same account. A person who signed on is known to the sync (groups may name ' +
					'them) with the profile sent here, unless `PUT people`, a snapshot or the feed describes them.',
				body: person,
				responses: {
					200: { description: 'A login token, and a link that logs the person in.', schema: ssoToken },
					403: {
						description:
							'`registration-disabled` (unknown person), `account-inactive`, or `account-privileged`: the account holds a ' +
							'privileged role (admin, or one of the privileged roles setting) or is a bot or app account; never a token for it.',
						schema: errorReply,
					},
					409: {
						description:
							'`account-exists`: the e-mail address belongs to an account the app did not create and may not link, and no ' +
							'alias of it fits; or the person is linked to such an account while linking is off.',
						schema: errorReply,
					},
					502: {
						description: '`chat-server-error`: Rocket.Chat refused; the reason is in the integration log under `reference`.',
						schema: errorReply,
					},
				},
				handle: (ctx: RequestContext<unknown>) => handleSso(ctx as RequestContext<PersonInput>),
			},
		],
	};
}

async function handleSso(ctx: RequestContext<PersonInput>): Promise<Reply> {
	const p = ctx.body;
	const { config } = ctx;
	const reader = ctx.read.getPersistenceReader();
	const now = Date.now();
	// Known people: one read. A failed login is kept on their record; failed creations of unknown
	// people are kept apart.
	const record = await people.get(reader, p.externalId);
	const cooldown = record ? record.cooldown : await cooldowns.get(reader, p.externalId);
	const decision = decideSso({
		record,
		cooldown,
		requestActive: p.active !== false,
		selfRegistration: config.accounts.selfRegistration,
		now,
	});
	if (decision.kind === 'inactive') return refused('account-inactive');
	if (decision.kind === 'registration-disabled') return refused('registration-disabled');
	if (decision.kind === 'cooling-down') return chatServerError(decision.reference);

	let rest;
	try {
		rest = await restClientFor(ctx.http, ctx.read, config);
	} catch (err) {
		const reference = await logConfigError(ctx, p.externalId, err);
		return chatServerError(reference);
	}
	const accounts = new AccountService({ read: ctx.read, persis: ctx.persis, http: ctx.http, config, rest, logger: ctx.app.getLogger() });

	let account: PersonRecord;
	if (decision.kind === 'provision') {
		const result = await accounts.provision(p);
		if (!result.ok && result.conflict === 'account-exists') return accountExists;
		if (!result.ok) return coolDown(ctx, p.externalId, result.reference);
		if (cooldown) await cooldowns.clear(ctx.persis, p.externalId);
		account = result.record;
		if (account.pendingPhotoUrl && config.sync.photos) await scheduleAccountPhotos(ctx.modify);
	} else {
		account = record as PersonRecord;
	}
	account = await knownToSync(ctx, accounts, account, signedOnProfile(p));

	const refusal = await tokenRefusal(ctx, account);
	if (refusal === 'not-linkable') return accountExists;
	if (refusal) return refused('account-privileged');

	const token = await accounts.token(account);
	if (!token.ok && token.inactive) {
		await accounts.saveRecord(
			{ ...account, active: false, inactiveUntil: now + config.accounts.inactiveCooldownMs, updatedAt: now },
			account,
		);
		return refused('account-inactive');
	}
	if (!token.ok) return coolDown(ctx, p.externalId, token.reference, account, accounts);
	if (account.cooldown) {
		const { cooldown: _over, ...rest } = account;
		await accounts.saveRecord({ ...rest, updatedAt: now }, account);
	}
	const base = await siteUrl(ctx.read, config.rocketChat.siteUrl);
	return {
		status: 200,
		body: {
			userId: account.userId,
			username: account.username,
			loginToken: token.credentials.authToken,
			resumeUrl: `${base}/home?resumeToken=${encodeURIComponent(token.credentials.authToken)}`,
		},
	};
}

/**
 * Why no token may be handed out for this account (core/security/accounts.ts), or null. The account is read
 * through the Apps-Engine user reader (no REST call), on every request: a role given a minute ago counts.
 */
async function tokenRefusal(ctx: RequestContext<PersonInput>, account: PersonRecord): Promise<TokenRefusal | null> {
	const facts = await accountFacts(ctx.read, account.userId);
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
	const entry = await new LogRepository().add(ctx.persis, {
		level: 'warning',
		event: decision.reason === 'not-linkable' ? 'sso-refused-linked' : 'sso-refused-privileged',
		externalId: account.externalId,
		userId: account.userId,
		message: `sso/token refused for ${account.username}: ${why}`,
	});
	ctx.app.getLogger().warn(`sso/token for ${account.externalId} refused [${entry.reference}]: ${why}`);
	return decision.reason;
}

/** Remembers a failure so the same person is not retried against Rocket.Chat during the cool-down. */
async function coolDown(
	ctx: RequestContext<PersonInput>,
	externalId: string,
	reference: string,
	known?: PersonRecord,
	accounts?: AccountService,
): Promise<Reply> {
	const ms = ctx.config.accounts.loginErrorCooldownMs;
	if (ms > 0) {
		const until = Date.now() + ms;
		if (known && accounts) await accounts.saveRecord({ ...known, cooldown: { until, reference }, updatedAt: Date.now() }, known);
		else await cooldowns.set(ctx.persis, { externalId, until, reference });
	}
	return chatServerError(reference);
}

async function logConfigError(ctx: RequestContext<PersonInput>, externalId: string, err: unknown): Promise<string> {
	const message = err instanceof RestError || err instanceof Error ? err.message : String(err);
	const entry = await new LogRepository().add(ctx.persis, { level: 'error', event: 'rest-not-configured', externalId, message });
	ctx.app.getLogger().error(`sso/token for ${externalId} [${entry.reference}]: ${entry.message}`);
	return entry.reference;
}

/**
 * A person who signed on is known to the sync with the profile sent (groups may name them), unless a push
 * describes them. Known people signing on with the same profile again cost nothing here: their record
 * keeps the fingerprint of the profile last found known.
 */
async function knownToSync(
	ctx: RequestContext<PersonInput>,
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
