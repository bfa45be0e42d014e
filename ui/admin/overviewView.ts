/** The panel's overview: health (settings, REST token, feed), last and next sync, pending plan, outbox, recent errors. */
import type { LayoutBlock } from '@rocket.chat/ui-kit';

import { context, PanelView, panelView, safe, section, Translate, when } from './blocks';

export interface OverviewData {
	settingsProblems: string[];
	rest: { ok: true; username: string; admin: boolean } | { ok: false; reason: string };
	feed: { configured: boolean; ok: boolean | null; error: string | null; lastFetchAt: string | null };
	lastRun: { at: string | null; outcome: string; trigger: string } | null;
	nextRunAt: string | null;
	halted: { reasons: string[]; fingerprint: string } | null;
	plan: { total: number; fingerprint: string; source: string } | null;
	history: { depth: number; lowerBound: boolean; oldestAgeMs: number | null; deadBatches: number; deadMessages: number } | null;
	errors: Array<{ at: number; event: string; message: string; reference: string }>;
	doctor: { ok: number; warn: number; fail: number; unknown: number } | null;
}

const mark = (ok: boolean | null) => (ok === null ? '⚪' : ok ? '✅' : '⚠️');

export function overviewView(appId: string, t: Translate, d: OverviewData, notice?: string): PanelView {
	const blocks: LayoutBlock[] = [];
	const health: string[] = [`*${t('panel_health')}*`];
	health.push(
		d.settingsProblems.length === 0
			? `${mark(true)} ${t('panel_settings_ok')}`
			: `${mark(false)} ${t('panel_settings_problems', { count: d.settingsProblems.length })}\n${d.settingsProblems.map((p) => `• ${safe(p)}`).join('\n')}`,
	);
	health.push(
		d.rest.ok
			? `${mark(d.rest.admin)} ${t(d.rest.admin ? 'status_rest_ok' : 'status_rest_not_admin', { username: d.rest.username })}`
			: `${mark(false)} ${t('status_rest_failed', { reason: t(`rest_error_${d.rest.reason}`) })}`,
	);
	if (d.feed.configured)
		health.push(
			d.feed.ok === false
				? `${mark(false)} ${t('status_sync_feed_error', { error: d.feed.error ?? '?' })}`
				: d.feed.lastFetchAt
					? `${mark(true)} ${t('status_sync_feed_ok', { time: when(d.feed.lastFetchAt) })}`
					: `${mark(null)} ${t('panel_feed_not_yet')}`,
		);
	else health.push(`${mark(null)} ${t('panel_feed_push')}`);
	if (d.doctor)
		health.push(
			`${mark(d.doctor.fail === 0 && d.doctor.warn === 0)} ${t('panel_doctor_tally', { ok: d.doctor.ok, warn: d.doctor.warn, fail: d.doctor.fail, unknown: d.doctor.unknown })}`,
		);
	blocks.push(section('health', health.join('\n')));

	const sync: string[] = [`*${t('status_sync')}*`];
	sync.push(
		d.lastRun
			? t('panel_last_run', { time: when(d.lastRun.at), outcome: d.lastRun.outcome, trigger: d.lastRun.trigger })
			: t('status_sync_never'),
	);
	sync.push(t('panel_next_run', { time: when(d.nextRunAt) }));
	if (d.halted)
		sync.push(
			`⛔ ${t('panel_halted', { fingerprint: d.halted.fingerprint })}\n${d.halted.reasons.map((r) => `• ${safe(r)}`).join('\n')}`,
		);
	const planKey = d.plan?.source === 'halt' ? 'panel_plan_pending' : 'panel_plan_dry_run';
	if (d.plan)
		sync.push(
			t(planKey, {
				total: d.plan.total,
				fingerprint: d.plan.fingerprint,
			}),
		);
	else sync.push(t('panel_plan_none'));
	blocks.push(section('sync', sync.join('\n')));

	const history: string[] = [`*${t('status_history')}*`];
	if (!d.history) history.push(t('panel_history_unknown'));
	else {
		history.push(
			d.history.depth === 0
				? t('status_history_outbox_empty')
				: t('panel_outbox', {
						count: `${d.history.depth}${d.history.lowerBound ? '+' : ''}`,
						age: Math.round((d.history.oldestAgeMs ?? 0) / 60_000),
					}),
		);
		history.push(
			d.history.deadBatches === 0
				? t('status_history_dead_none')
				: t('status_history_dead', { batches: d.history.deadBatches, messages: d.history.deadMessages }),
		);
	}
	blocks.push(section('history', history.join('\n')));

	const errors = [`*${t('panel_recent_errors')}*`];
	if (d.errors.length === 0) errors.push(t('panel_no_errors'));
	for (const e of d.errors) errors.push(`\`${when(e.at)}\` ${e.event}: ${safe(e.message.slice(0, 200))} _(${e.reference})_`);
	blocks.push(section('errors', errors.join('\n')));
	blocks.push(context('report-hint', t('panel_report_hint')));
	return panelView(appId, t, 'overview', blocks, notice);
}
