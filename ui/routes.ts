import { IHttp, IModify, IPersistence, IRead } from '@rocket.chat/apps-engine/definition/accessors';
import { IApp } from '@rocket.chat/apps-engine/definition/IApp';
import {
	IUIKitResponse,
	UIKitActionButtonInteractionContext,
	UIKitBlockInteractionContext,
	UIKitViewSubmitInteractionContext,
} from '@rocket.chat/apps-engine/definition/uikit';

import { translatorFor } from '../adapters/i18n';
import { whisper } from '../adapters/notify';
import { deactivateIdleConfirmed } from '../features/admin/deactivateIdle';
import { DEACTIVATE_IDLE_ACTION } from './admin/deactivateIdleConfirm';
import { isPanelAction, isPanelView, panelActionButton, panelBlockAction, panelViewSubmit } from './admin/panel';
import { handleTriggersBlockAction, handleTriggersViewSubmit } from './triggers/actions';
import { isTriggersAction, isTriggersView } from './triggers/common';

/** What a route gets to answer an interaction with. */
export interface UiEnv {
	app: IApp;
	read: IRead;
	persis: IPersistence;
	modify: IModify;
	http?: IHttp;
}

/**
 * One view's interactions: which action and view ids it owns, and what answers them. A route that answers
 * nothing (`undefined`) gets the engine's plain success response.
 */
export interface UiRoute {
	readonly name: string;
	/** A button or other element of the view: by its action id, or the id of the view it sits in. */
	ownsAction?(actionId: string | undefined, viewId: string | undefined): boolean;
	/** A modal submitted: by the view's id. */
	ownsView?(viewId: string | undefined): boolean;
	blockAction?(env: UiEnv, context: UIKitBlockInteractionContext): Promise<IUIKitResponse | undefined>;
	viewSubmit?(env: UiEnv, context: UIKitViewSubmitInteractionContext): Promise<IUIKitResponse | undefined>;
	/** An action button the app registered (room header, message box...): by its action id. */
	actionButton?(env: UiEnv, context: UIKitActionButtonInteractionContext): Promise<IUIKitResponse | undefined>;
}

/** The trigger editor (ui/triggers/). */
const triggersRoute: UiRoute = {
	name: 'triggers',
	ownsAction: (actionId, viewId) => isTriggersAction(actionId) || isTriggersView(viewId),
	ownsView: (viewId) => isTriggersView(viewId),
	blockAction: (env, context) => handleTriggersBlockAction(env, context),
	viewSubmit: (env, context) => handleTriggersViewSubmit(env, context),
};

/** The button of `/integration deactivate-idle` (ui/admin/deactivateIdleConfirm.ts). */
const deactivateIdleRoute: UiRoute = {
	name: 'deactivate-idle',
	ownsAction: (actionId) => actionId === DEACTIVATE_IDLE_ACTION,
	async blockAction(env, context) {
		const { user, room, value } = context.getInteractionData();
		if (!env.http) return undefined;
		const t = await translatorFor(env.read, user);
		const text = await deactivateIdleConfirmed({ read: env.read, http: env.http }, t, user, value);
		if (room) await whisper(env.read, env.modify, user, room, text);
		return undefined;
	},
};

/** The admin panel (ui/admin/panel.ts): its buttons, the confirm modal, and the admins' action button that opens it. */
const adminPanelRoute: UiRoute = {
	name: 'admin-panel',
	ownsAction: (actionId, viewId) => isPanelAction(actionId) || isPanelView(viewId),
	ownsView: (viewId) => isPanelView(viewId),
	blockAction: (env, context) => (env.http ? panelBlockAction({ ...env, http: env.http }, context) : Promise.resolve(undefined)),
	viewSubmit: (env, context) => (env.http ? panelViewSubmit({ ...env, http: env.http }, context) : Promise.resolve(undefined)),
	actionButton: (env, context) => (env.http ? panelActionButton({ ...env, http: env.http }, context) : Promise.resolve(undefined)),
};

/** Every view with interactions. A feature with a view adds its route here. */
export const UI_ROUTES: ReadonlyArray<UiRoute> = [triggersRoute, deactivateIdleRoute, adminPanelRoute];

/** The route of a block action, if any. */
export function routeOfAction(actionId: string | undefined, viewId: string | undefined): UiRoute | undefined {
	return UI_ROUTES.find((r) => r.blockAction && r.ownsAction?.(actionId, viewId));
}

/** The route of a submitted view, if any. */
export function routeOfView(viewId: string | undefined): UiRoute | undefined {
	return UI_ROUTES.find((r) => r.viewSubmit && r.ownsView?.(viewId));
}

/** The route of an action button, if any. */
export function routeOfButton(actionId: string | undefined): UiRoute | undefined {
	return UI_ROUTES.find((r) => r.actionButton && r.ownsAction?.(actionId, undefined));
}
