import { IHttp, IRead } from '@rocket.chat/apps-engine/definition/accessors';
import { IUser } from '@rocket.chat/apps-engine/definition/users';

import { loadConfig } from '../../adapters/config';
import { Translate } from '../../adapters/i18n';
import { restClientFor } from '../../adapters/rocketchat/clientFor';
import { RestError, RocketChatClient } from '../../adapters/rocketchat/RestClient';
import { AppConfig } from '../../core/config';

export const MAX_DAYS = 36500;
/** Time the dry-run count may take (users are read a page at a time). */
const COUNT_BUDGET_MS = 15_000;
const USERS_PAGE = 100;
const REST_TIMEOUT_MS = 25_000;

export interface IdleArgs {
	days: number;
	role?: string;
	confirm: boolean;
}

export interface IdleCount {
	count: number;
	/** The users could not all be read in time: `count` is a lower bound. */
	partial: boolean;
}

/** `<days> [role] [confirm]`, or null when they do not make sense. */
export function parseIdleArgs(args: string[]): IdleArgs | null {
	const [daysArg, ...rest] = args;
	const days = Number(daysArg);
	if (!Number.isInteger(days) || days < 1 || days > MAX_DAYS) return null;
	const confirm = rest.length > 0 && rest[rest.length - 1].toLowerCase() === 'confirm';
	const roleParts = confirm ? rest.slice(0, -1) : rest;
	if (roleParts.length > 1) return null;
	return { days, ...(roleParts[0] ? { role: roleParts[0] } : {}), confirm };
}

/** The arguments a confirm button carries (`{"days": 90, "role": null}`), or null. */
export function parseIdleValue(value: string | undefined): { days: number; role?: string } | null {
	let parsed: { days?: unknown; role?: unknown } = {};
	try {
		parsed = JSON.parse(value ?? '{}') as typeof parsed;
	} catch {
		parsed = {};
	}
	const days = Number(parsed.days);
	const role = typeof parsed.role === 'string' && parsed.role ? parsed.role : undefined;
	if (!Number.isInteger(days) || days < 1 || days > MAX_DAYS) return null;
	return { days, ...(role ? { role } : {}) };
}

/** What a confirm button carries. */
export function idleValue(days: number, role: string | undefined): string {
	return JSON.stringify({ days, role: role ?? null });
}

/** The REST client the deactivation uses. */
export function idleClient(http: IHttp, read: IRead, config: AppConfig): Promise<RocketChatClient> {
	return restClientFor(http, read, config, REST_TIMEOUT_MS);
}

/** The admin's sentence for a failure. */
export function idleFailure(t: Translate, err: unknown): string {
	return t('deactivate_idle_failed', { reason: err instanceof RestError ? t(`rest_error_${err.kind}`) : String(err) });
}

/**
 * How many accounts `users.deactivateIdle` would deactivate, counted as Rocket.Chat selects them: the
 * active holders of `role` (`user` when none is given) whose last login is `days` days old or more, or
 * who never logged in and were created that long ago.
 */
export async function countIdle(rest: RocketChatClient, days: number, role: string | undefined, now = Date.now()): Promise<IdleCount> {
	const cutoff = now - days * 86_400_000;
	const deadline = now + COUNT_BUDGET_MS;
	let count = 0;
	for (let offset = 0; ; offset += USERS_PAGE) {
		if (Date.now() > deadline) return { count, partial: true };
		const page = await rest.activeUsersInRole(role ?? 'user', offset, USERS_PAGE);
		for (const u of page.users) {
			if (u.active === false) continue;
			const last = Date.parse(u.lastLogin ?? u.createdAt ?? '');
			if (Number.isFinite(last) && last <= cutoff) count++;
		}
		if (page.users.length < USERS_PAGE || offset + USERS_PAGE >= page.total) return { count, partial: false };
	}
}

/** Deactivates, and says how many accounts it deactivated (or why it could not). */
export async function deactivateIdle(t: Translate, rest: RocketChatClient, days: number, role: string | undefined): Promise<string> {
	try {
		const count = await rest.deactivateIdle(days, role);
		return t('deactivate_idle_done', { count });
	} catch (err) {
		return idleFailure(t, err);
	}
}

/** The confirm button, pressed: deactivates (admins only; the arguments come from the button). Answers with the text for the admin. */
export async function deactivateIdleConfirmed(
	env: { read: IRead; http: IHttp },
	t: Translate,
	user: IUser,
	value: string | undefined,
): Promise<string> {
	if (!user.roles?.includes('admin')) return t('integration_admin_only');
	const args = parseIdleValue(value);
	if (!args) return t('deactivate_idle_usage', { max: MAX_DAYS });
	const { config } = await loadConfig(env.read);
	try {
		const rest = await idleClient(env.http, env.read, config);
		return await deactivateIdle(t, rest, args.days, args.role);
	} catch (err) {
		return idleFailure(t, err);
	}
}
