import { IConfigurationModify, IHttp, IRead } from '@rocket.chat/apps-engine/definition/accessors';
import { IApp } from '@rocket.chat/apps-engine/definition/IApp';
import { ISetting } from '@rocket.chat/apps-engine/definition/settings';

import { onSyncSettingUpdated } from '../features/sync/schedule';

/** A feature's reaction to one changed setting (e.g. rescheduling the sync when its interval changes). */
export type SettingHook = (
	app: IApp,
	setting: ISetting,
	configurationModify: IConfigurationModify,
	read: IRead,
	http: IHttp,
) => Promise<void>;

/** The hooks of every feature; each looks at which setting changed and ignores the others. */
export function settingHooks(): SettingHook[] {
	return [(_app, setting, configurationModify) => onSyncSettingUpdated(setting, configurationModify.scheduler)];
}

export async function onSettingChanged(
	app: IApp,
	setting: ISetting,
	configurationModify: IConfigurationModify,
	read: IRead,
	http: IHttp,
): Promise<void> {
	for (const hook of settingHooks()) {
		try {
			await hook(app, setting, configurationModify, read, http);
		} catch (err) {
			app.getLogger().error(`setting ${setting.id}: ${err instanceof Error ? err.message : String(err)}`);
		}
	}
}
