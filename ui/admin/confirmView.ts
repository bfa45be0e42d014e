/** The confirm modal: what the halted plan would do, by name, before the admin confirms exactly that plan. */
import type { LayoutBlock } from '@rocket.chat/ui-kit';

import { DESTRUCTIVE_KINDS } from '../../core/admin/planPreview';
import { button, CONFIRM_VIEW, context, PANEL_PREFIX, PanelView, plain, safe, section, Translate } from './blocks';
import { countsLine, itemLine, PlanData } from './planView';

export const CONFIRM_SUBMIT = `${PANEL_PREFIX}.confirm-submit`;

export function confirmView(appId: string, t: Translate, plan: PlanData & { halted: { reasons: string[] } }): PanelView {
	const destructive = plan.page.items.filter((i) => DESTRUCTIVE_KINDS.has(i.kind));
	const blocks: LayoutBlock[] = [
		section(
			'confirm-head',
			[
				t('panel_confirm_intro', { fingerprint: plan.fingerprint, total: plan.total }),
				...plan.halted.reasons.map((r) => `• ${safe(r)}`),
			].join('\n'),
		),
		section('confirm-counts', countsLine(t, plan.byKind)),
	];
	if (destructive.length > 0)
		blocks.push(section('confirm-names', [`*${t('panel_confirm_names')}*`, ...destructive.map((i) => itemLine(t, i))].join('\n')));
	const more = (plan.total ?? 0) - destructive.length;
	if (more > 0) blocks.push(context('confirm-more', t('panel_confirm_more', { count: more })));
	blocks.push(context('confirm-bound', t('panel_confirm_bound', { fingerprint: plan.fingerprint })));
	return {
		id: `${CONFIRM_VIEW}${plan.fingerprint}`,
		title: plain(t('panel_confirm_title')),
		blocks,
		submit: button(appId, CONFIRM_SUBMIT, t('panel_confirm', { fingerprint: plan.fingerprint }), plan.fingerprint, 'danger'),
		close: button(appId, `${PANEL_PREFIX}.confirm-cancel`, t('panel_cancel')),
	};
}
