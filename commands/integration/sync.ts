import { IHttp, IModify, IPersistence, IRead } from '@rocket.chat/apps-engine/definition/accessors';
import { IRoom } from '@rocket.chat/apps-engine/definition/rooms';
import { IUser } from '@rocket.chat/apps-engine/definition/users';
import type { LayoutBlock } from '@rocket.chat/ui-kit';

import { durationText } from '../../adapters/chatbot/texts';
import { loadConfig } from '../../adapters/config';
import { Translate, translatorFor } from '../../adapters/i18n';
import { whisper } from '../../adapters/notify';
import { ManagedRoomRepository } from '../../adapters/persistence/ManagedRoomRepository';
import { SyncStateRepository } from '../../adapters/persistence/SyncStateRepository';
import { restClientFor } from '../../adapters/rocketchat/clientFor';
import { RestError, RocketChatClient } from '../../adapters/rocketchat/RestClient';
import { scheduleRun } from '../../adapters/sync/schedule';
import { syncStatus } from '../../adapters/sync/status';
import { RunResult, SyncRunner } from '../../adapters/sync/SyncRunner';
import { roomsOfUser } from '../../adapters/userRooms';
import { Summary } from '../../core/sync/types';
import { CommandContext, StatusSection, Subcommand } from './types';

enum SyncAction {
	Now = 'now',
	DryRun = 'dry-run',
	Confirm = 'confirm',
}

/** Summary fields in the order they are listed, each with its label key. */
const SUMMARY_FIELDS = [
	'createUsers',
	'reactivateUsers',
	'deactivateUsers',
	'updateProfiles',
	'createRooms',
	'deleteRooms',
	'addMembers',
	'removeMembers',
	'setLeaders',
	'unsetLeaders',
	'setModerators',
	'unsetModerators',
	'addRoles',
	'removeRoles',
] as const;

const EXAMPLE_CONFLICTS = 3;

/** "new accounts: 3, members added: 12", or null when the summary counts nothing. */
export function summaryText(t: Translate, s: Summary): string | null {
	const parts = SUMMARY_FIELDS.filter((f) => s[f] > 0).map((f) => `${t(`sync_kind_${f}`)}: ${s[f]}`);
	return parts.length > 0 ? parts.join(', ') : null;
}

function planLines(t: Translate, r: RunResult): string[] {
	const lines: string[] = [];
	const text = r.plan ? summaryText(t, r.plan) : null;
	lines.push(text ? t('sync_plan', { summary: text }) : t('sync_nothing_to_do'));
	const conflicts = r.plan?.conflicts ?? [];
	if (conflicts.length > 0) {
		const examples = conflicts
			.slice(0, EXAMPLE_CONFLICTS)
			.map((c) => `${c.externalId} (${c.reason})`)
			.join('; ');
		lines.push(t('sync_conflicts', { count: r.conflictCount ?? conflicts.length, examples }));
	}
	return lines;
}

/** What a run did, for the admin who asked for it. */
export function runText(t: Translate, r: RunResult): string {
	switch (r.outcome) {
		case 'busy':
			return t('sync_busy');
		case 'failed':
			return t('sync_run_failed', { error: r.error ?? '?' });
		case 'reading':
			return t('sync_reading', { count: r.unreadRooms ?? 0 });
		case 'dry-run': {
			const lines = [t('sync_dry_run_title'), ...planLines(t, r)];
			if (r.halted) lines.push(t('sync_dry_run_would_halt', { reasons: r.halted }));
			return lines.join('\n');
		}
		case 'halted':
			return [t('sync_halted', { reasons: r.halted ?? '' }), ...planLines(t, r)].join('\n');
		default: {
			const lines = planLines(t, r);
			const applied = r.applied ? summaryText(t, r.applied) : null;
			if (applied) lines.push(t('sync_applied', { summary: applied }));
			if ((r.failed ?? 0) > 0) lines.push(t('sync_failed_count', { count: r.failed ?? 0 }));
			lines.push(r.outcome === 'finished' ? t('sync_finished') : t('sync_continues', { remaining: r.remaining ?? 0 }));
			return lines.join('\n');
		}
	}
}

