import { IRead } from '@rocket.chat/apps-engine/definition/accessors';

import { ConfigResult, RawSettings, readConfig } from '../core/config';
import { Setting } from '../core/settingIds';
import { serverSiteUrl } from './rocketchat/clientFor';

/**
 * The config as last read, per runtime. A setting change reaches every server instance's app
 * (`onSettingUpdated`), which drops it; the age limit is only a safety net.
 */
let cached: { result: ConfigResult; at: number } | undefined;
const MAX_AGE_MS = 30_000;

export function invalidateConfig(): void {
	cached = undefined;
}

/** Reads every app setting (once per change, then from memory) into the typed config. */
export async function loadConfig(read: IRead): Promise<ConfigResult> {
	const now = Date.now();
	if (cached && now - cached.at < MAX_AGE_MS) return cached.result;
	const result = await readSettings(read);
	cached = { result, at: now };
	return result;
}

async function readSettings(read: IRead): Promise<ConfigResult> {
	const reader = read.getEnvironmentReader().getSettings();
	const ids = Object.values(Setting);
	const values = await Promise.all(ids.map((id) => reader.getValueById(id) as Promise<unknown>));
	const raw: RawSettings = {};
	ids.forEach((id, i) => (raw[id] = values[i]));
	return readConfig(raw);
}

/** The base URL for links: the setting when set, else the server's Site_Url. */
export async function siteUrl(read: IRead, configured: string | null): Promise<string> {
	return configured || serverSiteUrl(read);
}
