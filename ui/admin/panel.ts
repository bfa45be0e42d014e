/**
 * The integration panel (UI Kit modal): opened by `/integration` with no argument or by the admins'
 * action button; each interaction is routed by ui/admin/routes.ts, re-checks that the user is an admin
 * now, does its work through ./service.ts and answers with the view to show, the action's result in it.
 */
import {
	IUIKitResponse,
	UIKitActionButtonInteractionContext,
	UIKitBlockInteractionContext,
	UIKitSurfaceType,
	UIKitViewSubmitInteractionContext,
} from '@rocket.chat/apps-engine/definition/uikit';
import { IUser } from '@rocket.chat/apps-engine/definition/users';

import { loadConfig } from '../../adapters/config';
import { loosely, translatorFor } from '../../adapters/i18n';
import { unplannedRunText } from '../../features/sync/runTexts';
import { RunResult } from '../../features/sync/SyncRunner';
import { doctorTally } from '../../core/admin/doctor';
import { LogKind, parseLogKind } from '../../core/admin/logFilter';
import { PanelView, Tab, TABS, Translate } from './blocks';
import { confirmView } from './confirmView';
import { conflictsView } from './conflictsView';
import { historyView } from './historyView';
import { logView, PANEL_LOG_LINES } from './logView';
import { overviewView } from './overviewView';
import { PANEL_PLAN_PAGE, planView } from './planView';
import { confirmFingerprint, isPanelAction, isPanelView, PANEL_ROUTES } from './panelRoutes';
import { setupView } from './setupView';
import {
	AdminEnv,
	confirmPlan,
	conflicts,
	doctor,
	dryRun,
	historyView as historyData,
	isAdminNow,
	logView as logData,
	overview,
	pendingPlan,
	retryHistory,
	syncNow,
} from '../../features/admin/service';

export { isPanelAction, isPanelView };

/** Conflicts read for the view. */
const VIEW_CONFLICTS = 25;

/** The view of a tab, drawn from the current state. */
export async function tabView(
	env: AdminEnv,
	t: Translate,
	tab: Tab,
	opts: { notice?: string; offset?: number; kind?: LogKind } = {},
): Promise<PanelView> {
	const appId = env.app.getID();
	switch (tab) {
		case 'plan':
			return planView(appId, t, await pendingPlan(env.read, opts.offset ?? 0, PANEL_PLAN_PAGE, PANEL_PLAN_PAGE), opts.notice);
		case 'conflicts': {
			const c = await conflicts(env.read);
			return conflictsView(appId, t, c.items.slice(0, VIEW_CONFLICTS), c.total, opts.notice);
		}
		case 'history': {
			const [h, { config }] = await Promise.all([historyData(env.read), loadConfig(env.read)]);
			return historyView(
				appId,
				t,
				{
					enabled: config.history.enabled,
					depth: h.figures?.depth ?? null,
					lowerBound: h.figures?.depthIsLowerBound ?? false,
					oldestAgeMs: h.figures?.oldestUndeliveredAgeMs ?? null,
					lastError: h.figures?.lastError ?? null,
					lastSuccessAt: h.figures?.lastSuccessAt ?? null,
					deadLetters: h.deadLetters,
				},
				opts.notice,
			);
		}
		case 'log': {
			const kind = opts.kind ?? 'all';
			return logView(appId, t, kind, await logData(env.read, kind, PANEL_LOG_LINES), opts.notice);
		}
		case 'setup': {
			const d = await doctor(env);
			return setupView(appId, t, d.checks, d.siteUrl, opts.notice);
		}
		default: {
			const [o, d] = await Promise.all([overview(env), doctor(env).catch(() => null)]);
			const problems = [
				...(o.configResult.ok
					? []
					: o.configResult.errors.map((e) =>
							t('status_setting_invalid', { setting: t(e.setting), reason: t(`config_error_${e.code}`) }),
						)),
				...o.configIssues.map((i) => t('status_setting_missing', { setting: t(i.setting), feature: t(`feature_${i.feature}`) })),
			];
			return overviewView(
				appId,
				t,
				{
					settingsProblems: problems,
					rest: o.rest,
					feed: {
						configured: o.sync.feed.url,
						ok: o.sync.feed.ok,
						error: o.sync.feed.error,
						lastFetchAt: o.sync.feed.lastFetchAt,
					},
					lastRun: o.sync.lastRun
						? { at: o.sync.lastRun.at, outcome: o.sync.lastRun.outcome, trigger: o.sync.lastRun.trigger }
						: null,
					nextRunAt: o.sync.nextRunAt,
					halted: o.sync.halted ? { reasons: o.sync.halted.reasons, fingerprint: o.sync.halted.fingerprint } : null,
					plan: o.plan ? { total: o.plan.total, fingerprint: o.plan.fingerprint, source: o.plan.source } : null,
					history: o.history
						? {
								depth: o.history.depth,
								lowerBound: o.history.depthIsLowerBound,
								oldestAgeMs: o.history.oldestUndeliveredAgeMs,
								deadBatches: o.history.deadLetters.batches,
								deadMessages: o.history.deadLetters.messages,
							}
						: null,
					errors: o.recentErrors.map((e) => ({ at: e.ts, event: e.event, message: e.message, reference: e.reference })),
					doctor: d ? doctorTally(d.checks) : null,
				},
				opts.notice,
			);
		}
	}
}

