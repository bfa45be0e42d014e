/** Conflicts: each with the person, the reason, and what the admin can do about it. */
import type { LayoutBlock } from '@rocket.chat/ui-kit';

import { context, PanelView, panelView, safe, section, Translate } from './blocks';

export interface ConflictData {
	externalId: string;
	name: string | null;
	username: string | null;
	code: string;
	detail: string;
}

const KNOWN = ['unknown-person', 'email-taken', 'role-missing', 'allocation-failed'];
/** Conflicts of any other code share one text. */
const OTHER = 'other';
/** Conflicts listed in the view (the report lists more). */
export const PANEL_CONFLICTS = 25;

export function conflictsView(appId: string, t: Translate, list: ConflictData[], total: number, notice?: string): PanelView {
	const blocks: LayoutBlock[] = [];
	if (list.length === 0) blocks.push(section('conflicts-none', t('panel_conflicts_none')));
	for (const [i, c] of list.slice(0, PANEL_CONFLICTS).entries()) {
		const who = c.name
			? `*${safe(c.name)}* (${safe(c.externalId)}${c.username ? `, @${safe(c.username)}` : ''})`
			: `*${safe(c.externalId)}*`;
		const kind = KNOWN.includes(c.code) ? c.code : OTHER;
		const hint = t(`conflict_hint_${kind}`);
		blocks.push(section(`conflict-${i}`, `${who}\n${t(`panel_conflict_${kind}`)}${c.detail ? `: ${safe(c.detail)}` : ''}\n_${hint}_`));
	}
	if (total > Math.min(list.length, PANEL_CONFLICTS))
		blocks.push(context('conflicts-more', t('panel_conflicts_more', { shown: Math.min(list.length, PANEL_CONFLICTS), total })));
	return panelView(appId, t, 'conflicts', blocks, notice);
}
