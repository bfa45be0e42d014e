/** Chat history: outbox depth, oldest undelivered message, dead letters with a Retry button. */
import type { LayoutBlock } from '@rocket.chat/ui-kit';

import { actions, button, PanelAction, PanelView, panelView, safe, section, Translate, when } from './blocks';

export interface HistoryData {
	enabled: boolean;
	depth: number | null;
	lowerBound: boolean;
	oldestAgeMs: number | null;
	lastError: { at: number; message: string } | null;
	lastSuccessAt: number | null;
	deadLetters: Array<{ id: string; messages: number; attempts: number; lastError: string; deadAt: number }>;
}

const LISTED = 10;

export function historyView(appId: string, t: Translate, d: HistoryData, notice?: string): PanelView {
	const lines = [t(d.enabled ? 'panel_history_on' : 'status_history_off')];
	if (d.depth === null) lines.push(t('panel_history_unknown'));
	else if (d.depth === 0) lines.push(t('status_history_outbox_empty'));
	else lines.push(t('panel_outbox', { count: `${d.depth}${d.lowerBound ? '+' : ''}`, age: Math.round((d.oldestAgeMs ?? 0) / 60_000) }));
	if (d.lastSuccessAt) lines.push(t('status_history_last_success', { time: when(d.lastSuccessAt) }));
	if (d.lastError) lines.push(t('status_history_last_error', { error: safe(d.lastError.message), time: when(d.lastError.at) }));
	const blocks: LayoutBlock[] = [section('history-figures', lines.join('\n'))];
	if (d.deadLetters.length === 0) blocks.push(section('dead-none', t('status_history_dead_none')));
	else {
		const messages = d.deadLetters.reduce((a, l) => a + l.messages, 0);
		const list = d.deadLetters
			.slice(0, LISTED)
			.map(
				(l) =>
					`• ${t('panel_dead_letter', { time: when(l.deadAt), messages: l.messages, attempts: l.attempts, error: safe(l.lastError.slice(0, 120)) })}`,
			);
		if (d.deadLetters.length > LISTED) list.push(t('panel_more', { count: d.deadLetters.length - LISTED }));
		blocks.push(section('dead', [`*${t('status_history_dead', { batches: d.deadLetters.length, messages })}*`, ...list].join('\n')));
		blocks.push(actions('dead-retry', [button(appId, PanelAction.Retry, t('panel_retry'), 'retry', 'primary')]));
	}
	return panelView(appId, t, 'history', blocks, notice);
}
