import { randomId, WorldError } from './base';
import { RoomsWorld } from './rooms';
import type { WMessage } from './types';

export interface PostMessageInput {
	rid: string;
	userId: string;
	text: string;
	tmid?: string;
	alias?: string;
	avatar?: string;
	emoji?: string;
	attachments?: unknown[];
	blocks?: unknown[];
	customFields?: Record<string, unknown>;
	groupable?: boolean;
	appId?: string;
	id?: string;
}

/** Messages of the rooms: chat messages, system messages, edits and deletions, and a room's history. */
export abstract class MessagesWorld extends RoomsWorld {
	postMessage(input: PostMessageInput): WMessage {
		const room = this.requireRoom(input.rid);
		const user = this.requireUser(input.userId);
		const now = new Date();
		const msg: WMessage = {
			_id: input.id ?? randomId(),
			rid: room._id,
			msg: input.text ?? '',
			u: { _id: user._id, username: user.username, name: user.name },
			ts: now,
			_updatedAt: now,
		};
		if (this.messages.has(msg._id)) throw new WorldError('error-duplicate-message-id', 'Message id already exists');
		if (input.tmid) msg.tmid = input.tmid;
		if (input.alias) msg.alias = input.alias;
		if (input.avatar) msg.avatar = input.avatar;
		if (input.emoji) msg.emoji = input.emoji;
		if (input.attachments) msg.attachments = input.attachments;
		if (input.blocks) msg.blocks = input.blocks;
		if (input.customFields) msg.customFields = input.customFields;
		if (input.groupable !== undefined) msg.groupable = input.groupable;
		if (input.appId) msg.appId = input.appId;
		this.messages.set(msg._id, msg);
		this.roomMessages.get(room._id)?.push(msg._id);
		room.msgs++;
		room.lastMessageAt = now;
		for (const member of room.members) if (member !== user._id) room.unread[member] = (room.unread[member] ?? 0) + 1;
		return msg;
	}

	/**
	 * A system message (`t` set: `au`, `uj`, `ru`, `ul`, `room_changed_topic`, ...), as Rocket.Chat
	 * saves one: it counts in the room's `msgs` and history, but not as unread.
	 */
	systemMessage(rid: string, t: string, text: string, actorId: string, extra: Partial<WMessage> = {}): WMessage {
		const room = this.requireRoom(rid);
		const actor = this.requireUser(actorId);
		const now = new Date();
		const msg: WMessage = {
			_id: randomId(),
			rid,
			t,
			msg: text,
			u: { _id: actor._id, username: actor.username, name: actor.name },
			ts: now,
			_updatedAt: now,
			groupable: false,
			...extra,
		};
		this.messages.set(msg._id, msg);
		this.roomMessages.get(rid)?.push(msg._id);
		room.msgs++;
		return msg;
	}

	updateMessage(messageId: string, text: string, editorId: string, extra: Partial<WMessage> = {}): WMessage {
		const msg = this.messages.get(messageId);
		if (!msg) throw new WorldError('error-invalid-message', 'Invalid message');
		const editor = this.requireUser(editorId);
		msg.msg = text;
		Object.assign(msg, extra);
		msg.editedAt = new Date();
		msg.editedBy = { _id: editor._id, username: editor.username };
		msg._updatedAt = new Date();
		return msg;
	}

	deleteMessage(messageId: string): WMessage {
		const msg = this.messages.get(messageId);
		if (!msg) throw new WorldError('error-invalid-message', 'Invalid message');
		this.messages.delete(messageId);
		const list = this.roomMessages.get(msg.rid);
		if (list) {
			const i = list.indexOf(messageId);
			if (i >= 0) list.splice(i, 1);
		}
		return msg;
	}

	/** Messages of a room, newest first (as Rocket.Chat's history endpoints). */
	roomHistory(roomId: string, offset = 0, count = 50): { messages: WMessage[]; total: number } {
		this.requireRoom(roomId);
		const ids = this.roomMessages.get(roomId) ?? [];
		const all = ids.map((id) => this.messages.get(id)).filter((m): m is WMessage => !!m);
		all.reverse();
		return { messages: all.slice(offset, offset + count), total: all.length };
	}
}
