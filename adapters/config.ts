import { IRead } from '@rocket.chat/apps-engine/definition/accessors';

import { ConfigResult, RawSettings, readConfig } from '../core/config';
import { Setting } from '../settings/settings';

/** Reads every app setting once and turns them into the typed config. */
export async function loadConfig(read: IRead): Promise<ConfigResult> {
	const reader = read.getEnvironmentReader().getSettings();
	const ids = Object.values(Setting);
	const values = await Promise.all(ids.map((id) => reader.getValueById(id) as Promise<unknown>));
	const raw: RawSettings = {};
	ids.forEach((id, i) => (raw[id] = values[i]));
	return readConfig(raw);
}

/** The base URL for links: the setting when set, else the server's Site_Url. */
export async function siteUrl(read: IRead, configured: string | null): Promise<string> {
	if (configured) return configured;
	const value = (await read.getEnvironmentReader().getServerSettings().getValueById('Site_Url')) as unknown;
	return typeof value === 'string' ? value.replace(/\/+$/, '') : '';
}
