/**
 * The panel's route table: which interaction goes where. Handlers live in features/admin/panel.ts;
 * views in this folder, one file each.
 */
import { CONFIRM_VIEW, PANEL_PREFIX, PANEL_VIEW, PanelAction } from './blocks';
import { CONFIRM_SUBMIT } from './confirmView';

export type PanelRoute = 'open' | 'tab' | 'plan-page' | 'dry-run' | 'sync-now' | 'confirm' | 'confirm-submit' | 'retry' | 'log-kind';

export const PANEL_ROUTES: Readonly<Record<string, PanelRoute>> = {
	[PanelAction.Open]: 'open',
	[PanelAction.Tab]: 'tab',
	[PanelAction.PlanPage]: 'plan-page',
	[PanelAction.DryRun]: 'dry-run',
	[PanelAction.SyncNow]: 'sync-now',
	[PanelAction.Confirm]: 'confirm',
	[CONFIRM_SUBMIT]: 'confirm-submit',
	[PanelAction.Retry]: 'retry',
	[PanelAction.LogKind]: 'log-kind',
};

export function isPanelAction(actionId: string | undefined): boolean {
	return typeof actionId === 'string' && actionId.startsWith(`${PANEL_PREFIX}.`);
}

export function isPanelView(viewId: string | undefined): boolean {
	return typeof viewId === 'string' && (viewId.startsWith(PANEL_VIEW) || viewId.startsWith(CONFIRM_VIEW));
}

/** The fingerprint a confirm modal was drawn for (its view id), or undefined. */
export function confirmFingerprint(viewId: string | undefined): string | undefined {
	return typeof viewId === 'string' && viewId.startsWith(CONFIRM_VIEW) ? viewId.slice(CONFIRM_VIEW.length) : undefined;
}
