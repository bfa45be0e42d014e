import { IHttp, ILogger, IPersistence, IRead } from '@rocket.chat/apps-engine/definition/accessors';
import { IUser } from '@rocket.chat/apps-engine/definition/users';

import { loadConfig, siteUrl } from '../../adapters/config';
import { Translate } from '../../adapters/i18n';
import { PeopleRepository } from '../../adapters/persistence/PeopleRepository';
import { restClientFor } from '../../adapters/rocketchat/clientFor';
import { AccountService } from '../accounts/AccountService';
import { changeRefusal } from '../accounts/guards';

export interface MobileDeps {
	read: IRead;
	http: IHttp;
	persis: IPersistence;
	logger: ILogger;
}

/**
 * Mobile access: what the Rocket.Chat mobile app needs (server address and username), and with `password` a
 * fresh password shown to the person only. Only for accounts the integration created, never for privileged,
 * bot or app accounts (their password is their owner's business). Answers with the text for the person.
 */
export async function mobileAccess(deps: MobileDeps, t: Translate, sender: IUser, sub: string | undefined): Promise<string> {
	const { read, http, persis, logger } = deps;
	const { config } = await loadConfig(read);
	if (!config.accounts.mobileAccess) return t('mobile_disabled');
	const record = await new PeopleRepository().getByUserId(read.getPersistenceReader(), sender.id);
	const refusal = record ? await changeRefusal(read, config, record, 'password') : null;
	const server = await siteUrl(read, config.rocketChat.siteUrl);
	if ((sub ?? '').toLowerCase() !== 'password') {
		return t('mobile_info', { server, username: sender.username }) + (record && !refusal ? `\n${t('mobile_password_hint')}` : '');
	}
	if (!record || refusal?.reason === 'not-created-by-app') return t('mobile_unmanaged');
	if (refusal) return t('mobile_privileged');
	try {
		const rest = await restClientFor(http, read, config);
		const accounts = new AccountService({ read, persis, http, config, rest, logger });
		const { password } = await accounts.resetPassword(record);
		return t('mobile_password', { server, username: record.username, password });
	} catch (err) {
		logger.error(`mobile password for ${record.externalId}: ${err instanceof Error ? err.message : String(err)}`);
		return t('mobile_failed');
	}
}
