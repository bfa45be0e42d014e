import { IHttp, IModify, IPersistence, IRead } from '@rocket.chat/apps-engine/definition/accessors';
import { IApp } from '@rocket.chat/apps-engine/definition/IApp';
import { IRoom } from '@rocket.chat/apps-engine/definition/rooms';
import { IUser } from '@rocket.chat/apps-engine/definition/users';

import { I18nKey, Translate } from '../../adapters/i18n';
import { ConfigResult } from '../../core/config';

export interface CommandContext {
	app: IApp;
	sender: IUser;
	room: IRoom;
	threadId?: string;
	triggerId?: string;
	args: string[];
	read: IRead;
	modify: IModify;
	http: IHttp;
	persis: IPersistence;
	configResult: ConfigResult;
	t: Translate;
	/** Answers the sender only (ephemeral). */
	reply(text: string): Promise<void>;
}

export interface Subcommand {
	readonly name: string;
	/** i18n key of the one-line usage shown by `help`. */
	readonly usageKey: I18nKey;
	run(ctx: CommandContext): Promise<void>;
}

/** A section of `/integration status`, contributed by a feature: lines of text, already localised. */
export type StatusSection = (ctx: CommandContext) => Promise<string[]>;
