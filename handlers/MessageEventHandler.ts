import { IHttp, IModify, IPersistence, IRead } from '@rocket.chat/apps-engine/definition/accessors';
import { IApp } from '@rocket.chat/apps-engine/definition/IApp';
import { IMessage } from '@rocket.chat/apps-engine/definition/messages';
import { IUser } from '@rocket.chat/apps-engine/definition/users';

import { loadConfig } from '../adapters/config';
import { MessageReactor } from '../features/messageReactor';
import { messageReactors } from './registry';

type Kind = 'onSent' | 'onUpdated' | 'onDeleted';

/**
 * Hands one message event to every reactor. Settings are read once per event; a reactor that fails
 * is logged and does not keep the others from running.
 */
export class MessageEventHandler {
	constructor(
		private readonly app: IApp,
		private readonly read: IRead,
		private readonly http: IHttp,
		private readonly persis: IPersistence,
		private readonly modify: IModify,
		private readonly reactors: MessageReactor[] = messageReactors(),
	) {}

	async run(kind: Kind, message: IMessage, actor?: IUser): Promise<void> {
		const active = this.reactors.filter((r) => typeof r[kind] === 'function');
		if (active.length === 0) return;
		const { config } = await loadConfig(this.read);
		const ctx = { message, read: this.read, http: this.http, persis: this.persis, modify: this.modify, app: this.app, config, actor };
		for (const reactor of active) {
			try {
				await reactor[kind]?.(ctx);
			} catch (err) {
				this.app
					.getLogger()
					.error(`${reactor.name} failed on message ${message.id ?? '?'}: ${err instanceof Error ? err.message : String(err)}`);
			}
		}
	}
}
