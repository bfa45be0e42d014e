import { IHttp, IModify, IPersistence, IRead } from '@rocket.chat/apps-engine/definition/accessors';
import { IApp } from '@rocket.chat/apps-engine/definition/IApp';
import {
	IUIKitResponse,
	UIKitActionButtonInteractionContext,
	UIKitBlockInteractionContext,
	UIKitViewSubmitInteractionContext,
} from '@rocket.chat/apps-engine/definition/uikit';

import { routeOfAction, routeOfButton, routeOfView, UiEnv } from '../ui/routes';
import { describeError } from '../core/errors';

/**
 * UI Kit interactions (buttons and modal submits), sent to the view that drew them by the route table
 * (ui/routes.ts). A failure is logged and answered with the engine's error response.
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
			const answer = await routeOfAction(data.actionId, data.container?.id)?.blockAction?.(this.env(), context);
			if (answer) return answer;
		} catch (err) {
			this.fail('block action', data.actionId, err);
			return context.getInteractionResponder().errorResponse();
		}
		return context.getInteractionResponder().successResponse();
	}

	async viewSubmit(context: UIKitViewSubmitInteractionContext): Promise<IUIKitResponse> {
		const data = context.getInteractionData();
		try {
			const answer = await routeOfView(data.view?.id)?.viewSubmit?.(this.env(), context);
			if (answer) return answer;
		} catch (err) {
			this.fail('view submit', data.view?.id, err);
			return context.getInteractionResponder().errorResponse();
		}
		return context.getInteractionResponder().successResponse();
	}

	/** An action button the app registered (the admin panel's, in the room header and message box). */
	async actionButton(context: UIKitActionButtonInteractionContext): Promise<IUIKitResponse> {
		const data = context.getInteractionData();
		try {
			const answer = await routeOfButton(data.actionId)?.actionButton?.(this.env(), context);
			if (answer) return answer;
		} catch (err) {
			this.fail('action button', data.actionId, err);
			return context.getInteractionResponder().errorResponse();
		}
		return context.getInteractionResponder().successResponse();
	}

	private env(): UiEnv {
		return { app: this.app, read: this.read, persis: this.persis, modify: this.modify, http: this.http };
	}

	private fail(kind: string, id: string | undefined, err: unknown): void {
		this.app.getLogger().error(`${kind} ${id ?? '?'} failed: ${describeError(err)}`);
	}
}
