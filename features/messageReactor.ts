import { IHttp, IModify, IPersistence, IRead } from '@rocket.chat/apps-engine/definition/accessors';
import { IApp } from '@rocket.chat/apps-engine/definition/IApp';
import { IMessage } from '@rocket.chat/apps-engine/definition/messages';
import { IUser } from '@rocket.chat/apps-engine/definition/users';

import { AppConfig } from '../core/config';

// The port through which message events reach the features: handlers/MessageEventHandler.ts builds the
// context once per event and runs every reactor listed in handlers/registry.ts.

export interface MessageEventContext {
	message: IMessage;
	read: IRead;
	http: IHttp;
	persis: IPersistence;
	modify: IModify;
	app: IApp;
	config: AppConfig;
	/** For deletions: who deleted the message. */
	actor?: IUser;
}

/** A feature that reacts to messages (chat points, triggers, chat history). */
export interface MessageReactor {
	readonly name: string;
	onSent?(ctx: MessageEventContext): Promise<void>;
	onUpdated?(ctx: MessageEventContext): Promise<void>;
	onDeleted?(ctx: MessageEventContext): Promise<void>;
}