/** `/integration sync [now|dry-run|confirm]`: run the sync, show its plan, or confirm a halted plan. */
export const syncCommand: Subcommand = {
	name: 'sync',
	usageKey: 'integration_usage_sync',
	async run(ctx) {
		const action = (ctx.args[0] ?? SyncAction.Now).toLowerCase() as SyncAction;
		const runner = new SyncRunner({
			read: ctx.read,
			modify: ctx.modify,
			http: ctx.http,
			persis: ctx.persis,
			logger: ctx.app.getLogger(),
		});
		if (action === SyncAction.Now || action === SyncAction.DryRun) {
			const r = await runner.run({ trigger: 'command', dryRun: action === SyncAction.DryRun });
			await ctx.reply(runText(ctx.t, r));
			return;
		}
		if (action === SyncAction.Confirm) {
			const state = new SyncStateRepository();
			const halt = await state.get(ctx.read.getPersistenceReader(), 'halt');
			if (!halt) {
				await ctx.reply(ctx.t('sync_confirm_nothing'));
				return;
			}
			// The admin names the plan they approve: a plan that changed since they looked is never approved by accident.
			const named = (ctx.args[1] ?? '').trim().toLowerCase();
			const plan = summaryText(ctx.t, halt.plan) ?? ctx.t('sync_nothing_to_do');
			if (named === '') {
				await ctx.reply(ctx.t('sync_confirm_name', { fingerprint: halt.fingerprint, reasons: halt.reasons.join('; '), plan }));
				return;
			}
			if (named !== halt.fingerprint.toLowerCase()) {
				await ctx.reply(
					ctx.t('sync_confirm_stale', { named, fingerprint: halt.fingerprint, reasons: halt.reasons.join('; '), plan }),
				);
				return;
			}
			await state.put(ctx.persis, 'confirm', { fingerprint: halt.fingerprint, by: ctx.sender.username, at: Date.now() });
			await scheduleRun(ctx.modify, ctx.persis, Date.now(), 'confirm');
			await ctx.reply(ctx.t('sync_confirmed', { fingerprint: halt.fingerprint, reasons: halt.reasons.join('; ') }));
			return;
		}
		await ctx.reply(ctx.t('sync_usage'));
	},
};

/** `/integration rooms-of <@user>`: the managed rooms a person is in now. */
export const roomsOfCommand: Subcommand = {
	name: 'rooms-of',
	usageKey: 'integration_usage_rooms_of',
	async run(ctx) {
		const arg = ctx.args[0];
		if (!arg) {
			await ctx.reply(ctx.t('rooms_of_usage'));
			return;
		}
		const username = arg.replace(/^@/, '');
		const user = await ctx.read.getUserReader().getByUsername(username);
		if (!user) {
			await ctx.reply(ctx.t('rooms_of_no_user', { user: `@${username}` }));
			return;
		}
		const managed = await new ManagedRoomRepository().list(ctx.read.getPersistenceReader());
		const mine = await roomsOfUser(
			ctx.read,
			user.id,
			managed.map((r) => r.roomId),
		);
		const rooms = managed.filter((r) => mine.has(r.roomId)).sort((a, b) => a.name.localeCompare(b.name));
		if (rooms.length === 0) {
			await ctx.reply(ctx.t('rooms_of_none', { user: `@${user.username}` }));
			return;
		}
		await ctx.reply(
			[
				ctx.t('rooms_of_title', { user: `@${user.username}`, count: rooms.length }),
				...rooms.map((r) => `- #${r.name} _(${r.groupKey})_`),
			].join('\n'),
		);
	},
};

// ---------------------------------------------------------------- deactivate-idle

export const DEACTIVATE_IDLE_ACTION = 'ri-sync.deactivate-idle';
const MAX_DAYS = 36500;
/** Time the dry-run count may take (users are read a page at a time). */
const COUNT_BUDGET_MS = 15_000;
const USERS_PAGE = 100;

export function isSyncAction(actionId: string | undefined): boolean {
	return actionId === DEACTIVATE_IDLE_ACTION;
}

interface IdleCount {
	count: number;
	/** The users could not all be read in time: `count` is a lower bound. */
	partial: boolean;
}

