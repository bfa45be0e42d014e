import { IHttp, IModify, IPersistence, IRead } from '@rocket.chat/apps-engine/definition/accessors';
import { IApp } from '@rocket.chat/apps-engine/definition/IApp';
import {
	IUIKitResponse,
	UIKitActionButtonInteractionContext,
	UIKitBlockInteractionContext,
	UIKitViewSubmitInteractionContext,
} from '@rocket.chat/apps-engine/definition/uikit';

import { handleDeactivateIdleAction, isSyncAction } from '../commands/integration/sync';
import { isPanelAction, isPanelView, panelActionButton, panelBlockAction, panelViewSubmit } from '../features/admin/panel';
import { handleTriggersBlockAction, handleTriggersViewSubmit, isTriggersAction, isTriggersView } from './triggersModal';

/**
 * UI Kit interactions (buttons and modal submits), routed to the feature that drew the view by the prefix of its view
 * or action id. A feature with a modal adds its route here.
 */
export class UiInteractionHandler {
	constructor(
		private readonly app: IApp,
		private readonly read: IRead,
		private readonly persis: IPersistence,
		private readonly modify: IModify,
		private readonly http?: IHttp,
	) {}

	async blockAction(context: UIKitBlockInteractionContext): Promise<IUIKitResponse> {
		const data = context.getInteractionData();
		try {
			// The admin panel (features/admin/panel.ts).
			if (this.http && (isPanelAction(data.actionId) || isPanelView(data.container?.id)))
				return await panelBlockAction(this.adminEnv(this.http), context);
			if (isTriggersAction(data.actionId) || isTriggersView(data.container?.id))
				return await handleTriggersBlockAction(this.env(), context);
			if (isSyncAction(data.actionId) && this.http) {
				const env = { read: this.read, modify: this.modify, http: this.http, persis: this.persis };
				await handleDeactivateIdleAction(env, data.user, data.room, data.value);
			}
		} catch (err) {
			this.fail('block action', data.actionId, err);
			return context.getInteractionResponder().errorResponse();
		}
		return context.getInteractionResponder().successResponse();
	}

	async viewSubmit(context: UIKitViewSubmitInteractionContext): Promise<IUIKitResponse> {
		const data = context.getInteractionData();
		try {
			if (this.http && isPanelView(data.view?.id)) return await panelViewSubmit(this.adminEnv(this.http), context);
			if (isTriggersView(data.view?.id)) return await handleTriggersViewSubmit(this.env(), context);
		} catch (err) {
			this.fail('view submit', data.view?.id, err);
			return context.getInteractionResponder().errorResponse();
		}
		return context.getInteractionResponder().successResponse();
	}

	/** The admins' action button (room header, message box): opens the admin panel. */
	async actionButton(context: UIKitActionButtonInteractionContext): Promise<IUIKitResponse> {
		const data = context.getInteractionData();
		try {
			if (this.http && isPanelAction(data.actionId)) return await panelActionButton(this.adminEnv(this.http), context);
		} catch (err) {
			this.fail('action button', data.actionId, err);
			return context.getInteractionResponder().errorResponse();
		}
		return context.getInteractionResponder().successResponse();
	}

	private adminEnv(http: IHttp) {
		return { app: this.app, read: this.read, modify: this.modify, http, persis: this.persis };
	}

	private env() {
		return { app: this.app, read: this.read, persis: this.persis, modify: this.modify };
	}

	private fail(kind: string, id: string | undefined, err: unknown): void {
		this.app.getLogger().error(`${kind} ${id ?? '?'} failed: ${err instanceof Error ? err.message : String(err)}`);
	}
}
