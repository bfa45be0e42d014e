import { IHttp, IRead } from '@rocket.chat/apps-engine/definition/accessors';

import { AppConfig } from '../../core/config';
import { siteUrl } from '../config';
import { RestError, RocketChatClient } from './RestClient';

/** A REST client with the configured admin credentials, or a `not-configured` error. */
export async function restClientFor(http: IHttp, read: IRead, config: AppConfig, budgetMs?: number): Promise<RocketChatClient> {
	const { adminUserId, adminToken } = config.rocketChat;
	const baseUrl = await siteUrl(read, config.rocketChat.siteUrl);
	if (!adminUserId || !adminToken || !baseUrl)
		throw new RestError('not-configured', 'rest', undefined, undefined, 'the admin user id, token or site URL is not set');
	return new RocketChatClient(http, { baseUrl, credentials: { userId: adminUserId, authToken: adminToken }, budgetMs });
}
