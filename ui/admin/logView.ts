/** The integration log: the last entries, with a filter by kind. */
import type { LayoutBlock } from '@rocket.chat/ui-kit';

import { LOG_KINDS, LogKind } from '../../core/admin/logFilter';
import { actions, button, PanelAction, PanelView, panelView, safe, section, Translate, when } from './blocks';

export const PANEL_LOG_LINES = 20;

export interface LogLine {
	ts: number;
	level: string;
	event: string;
	externalId?: string;
	message: string;
	reference: string;
}

export function logView(appId: string, t: Translate, kind: LogKind, entries: LogLine[], notice?: string): PanelView {
	const filter = (k: LogKind) => button(appId, PanelAction.LogKind, t(`panel_log_${k}`), k, k === kind ? 'primary' : undefined);
	const blocks: LayoutBlock[] = [
		actions('log-kinds-1', LOG_KINDS.slice(0, 3).map(filter)),
		actions('log-kinds-2', LOG_KINDS.slice(3).map(filter)),
	];
	if (entries.length === 0) blocks.push(section('log-empty', t('panel_log_empty')));
	else {
		const lines = entries.map((e) => {
			const who = e.externalId ? ` ${safe(e.externalId)}` : '';
			return `\`${when(e.ts)}\` *${e.level.toUpperCase()}* ${e.event}${who}: ${safe(e.message.slice(0, 300))} _(${e.reference})_`;
		});
		blocks.push(
			section(
				'log-entries',
				[`*${t('panel_log_title', { count: entries.length, kind: t(`panel_log_${kind}`) })}*`, ...lines].join('\n'),
			),
		);
	}
	return panelView(appId, t, 'log', blocks, notice);
}
