/** The setup doctor: what the integration needs from Rocket.Chat's settings, what to change, and where. */
import type { LayoutBlock } from '@rocket.chat/ui-kit';

import { ADMIN_PAGES, changeDiff, DoctorCheck } from '../../core/admin/doctor';
import { context, PanelView, panelView, section, Translate } from './blocks';

const ICON = { ok: '✅', warn: '⚠️', fail: '❌', unknown: '⚪' } as const;

export function setupView(appId: string, t: Translate, checks: DoctorCheck[], siteUrl: string | null, notice?: string): PanelView {
	const blocks: LayoutBlock[] = [section('setup-intro', t('panel_setup_intro'))];
	const order = { fail: 0, warn: 1, unknown: 2, ok: 3 } as const;
	const sorted = [...checks].sort((a, b) => order[a.status] - order[b.status]);
	for (const [i, c] of sorted.entries()) {
		const page = ADMIN_PAGES[c.page];
		const link = siteUrl ? `${siteUrl}${page}` : page;
		const lines = [`${ICON[c.status]} *${t(`doctor_area_${c.area}`)}*: ${t(`doctor_${c.id}_${c.status}`, c.params)}`];
		if (c.changes.length > 0) lines.push(c.changes.map((ch) => `\`${changeDiff(ch)}\``).join('\n'));
		if (c.status !== 'ok') lines.push(`${t('panel_setup_where')}: ${link}`);
		blocks.push(section(`check-${i}`, lines.join('\n')));
	}
	blocks.push(context('setup-apply', t('panel_setup_manual')));
	return panelView(appId, t, 'setup', blocks, notice);
}
