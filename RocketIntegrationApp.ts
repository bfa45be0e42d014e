import {
	IAppAccessors,
	IConfigurationExtend,
	IConfigurationModify,
	IEnvironmentRead,
	IHttp,
	ILogger,
	IModify,
	IPersistence,
	IRead,
} from '@rocket.chat/apps-engine/definition/accessors';
import { ApiSecurity, ApiVisibility } from '@rocket.chat/apps-engine/definition/api';
import { App } from '@rocket.chat/apps-engine/definition/App';
import {
	IMessage,
	IMessageDeleteContext,
	IPostMessageDeleted,
	IPostMessageSent,
	IPostMessageUpdated,
} from '@rocket.chat/apps-engine/definition/messages';
import { IAppInfo } from '@rocket.chat/apps-engine/definition/metadata';
import { ISetting } from '@rocket.chat/apps-engine/definition/settings';
import { UIActionButtonContext } from '@rocket.chat/apps-engine/definition/ui';
import {
	IUIKitInteractionHandler,
	IUIKitResponse,
	UIKitActionButtonInteractionContext,
	UIKitBlockInteractionContext,
	UIKitViewSubmitInteractionContext,
} from '@rocket.chat/apps-engine/definition/uikit';

import { invalidateConfig } from './adapters/config';
import { onEnableSync } from './features/sync/schedule';
import { slashCommands } from './commands/registry';
import { externalEndpoints } from './endpoints/registry';
import { PANEL_OPEN_ACTION } from './features/admin/service';
import { MessageEventHandler } from './handlers/MessageEventHandler';
import { onSettingChanged } from './handlers/SettingChangeHandler';
import { UiInteractionHandler } from './handlers/UiInteractionHandler';
import { processors } from './processors/registry';
import { settings } from './settings/settings';
import { describeError } from './core/errors';

export class RocketIntegrationApp
	extends App
	implements IPostMessageSent, IPostMessageUpdated, IPostMessageDeleted, IUIKitInteractionHandler
{
	constructor(info: IAppInfo, logger: ILogger, accessors: IAppAccessors) {
		super(info, logger, accessors);
	}

	public async executePostMessageSent(message: IMessage, read: IRead, http: IHttp, persis: IPersistence, modify: IModify): Promise<void> {
		return new MessageEventHandler(this, read, http, persis, modify).run('onSent', message);
	}

	public async executePostMessageUpdated(
		message: IMessage,
		read: IRead,
		http: IHttp,
		persis: IPersistence,
		modify: IModify,
	): Promise<void> {
		return new MessageEventHandler(this, read, http, persis, modify).run('onUpdated', message);
	}

	public async executePostMessageDeleted(
		message: IMessage,
		read: IRead,
		http: IHttp,
		persis: IPersistence,
		modify: IModify,
		context: IMessageDeleteContext,
	): Promise<void> {
		return new MessageEventHandler(this, read, http, persis, modify).run('onDeleted', message, context.user);
	}

	public async executeBlockActionHandler(
		context: UIKitBlockInteractionContext,
		read: IRead,
		http: IHttp,
		persis: IPersistence,
		modify: IModify,
	): Promise<IUIKitResponse> {
		return new UiInteractionHandler(this, read, persis, modify, http).blockAction(context);
	}

	public async executeActionButtonHandler(
		context: UIKitActionButtonInteractionContext,
		read: IRead,
		http: IHttp,
		persis: IPersistence,
		modify: IModify,
	): Promise<IUIKitResponse> {
		return new UiInteractionHandler(this, read, persis, modify, http).actionButton(context);
	}

	public async executeViewSubmitHandler(
		context: UIKitViewSubmitInteractionContext,
		read: IRead,
		http: IHttp,
		persis: IPersistence,
		modify: IModify,
	): Promise<IUIKitResponse> {
		return new UiInteractionHandler(this, read, persis, modify, http).viewSubmit(context);
	}

	/** Schedules the recurring sync at the configured interval. */
	public async onEnable(environment: IEnvironmentRead, configurationModify: IConfigurationModify): Promise<boolean> {
		try {
			await onEnableSync(environment.getSettings(), configurationModify.scheduler);
		} catch (err) {
			this.getLogger().error(`scheduling the sync failed: ${describeError(err)}`);
		}
		return true;
	}

	/** Every instance hears of a setting change: drop the cached config, then let features react. */
	public async onSettingUpdated(setting: ISetting, configurationModify: IConfigurationModify, read: IRead, http: IHttp): Promise<void> {
		invalidateConfig();
		await onSettingChanged(this, setting, configurationModify, read, http);
	}

	protected async extendConfiguration(configuration: IConfigurationExtend): Promise<void> {
		for (const setting of settings) {
			await configuration.settings.provideSetting(setting);
		}
		await configuration.api.provideApi({
			visibility: ApiVisibility.PUBLIC,
			security: ApiSecurity.UNSECURE,
			endpoints: externalEndpoints(this),
		});
		// The admin panel's button, for admins only (room header and message box).
		for (const context of [UIActionButtonContext.ROOM_ACTION, UIActionButtonContext.MESSAGE_BOX_ACTION]) {
			configuration.ui.registerButton({
				actionId: PANEL_OPEN_ACTION,
				labelI18n: 'panel_button',
				context,
				when: { hasOneRole: ['admin'] },
			});
		}
		for (const command of slashCommands(this)) {
			await configuration.slashCommands.provideSlashCommand(command);
		}
		const jobs = processors(this);
		if (jobs.length > 0) await configuration.scheduler.registerProcessors(jobs);
	}
}