/** What a run did, in one line for the panel's notice. */
function runNotice(t: Translate, r: RunResult): string {
	const unplanned = unplannedRunText(t, r);
	if (unplanned !== undefined) return unplanned;
	switch (r.outcome) {
		case 'dry-run':
			return r.halted
				? t('panel_dry_run_would_halt', { total: r.preview?.total ?? 0, reasons: r.halted })
				: t('panel_dry_run_done', { total: r.preview?.total ?? 0 });
		case 'halted':
			return t('panel_run_halted', { reasons: r.halted ?? '' });
		default:
			return r.outcome === 'finished' ? t('sync_finished') : t('sync_continues', { remaining: r.remaining ?? 0 });
	}
}

/** Opens the panel on its overview (from the slash command or the action button's trigger). */
export async function openPanel(env: AdminEnv, user: IUser, triggerId: string): Promise<void> {
	const t = loosely(await translatorFor(env.read, user));
	const view = await tabView(env, t, 'overview');
	await env.modify.getUiController().openSurfaceView({ ...view, type: UIKitSurfaceType.MODAL }, { triggerId }, user);
}

/** The admins' action button (room header or message box): opens the panel. */
export async function panelActionButton(env: AdminEnv, context: UIKitActionButtonInteractionContext): Promise<IUIKitResponse> {
	const data = context.getInteractionData();
	const responder = context.getInteractionResponder();
	if (!(await isAdminNow(env.read, data.user))) return responder.errorResponse();
	const t = loosely(await translatorFor(env.read, data.user));
	return responder.openModalViewResponse(await tabView(env, t, 'overview'));
}

/** A button of the panel. */
export async function panelBlockAction(env: AdminEnv, context: UIKitBlockInteractionContext): Promise<IUIKitResponse> {
	const data = context.getInteractionData();
	const responder = context.getInteractionResponder();
	if (!(await isAdminNow(env.read, data.user))) return responder.errorResponse();
	const t = loosely(await translatorFor(env.read, data.user));
	const show = async (tab: Tab, opts: Parameters<typeof tabView>[3] = {}) =>
		responder.updateModalViewResponse(await tabView(env, t, tab, opts));
	switch (PANEL_ROUTES[data.actionId]) {
		case 'open':
			return responder.openModalViewResponse(await tabView(env, t, 'overview'));
		case 'tab': {
			const tab = TABS.find((x) => x === data.value) ?? 'overview';
			return show(tab);
		}
		case 'plan-page':
			return show('plan', { offset: Number(data.value) || 0 });
		case 'dry-run':
			return show('plan', { notice: runNotice(t, await dryRun(env)) });
		case 'sync-now':
			return show('plan', { notice: runNotice(t, await syncNow(env)) });
		case 'confirm': {
			const plan = await pendingPlan(env.read, 0, 50, 50);
			if (!plan?.halted) return show('plan', { notice: t('sync_confirm_nothing') });
			// The modal is drawn for the plan the button showed; a plan that changed since is shown again instead.
			if (plan.fingerprint !== (data.value ?? ''))
				return show('plan', { notice: t('panel_confirm_stale', { fingerprint: plan.fingerprint }) });
			return responder.updateModalViewResponse(confirmView(env.app.getID(), t, { ...plan, halted: plan.halted }));
		}
		case 'retry': {
			const r = await retryHistory(env);
			const notice =
				r.batches === 0
					? t('history_retry_none')
					: [
							t('history_retry_done', { messages: r.messages, batches: r.batches }),
							...(r.remaining > 0 ? [t('history_retry_more', { remaining: r.remaining })] : []),
						].join(' ');
			return show('history', { notice });
		}
		case 'log-kind':
			return show('log', { kind: parseLogKind(data.value) });
		default:
			return responder.successResponse();
	}
}

/** The confirm modal's submit: confirms exactly the plan the modal showed. */
export async function panelViewSubmit(env: AdminEnv, context: UIKitViewSubmitInteractionContext): Promise<IUIKitResponse> {
	const data = context.getInteractionData();
	const responder = context.getInteractionResponder();
	if (!(await isAdminNow(env.read, data.user))) return responder.errorResponse();
	const t = loosely(await translatorFor(env.read, data.user));
	const fingerprint = confirmFingerprint(data.view?.id);
	if (fingerprint === undefined) return responder.successResponse();
	const outcome = await confirmPlan(env, data.user, fingerprint);
	const notice =
		outcome.kind === 'confirmed'
			? t('panel_confirmed', { fingerprint: outcome.fingerprint })
			: outcome.kind === 'stale'
				? t('panel_confirm_stale', { fingerprint: outcome.current })
				: t('sync_confirm_nothing');
	return responder.updateModalViewResponse(await tabView(env, t, outcome.kind === 'confirmed' ? 'overview' : 'plan', { notice }));
}
