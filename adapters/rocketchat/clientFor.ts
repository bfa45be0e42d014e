import { IHttp, IRead } from '@rocket.chat/apps-engine/definition/accessors';

import { AppConfig } from '../../core/config';
import { secureUrlProblem } from '../../core/security/transport';
import { RestError, RocketChatClient } from './RestClient';

/**
 * A REST client with the configured admin credentials, or a `not-configured` error. Its base is the
 * internal REST URL setting, else the server's own Site_Url; never the link URL (`rc_site_url`), so the
 * admin token goes only where the admin said. The base must be https (http only on a loopback address).
 */
export async function restClientFor(
	http: IHttp,
	read: IRead,
	config: AppConfig,
	budgetMs?: number,
	/** The server's Site_Url when the caller has read it already (one setting read less). */
	serverSite?: string,
): Promise<RocketChatClient> {
	const { adminUserId, adminToken } = config.rocketChat;
	const baseUrl = config.rocketChat.restUrl ?? serverSite ?? (await serverSiteUrl(read));
	if (!adminUserId || !adminToken || !baseUrl)
		throw new RestError('not-configured', 'rest', undefined, undefined, 'the admin user id, token or REST URL is not set');
	if (secureUrlProblem(baseUrl) !== null)
		throw new RestError(
			'not-configured',
			'rest',
			undefined,
			undefined,
			'the REST URL is not https (the admin token is only sent over https, or http to a loopback address)',
		);
	return new RocketChatClient(http, { baseUrl, credentials: { userId: adminUserId, authToken: adminToken }, budgetMs });
}

/**
 * The server's Site_Url as last read, per runtime. Rocket.Chat tells apps nothing when a server setting
 * changes, so a change is seen within this age; the address of a running server rarely moves.
 */
let site: { value: string; at: number } | undefined;
const SITE_MAX_AGE_MS = 30_000;

/** The server's Site_Url setting, without a trailing slash ('' when unset). */
export async function serverSiteUrl(read: IRead): Promise<string> {
	const now = Date.now();
	if (site && now - site.at < SITE_MAX_AGE_MS) return site.value;
	const raw = (await read.getEnvironmentReader().getServerSettings().getValueById('Site_Url')) as unknown;
	const value = typeof raw === 'string' ? raw.replace(/\/+$/, '') : '';
	// An unset Site_Url is not remembered: the next call reads it again.
	site = value ? { value, at: now } : undefined;
	return value;
}
