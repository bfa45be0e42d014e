import { IHttp, IModify, IPersistence, IRead } from '@rocket.chat/apps-engine/definition/accessors';
import { IApp } from '@rocket.chat/apps-engine/definition/IApp';
import { ISlashCommand, SlashCommandContext } from '@rocket.chat/apps-engine/definition/slashcommands';

import { translatorFor } from '../adapters/i18n';
import { whisper } from '../adapters/notify';
import { mobileAccess } from '../features/mobile/mobileAccess';

/** `/mobile [password]`: mobile access (features/mobile/mobileAccess.ts), answered to the person only. */
export class MobileCommand implements ISlashCommand {
	public command = 'mobile';
	public i18nParamsExample = 'mobile_params';
	public i18nDescription = 'mobile_description';
	public providesPreview = false;

	constructor(private readonly app: IApp) {}

	public async executor(context: SlashCommandContext, read: IRead, modify: IModify, http: IHttp, persis: IPersistence): Promise<void> {
		const sender = context.getSender();
		const t = await translatorFor(read, sender);
		const [sub] = context.getArguments();
		const text = await mobileAccess({ read, http, persis, logger: this.app.getLogger() }, t, sender, sub);
		await whisper(read, modify, sender, context.getRoom(), text, context.getThreadId());
	}
}
