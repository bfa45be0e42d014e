import { IHttp, IModify, IPersistence, IRead } from '@rocket.chat/apps-engine/definition/accessors';
import { IApp } from '@rocket.chat/apps-engine/definition/IApp';
import { ISlashCommand, SlashCommandContext } from '@rocket.chat/apps-engine/definition/slashcommands';

import { AccountService } from '../adapters/accounts/AccountService';
import { changeRefusal } from '../adapters/accounts/guards';
import { loadConfig, siteUrl } from '../adapters/config';
import { translatorFor } from '../adapters/i18n';
import { whisper } from '../adapters/notify';
import { PeopleRepository } from '../adapters/persistence/PeopleRepository';
import { restClientFor } from '../adapters/rocketchat/clientFor';

/**
 * `/mobile`: what the Rocket.Chat mobile app needs (server address and username); `/mobile password`
 * sets a fresh password and shows it to the person only. Only for accounts the integration created,
 * never for privileged, bot or app accounts (their password is their owner's business).
 */
export class MobileCommand implements ISlashCommand {
	public command = 'mobile';
	public i18nParamsExample = 'mobile_params';
	public i18nDescription = 'mobile_description';
	public providesPreview = false;

	constructor(private readonly app: IApp) {}

	public async executor(context: SlashCommandContext, read: IRead, modify: IModify, http: IHttp, persis: IPersistence): Promise<void> {
		const sender = context.getSender();
		const t = await translatorFor(read, sender);
		const reply = (text: string) => whisper(read, modify, sender, context.getRoom(), text, context.getThreadId());
		const { config } = await loadConfig(read);
		if (!config.accounts.mobileAccess) {
			await reply(t('mobile_disabled'));
			return;
		}
		const record = await new PeopleRepository().getByUserId(read.getPersistenceReader(), sender.id);
		const refusal = record ? await changeRefusal(read, config, record, 'password') : null;
		const server = await siteUrl(read, config.rocketChat.siteUrl);
		const [sub] = context.getArguments();
		if ((sub ?? '').toLowerCase() !== 'password') {
			await reply(
				t('mobile_info', { server, username: sender.username }) + (record && !refusal ? `\n${t('mobile_password_hint')}` : ''),
			);
			return;
		}
		if (!record || refusal?.reason === 'not-created-by-app') {
			await reply(t('mobile_unmanaged'));
			return;
		}
		if (refusal) {
			await reply(t('mobile_privileged'));
			return;
		}
		try {
			const rest = await restClientFor(http, read, config);
			const accounts = new AccountService({ read, persis, http, config, rest, logger: this.app.getLogger() });
			const { password } = await accounts.resetPassword(record);
			await reply(t('mobile_password', { server, username: record.username, password }));
		} catch (err) {
			this.app.getLogger().error(`mobile password for ${record.externalId}: ${err instanceof Error ? err.message : String(err)}`);
			await reply(t('mobile_failed'));
		}
	}
}
