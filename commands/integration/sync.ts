import { durationText } from '../../features/chatbot/texts';
import { Translate } from '../../adapters/i18n';
import { confirmHalt, managedRoomsOf, pendingHalt } from '../../features/sync/admin';
import { syncStatus } from '../../features/sync/status';
import { unplannedRunText } from '../../features/sync/runTexts';
import { RunResult, SyncRunner } from '../../features/sync/SyncRunner';
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
	const unplanned = unplannedRunText(t, r);
	if (unplanned !== undefined) return unplanned;
	switch (r.outcome) {
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
			const halt = await pendingHalt(ctx.read.getPersistenceReader());
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
			await confirmHalt(ctx.modify, ctx.persis, halt, ctx.sender.username);
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
		const rooms = await managedRoomsOf(ctx.read, user.id);
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