/** How many accounts `users.deactivateIdle` would deactivate: active people who have not logged in for `days` (never: since creation). */
async function countIdle(rest: RocketChatClient, days: number, role: string | undefined, now = Date.now()): Promise<IdleCount> {
	const cutoff = now - days * 86_400_000;
	const deadline = now + COUNT_BUDGET_MS;
	const query: Record<string, unknown> = { active: true };
	if (role) query.roles = role;
	let count = 0;
	for (let offset = 0; ; offset += USERS_PAGE) {
		if (Date.now() > deadline) return { count, partial: true };
		const page = await rest.usersList(offset, USERS_PAGE, query);
		for (const u of page.users) {
			if (u.active === false || u.type === 'app' || u.type === 'bot') continue;
			const last = Date.parse(u.lastLogin ?? u.createdAt ?? '');
			if (Number.isFinite(last) && last < cutoff) count++;
		}
		if (page.users.length < USERS_PAGE || offset + USERS_PAGE >= page.total) return { count, partial: false };
	}
}

function parseIdleArgs(args: string[]): { days: number; role?: string; confirm: boolean } | null {
	const [daysArg, ...rest] = args;
	const days = Number(daysArg);
	if (!Number.isInteger(days) || days < 1 || days > MAX_DAYS) return null;
	const confirm = rest.length > 0 && rest[rest.length - 1].toLowerCase() === 'confirm';
	const roleParts = confirm ? rest.slice(0, -1) : rest;
	if (roleParts.length > 1) return null;
	return { days, ...(roleParts[0] ? { role: roleParts[0] } : {}), confirm };
}

async function deactivateIdle(t: Translate, rest: RocketChatClient, days: number, role: string | undefined): Promise<string> {
	try {
		const count = await rest.deactivateIdle(days, role);
		return t('deactivate_idle_done', { count });
	} catch (err) {
		return t('deactivate_idle_failed', { reason: err instanceof RestError ? t(`rest_error_${err.kind}`) : String(err) });
	}
}

/**
 * `/integration deactivate-idle <days> [role]`: what Rocket.Chat's `users.deactivateIdle` does, with the
 * count first and a button to go ahead (or `... confirm` typed after the same arguments).
 */
export const deactivateIdleCommand: Subcommand = {
	name: 'deactivate-idle',
	usageKey: 'integration_usage_deactivate_idle',
	async run(ctx) {
		const args = parseIdleArgs(ctx.args);
		if (!args) {
			await ctx.reply(ctx.t('deactivate_idle_usage', { max: MAX_DAYS }));
			return;
		}
		let rest: RocketChatClient;
		try {
			rest = await restClientFor(ctx.http, ctx.read, ctx.configResult.config, 25_000);
		} catch (err) {
			await ctx.reply(
				ctx.t('deactivate_idle_failed', { reason: err instanceof RestError ? ctx.t(`rest_error_${err.kind}`) : String(err) }),
			);
			return;
		}
		if (args.confirm) {
			await ctx.reply(await deactivateIdle(ctx.t, rest, args.days, args.role));
			return;
		}
		let counted: IdleCount;
		try {
			counted = await countIdle(rest, args.days, args.role);
		} catch (err) {
			await ctx.reply(
				ctx.t('deactivate_idle_failed', { reason: err instanceof RestError ? ctx.t(`rest_error_${err.kind}`) : String(err) }),
			);
			return;
		}
		if (counted.count === 0 && !counted.partial) {
			await ctx.reply(ctx.t('deactivate_idle_none', { days: args.days }));
			return;
		}
		const command = `/integration deactivate-idle ${args.days}${args.role ? ` ${args.role}` : ''} confirm`;
		const count = counted.partial ? `${counted.count}+` : String(counted.count);
		const text = [
			ctx.t(args.role ? 'deactivate_idle_count_role' : 'deactivate_idle_count', { count, days: args.days, role: args.role ?? '' }),
			ctx.t('deactivate_idle_confirm_hint', { command }),
		].join('\n');
		await confirmForm(
			ctx,
			text,
			ctx.t('deactivate_idle_button', { count }),
			JSON.stringify({ days: args.days, role: args.role ?? null }),
		);
	},
};

