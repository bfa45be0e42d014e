/** Building blocks of the admin panel's views (UI Kit), and the ids its interactions are routed by. */
import type { ButtonElement, LayoutBlock, PlainText } from '@rocket.chat/ui-kit';

import { PANEL_OPEN_ACTION } from '../../features/admin/service';

export type Translate = (key: string, params?: Readonly<Record<string, string | number>>) => string;

export const PANEL_PREFIX = 'ri-admin';
/** View ids: `ri-admin:<tab>` for the panel, `ri-admin-confirm:<fingerprint>` for the confirm modal. */
export const PANEL_VIEW = `${PANEL_PREFIX}:`;
export const CONFIRM_VIEW = `${PANEL_PREFIX}-confirm:`;

export const TABS = ['overview', 'plan', 'conflicts', 'history', 'log', 'setup'] as const;
export type Tab = (typeof TABS)[number];

/** Action ids of the panel's buttons. */
export const PanelAction = {
	Tab: `${PANEL_PREFIX}.tab`,
	PlanPage: `${PANEL_PREFIX}.plan-page`,
	DryRun: `${PANEL_PREFIX}.dry-run`,
	SyncNow: `${PANEL_PREFIX}.sync-now`,
	Confirm: `${PANEL_PREFIX}.confirm`,
	Retry: `${PANEL_PREFIX}.retry`,
	LogKind: `${PANEL_PREFIX}.log-kind`,
	/** The action button (room header / message box) that opens the panel. */
	Open: PANEL_OPEN_ACTION,
} as const;

export interface PanelView {
	id: string;
	title: PlainText;
	blocks: LayoutBlock[];
	submit?: ButtonElement;
	close?: ButtonElement;
}

export const plain = (text: string): PlainText => ({ type: 'plain_text', text, emoji: true });
export const mrkdwn = (text: string) => ({ type: 'mrkdwn' as const, text });
/** Text shown in a view: markdown markers in names are shown as they are. */
export const safe = (s: string): string => s.replace(/[*_~`>]/g, (c) => `\\${c}`);

export function button(appId: string, actionId: string, text: string, value?: string, style?: ButtonElement['style']): ButtonElement {
	const b: ButtonElement = { type: 'button', appId, blockId: `${actionId}:${value ?? ''}`, actionId, text: plain(text) };
	if (value !== undefined) b.value = value;
	if (style) b.style = style;
	return b;
}

export function section(id: string, text: string): LayoutBlock {
	return { type: 'section', blockId: `${PANEL_PREFIX}.${id}`, text: mrkdwn(text) };
}

export function context(id: string, text: string): LayoutBlock {
	return { type: 'context', blockId: `${PANEL_PREFIX}.${id}`, elements: [mrkdwn(text)] };
}

export function divider(id: string): LayoutBlock {
	return { type: 'divider', blockId: `${PANEL_PREFIX}.${id}` };
}

export function actions(id: string, elements: ButtonElement[]): LayoutBlock {
	return { type: 'actions', blockId: `${PANEL_PREFIX}.${id}`, elements };
}

/** The tab row at the top of every panel view (the current tab is highlighted). */
export function tabRow(appId: string, t: Translate, current: Tab): LayoutBlock[] {
	const b = (tab: Tab) => button(appId, PanelAction.Tab, t(`panel_tab_${tab}`), tab, tab === current ? 'primary' : undefined);
	return [actions('tabs-1', TABS.slice(0, 3).map(b)), actions('tabs-2', TABS.slice(3).map(b))];
}

/** A panel view: title, tabs, an optional notice (the result of the last action), then the tab's blocks. */
export function panelView(appId: string, t: Translate, tab: Tab, blocks: LayoutBlock[], notice?: string): PanelView {
	const head = tabRow(appId, t, tab);
	if (notice) head.push(context('notice', notice));
	head.push(divider('top'));
	return {
		id: `${PANEL_VIEW}${tab}`,
		title: plain(t('panel_title')),
		blocks: [...head, ...blocks],
		close: button(appId, `${PANEL_PREFIX}.close`, t('panel_close')),
	};
}

export function when(ms: number | string | null | undefined): string {
	if (ms === null || ms === undefined) return '—';
	const d = typeof ms === 'number' ? new Date(ms) : new Date(Date.parse(ms));
	return Number.isNaN(d.getTime()) ? '—' : `${d.toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}
