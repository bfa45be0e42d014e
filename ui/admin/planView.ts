/** The pending plan by name, a page at a time, with Dry-run, Sync now and Confirm (bound to the fingerprint shown). */
import type { ButtonElement, LayoutBlock } from '@rocket.chat/ui-kit';

import { ITEM_ORDER, Page, PlanItem } from '../../core/admin/planPreview';
import { OpKind } from '../../core/sync/types';
import { actions, button, context, PanelAction, PanelView, panelView, safe, section, Translate, when } from './blocks';

/** Items per page of the panel: small views, whatever the plan's size. */
export const PANEL_PLAN_PAGE = 20;

export interface PlanData {
	fingerprint: string;
	source: string;
	at: number;
	halted: { reasons: string[] } | null;
	total: number;
	byKind: Partial<Record<OpKind, number>>;
	conflictCount: number;
	page: Page<PlanItem>;
}

export function itemLine(t: Translate, i: PlanItem): string {
	const who = i.username && i.username !== i.who ? `${safe(i.who)} (@${safe(i.username)})` : safe(i.who);
	const target = i.target && i.target !== i.who ? ` → ${safe(i.target)}` : '';
	const reason = i.reason ? ` _(${safe(i.reason)})_` : '';
	return `• ${t(`plan_kind_${i.kind}`)}: *${who}*${target}${reason}`;
}

export function countsLine(t: Translate, byKind: Partial<Record<OpKind, number>>): string {
	return ITEM_ORDER.filter((k) => (byKind[k] ?? 0) > 0)
		.map((k) => `${t(`plan_kind_${k}`)}: ${byKind[k]}`)
		.join(' · ');
}

export function planView(appId: string, t: Translate, plan: PlanData | null, notice?: string): PanelView {
	const blocks: LayoutBlock[] = [];
	const runButtons = [button(appId, PanelAction.DryRun, t('panel_dry_run')), button(appId, PanelAction.SyncNow, t('panel_sync_now'))];
	if (!plan) {
		blocks.push(section('plan-none', t('panel_plan_none')));
		blocks.push(actions('plan-run', runButtons));
		return panelView(appId, t, 'plan', blocks, notice);
	}
	const head = [
		t(plan.halted ? 'panel_plan_pending' : 'panel_plan_dry_run', { total: plan.total, fingerprint: plan.fingerprint }),
		t('panel_plan_when', { time: when(plan.at) }),
		countsLine(t, plan.byKind),
	];
	if (plan.halted) head.push(`⛔ ${plan.halted.reasons.map(safe).join('; ')}`);
	if (plan.conflictCount > 0) head.push(t('panel_plan_conflicts', { count: plan.conflictCount }));
	blocks.push(section('plan-head', head.join('\n')));
	const p = plan.page;
	const lines = p.items.map((i) => itemLine(t, i));
	blocks.push(section('plan-items', lines.length > 0 ? lines.join('\n') : t('panel_plan_empty')));
	blocks.push(
		context('plan-range', t('panel_range', { from: p.total === 0 ? 0 : p.offset + 1, to: p.offset + p.items.length, total: p.total })),
	);
	const paging: ButtonElement[] = [];
	if (p.offset > 0) paging.push(button(appId, PanelAction.PlanPage, t('panel_prev'), String(Math.max(0, p.offset - p.count))));
	if (p.offset + p.count < p.total) paging.push(button(appId, PanelAction.PlanPage, t('panel_next'), String(p.offset + p.count)));
	if (paging.length > 0) blocks.push(actions('plan-paging', paging));
	const acts = [...runButtons];
	// Confirm names the fingerprint shown: a plan that changed since is never confirmed by this button.
	if (plan.halted)
		acts.push(button(appId, PanelAction.Confirm, t('panel_confirm', { fingerprint: plan.fingerprint }), plan.fingerprint, 'danger'));
	blocks.push(actions('plan-run', acts));
	return panelView(appId, t, 'plan', blocks, notice);
}