/** A private message with the count and a button that deactivates. */
async function confirmForm(ctx: CommandContext, text: string, label: string, value: string): Promise<void> {
	const blocks: LayoutBlock[] = [
		{ type: 'section', blockId: `${DEACTIVATE_IDLE_ACTION}:text`, text: { type: 'mrkdwn', text } },
		{
			type: 'actions',
			blockId: `${DEACTIVATE_IDLE_ACTION}:actions`,
			elements: [
				{
					type: 'button',
					appId: ctx.app.getID(),
					blockId: `${DEACTIVATE_IDLE_ACTION}:actions`,
					actionId: DEACTIVATE_IDLE_ACTION,
					text: { type: 'plain_text', text: label, emoji: true },
					value,
					style: 'danger',
				},
			],
		},
	];
	const bot = await ctx.read.getUserReader().getAppUser();
	const builder = ctx.modify.getCreator().startMessage().setRoom(ctx.room).setText(text).setBlocks(blocks).setGroupable(false);
	if (bot) builder.setSender(bot);
	if (ctx.threadId) builder.setThreadId(ctx.threadId);
	await ctx.modify.getNotifier().notifyUser(ctx.sender, builder.getMessage());
}

/** The button of the confirm form: deactivates (admins only; the arguments come from the button). */
export async function handleDeactivateIdleAction(
	env: { read: IRead; modify: IModify; http: IHttp; persis: IPersistence },
	user: IUser,
	room: IRoom | undefined,
	value: string | undefined,
): Promise<void> {
	const t = await translatorFor(env.read, user);
	const reply = (text: string) => (room ? whisper(env.read, env.modify, user, room, text) : Promise.resolve());
	if (!user.roles?.includes('admin')) {
		await reply(t('integration_admin_only'));
		return;
	}
	let parsed: { days?: unknown; role?: unknown } = {};
	try {
		parsed = JSON.parse(value ?? '{}') as typeof parsed;
	} catch {
		parsed = {};
	}
	const days = Number(parsed.days);
	const role = typeof parsed.role === 'string' && parsed.role ? parsed.role : undefined;
	if (!Number.isInteger(days) || days < 1 || days > MAX_DAYS) {
		await reply(t('deactivate_idle_usage', { max: MAX_DAYS }));
		return;
	}
	const { config } = await loadConfig(env.read);
	try {
		const rest = await restClientFor(env.http, env.read, config, 25_000);
		await reply(await deactivateIdle(t, rest, days, role));
	} catch (err) {
		await reply(t('deactivate_idle_failed', { reason: err instanceof RestError ? t(`rest_error_${err.kind}`) : String(err) }));
	}
}

// ---------------------------------------------------------------- status

/** The sync in `/integration status`: last pass, pass in progress, halt, feed, next run. */
export const syncSection: StatusSection = async (ctx: CommandContext) => {
	const { t } = ctx;
	const now = Date.now();
	const s = await syncStatus(ctx.read.getPersistenceReader(), ctx.configResult.config, now);
	const lines = [`*${t('status_sync')}*`];
	if (s.dryRunOnly) lines.push(`- ${t('status_sync_dry_run_only')}`);
	if (s.halted) {
		const { since, reasons, fingerprint } = s.halted;
		lines.push(`- ${t('status_sync_halted', { time: since ?? '?', reasons: reasons.join('; '), fingerprint })}`);
	}
	if (s.lastPass) {
		const sum = (c: Record<string, number | undefined>) => Object.values(c).reduce<number>((a, b) => a + (b ?? 0), 0);
		lines.push(
			`- ${t('status_sync_last_pass', {
				time: s.lastPass.finishedAt ?? '?',
				runs: s.lastPass.runs,
				duration: durationText(t, s.lastPass.durationMs ?? 0),
				applied: sum(s.lastPass.applied),
				failed: sum(s.lastPass.failed),
				conflicts: s.lastPass.conflicts,
			})}`,
		);
	} else lines.push(`- ${t('status_sync_never')}`);
	if (s.current)
		lines.push(
			`- ${t('status_sync_current', { time: s.current.startedAt ?? '?', remaining: s.current.remaining, runs: s.current.runs })}`,
		);
	if (s.lastRun) lines.push(`- ${t('status_sync_last_run', { time: s.lastRun.at ?? '?', outcome: s.lastRun.outcome })}`);
	if (s.feed.url) {
		if (s.feed.ok === false) lines.push(`- ${t('status_sync_feed_error', { error: s.feed.error ?? '?' })}`);
		else if (s.feed.lastFetchAt) lines.push(`- ${t('status_sync_feed_ok', { time: s.feed.lastFetchAt })}`);
	}
	if (s.nextRunAt) lines.push(`- ${t('status_sync_next', { time: durationText(t, Date.parse(s.nextRunAt) - now) })}`);
	return lines;
};
