/**
 * `chat.*` and `commands.run`: messages posted, edited and deleted through the REST API, with
 * Rocket.Chat 7.x's message checks (processWebhookMessage, the message and attachment `check`s,
 * canSendMessage, quote attachments) and the built-in slash commands the API tests use.
 */
import { isChatDeleteProps, isChatUpdateProps } from '@rocket.chat/rest-typings';

import { badRequest, failure, forbiddenUnauthorized, RestError } from '../http';
import type { Route, RouteContext } from '../sandbox';
import type { WMessage, WRoom, WUser } from '../world/types';
import { can, route, canAccessRoom, caller, obj, serializeMessage, shaped, siteUrl, str, Validator } from './common';

// ---------------------------------------------------------------- message checks (Meteor `check`)

class MatchError extends Error {
	constructor(expected: string, got: unknown, field: string) {
		super(`Match error: ${expected}, got ${describe(got)} in field ${field}`);
	}
}

function describe(v: unknown): string {
	if (v === null) return 'null';
	if (Array.isArray(v)) return 'array';
	return typeof v === 'object' ? 'object' : typeof v === 'string' ? `"${v}"` : str(v);
}

type Rule = 'string' | 'number' | 'boolean' | 'object' | 'array' | 'fullUrl' | 'partialUrl' | 'stringOrNumber' | 'scalar';

function checkValue(v: unknown, rule: Rule, field: string): void {
	const fail = (expected: string) => {
		throw new MatchError(expected, v, field);
	};
	switch (rule) {
		case 'string':
			if (typeof v !== 'string') fail('Expected string');
			return;
		case 'number':
			if (typeof v !== 'number') fail('Expected number');
			return;
		case 'boolean':
			if (typeof v !== 'boolean') fail('Expected boolean');
			return;
		case 'object':
			if (!v || typeof v !== 'object' || Array.isArray(v)) fail('Expected object');
			return;
		case 'array':
			if (!Array.isArray(v)) fail('Expected array');
			return;
		case 'stringOrNumber':
			if (typeof v !== 'string' && typeof v !== 'number') fail('Failed Match.OneOf, Match.Maybe or Match.Optional validation');
			return;
		case 'scalar':
			if (typeof v !== 'string' && typeof v !== 'number' && typeof v !== 'boolean')
				fail('Failed Match.OneOf, Match.Maybe or Match.Optional validation');
			return;
		case 'fullUrl':
		case 'partialUrl':
			if (typeof v !== 'string') fail('Expected string');
			if (/^\s*javascript:/i.test(v as string) || !validUrl(v as string, rule === 'partialUrl'))
				fail('Failed Match.Where validation');
			return;
	}
}

/** ValidFullURLParam / ValidPartialURLParam: a URL (or, partial, a path), never `javascript:`. */
function validUrl(v: string, partial: boolean): boolean {
	if (partial && v.startsWith('/')) return true;
	if (v.startsWith('/file-upload/')) return true;
	try {
		new URL(v);
		return true;
	} catch {
		return false;
	}
}

function checkObject(o: unknown, rules: Record<string, Rule>, field: string): void {
	checkValue(o, 'object', field);
	for (const [k, rule] of Object.entries(rules)) {
		const v = (o as Record<string, unknown>)[k];
		if (v !== undefined && v !== null) checkValue(v, rule, field ? `${field}.${k}` : k);
	}
}

const ATTACHMENT: Record<string, Rule> = {
	color: 'string',
	text: 'string',
	ts: 'stringOrNumber',
	thumb_url: 'fullUrl',
	button_alignment: 'string',
	actions: 'array',
	message_link: 'fullUrl',
	collapsed: 'boolean',
	author_name: 'string',
	author_link: 'fullUrl',
	author_icon: 'fullUrl',
	title: 'string',
	title_link: 'fullUrl',
	title_link_download: 'boolean',
	image_dimensions: 'object',
	image_url: 'fullUrl',
	image_preview: 'string',
	image_type: 'string',
	image_size: 'number',
	audio_url: 'fullUrl',
	audio_type: 'string',
	audio_size: 'number',
	video_url: 'fullUrl',
	video_type: 'string',
	video_size: 'number',
	fields: 'array',
};
const ACTION: Record<string, Rule> = {
	type: 'string',
	text: 'string',
	url: 'fullUrl',
	image_url: 'fullUrl',
	is_webview: 'boolean',
	webview_height_ratio: 'string',
	msg: 'string',
	msg_in_chat_window: 'boolean',
};
const FIELD: Record<string, Rule> = { short: 'boolean', title: 'string', value: 'scalar' };

/** validateMessage: the message's fields, then each attachment, its actions and its fields. */
function validateMessage(m: Record<string, unknown>): void {
	checkObject(m, { msg: 'string', text: 'string', alias: 'string', emoji: 'string', tmid: 'string', avatar: 'partialUrl' }, '');
	if (m.attachments === undefined) return;
	checkValue(m.attachments, 'array', 'attachments');
	(m.attachments as unknown[]).forEach((a, i) => {
		const at = `attachments[${i}]`;
		checkObject(a, ATTACHMENT, at);
		const att = a as Record<string, unknown>;
		if (Array.isArray(att.actions)) att.actions.forEach((x, k) => checkObject(x, ACTION, `${at}.actions[${k}]`));
		if (Array.isArray(att.fields)) att.fields.forEach((x, k) => checkObject(x, FIELD, `${at}.fields[${k}]`));
	});
}

/** The quote attachments of a text: one per link to a message of this server (`...?msg=<id>`), in order. */
function quoteAttachments(ctx: RouteContext, text: string): Array<Record<string, unknown>> {
	const site = siteUrl(ctx.world);
	const out: Array<Record<string, unknown>> = [];
	for (const match of text.matchAll(/https?:\/\/[^\s<>]+/g)) {
		const link = match[0];
		let url: URL;
		try {
			url = new URL(link);
		} catch {
			continue;
		}
		if (!site || `${url.protocol}//${url.host}` !== new URL(site).origin) continue;
		const id = url.searchParams.get('msg');
		const quoted = id ? ctx.world.messages.get(id) : undefined;
		if (!quoted) continue;
		out.push({
			text: quoted.msg,
			message_link: link,
			author_name: quoted.alias || quoted.u.username,
			author_icon: `/avatar/${quoted.u.username}`,
			attachments: (quoted.attachments ?? []).filter((a) => !(a as Record<string, unknown>).message_link),
			ts: quoted.ts,
		});
	}
	return out;
}

/** canSendMessage: room access, then read-only rooms for those without post-readonly. */
function checkCanSend(ctx: RouteContext, room: WRoom, user: WUser): void {
	if (!canAccessRoom(ctx.world, room, user)) throw failure('error-not-allowed');
	if (room.archived) throw failure('room_is_archived');
	if (room.ro && !ctx.world.hasPermission(user._id, 'post-readonly', room._id)) {
		throw failure("You can't send messages because the room is readonly.");
	}
}

/**
 * getRoomByNameOrIdWithOptionToJoin: `#name`, or a room id or name; a public room the caller is not
 * in is joined first.
 */
function targetRoom(ctx: RouteContext, channel: string): WRoom {
	const me = caller(ctx);
	const value = channel.startsWith('#') ? channel.slice(1) : channel;
	const room = channel.startsWith('@') ? undefined : (ctx.world.findRoomById(value) ?? ctx.world.findRoomByName(value));
	// Meteor.Error('invalid-channel') has no reason: its message is the bare type.
	if (!room) throw new RestError(400, { success: false, error: '[invalid-channel]', errorType: 'invalid-channel' });
	if (room.t === 'c' && !room.members.includes(me._id) && canAccessRoom(ctx.world, room, me)) ctx.world.addMember(room._id, me._id);
	return room;
}

/** sendMessage: the message checks, impersonation, the thread, then the message itself. */
function send(ctx: RouteContext, room: WRoom, m: Record<string, unknown>, id?: string): WMessage {
	const me = caller(ctx);
	try {
		validateMessage(m);
	} catch (err) {
		// A failed Meteor `check` is not a Meteor.Error: the API answers its message alone.
		if (err instanceof MatchError) throw failure(err.message);
		throw err;
	}
	checkCanSend(ctx, room, me);
	if ((m.alias || m.avatar) && !can(ctx, 'message-impersonate', room._id)) throw failure('Not enough permission');
	// Message_CustomFields_Enabled is off on a stock server.
	if (m.customFields !== undefined && m.customFields !== null) throw failure('Custom fields not enabled');
	const text = typeof m.msg === 'string' ? m.msg : '';
	// No nested threads: a reply to a reply belongs to the first message's thread.
	const parent = typeof m.tmid === 'string' ? ctx.world.messages.get(m.tmid) : undefined;
	const tmid = parent?.tmid ?? (typeof m.tmid === 'string' ? m.tmid : undefined);
	const attachments = [...((m.attachments as unknown[] | undefined) ?? []), ...quoteAttachments(ctx, text)];
	return ctx.world.postMessage({
		id,
		rid: room._id,
		userId: me._id,
		text,
		tmid,
		alias: typeof m.alias === 'string' && m.alias ? m.alias : undefined,
		emoji: typeof m.emoji === 'string' && m.emoji ? m.emoji : undefined,
		avatar: typeof m.avatar === 'string' && m.avatar ? m.avatar : undefined,
		attachments,
		groupable: false,
	});
}

/** Message_MaxAllowedSize (5000 on a stock server): for the text and for each attachment's text. */
const MAX_ALLOWED_SIZE = 5000;

/** The message `msgId` names, if it is in the room `roomId` names: Rocket.Chat's two failures otherwise. */
function messageInRoom(ctx: RouteContext, p: Record<string, unknown>): WMessage {
	const msg = ctx.world.messages.get(str(p.msgId));
	if (!msg) throw failure(`No message found with the id of "${str(p.msgId)}".`);
	if (p.roomId !== msg.rid) throw failure('The room id provided does not match where the message is from.');
	return msg;
}

// ---------------------------------------------------------------- built-in slash commands

const APPENDERS: Record<string, string> = {
	tableflip: '(╯°□°）╯︵ ┻━┻',
	unflip: '┬─┬ ノ( ゜-゜ノ)',
	shrug: '¯\\_(ツ)_/¯',
	lennyface: '( ͡° ͜ʖ ͡°)',
};

/** The built-in commands that act on rooms: `archive` and `unarchive` (the room given, or this one). */
function archiveCommand(ctx: RouteContext, archive: boolean, params: string, rid: string): void {
	const me = caller(ctx);
	const name = params.trim().replace(/^#/, '');
	const room = name ? ctx.world.findRoomByName(name) : ctx.world.findRoomById(rid);
	if (!room || room.t === 'd') return; // Rocket.Chat answers with an ephemeral notice
	if (!ctx.world.hasPermission(me._id, archive ? 'archive-room' : 'unarchive-room', room._id)) {
		throw badRequest('Not authorized', 'error-not-authorized');
	}
	ctx.world.setArchived(room._id, archive, me._id);
}

export function chatRoutes(): Route[] {
	return [
		route('POST', 'chat.postMessage', (ctx) => {
			const p = obj(ctx.req.body);
			const target = [p.channel, p.roomId].flat().find((x): x is string => typeof x === 'string' && x !== '');
			const tooLong = (v: unknown) => typeof v === 'string' && v.length > MAX_ALLOWED_SIZE;
			if (tooLong(p.text) || (Array.isArray(p.attachments) && p.attachments.some((a) => tooLong(obj(a).text)))) {
				throw failure('error-message-size-exceeded');
			}
			const room = targetRoom(ctx, target ?? '');
			const attachments = Array.isArray(p.attachments)
				? (p.attachments as unknown[]).map((a) => {
						if (!a || typeof a !== 'object') return a;
						const { msg, ...rest } = a as Record<string, unknown>;
						return typeof msg === 'string' ? { ...rest, text: msg.trim() } : rest;
					})
				: undefined;
			const msg = send(ctx, room, {
				msg: str(p.text ?? p.msg).trim(),
				alias: p.alias,
				emoji: p.emoji,
				avatar: p.avatar,
				tmid: p.tmid,
				attachments,
				customFields: p.customFields,
			});
			ctx.sandbox.fireMessageEvent('sent', msg._id, ctx.sandbox.pick(ctx.req.headers['x-sandbox-instance']));
			return shaped<'POST', '/v1/chat.postMessage'>({ ts: Date.now(), channel: target, message: serializeMessage(msg) });
		}),
		route(
			'POST',
			'chat.update',
			(ctx) => {
				const p = obj(ctx.req.body);
				const msg = messageInRoom(ctx, p);
				// Message_CustomFields_Enabled is off on a stock server.
				if (p.customFields !== undefined) throw failure('Custom fields not enabled');
				if (p.text === '') throw badRequest('must NOT have fewer than 1 characters', 'invalid-params');
				const me = caller(ctx);
				// Message_AllowEditing is on: one's own messages, any message with edit-message.
				if (!can(ctx, 'edit-message', msg.rid) && msg.u._id !== me._id) {
					throw badRequest('Message editing not allowed', 'error-action-not-allowed');
				}
				const room = ctx.world.requireRoom(msg.rid);
				checkCanSend(ctx, room, me);
				const text = String(p.text);
				if (text !== msg.msg) {
					const kept = (msg.attachments ?? []).filter((a) => !(a as Record<string, unknown>).message_link);
					ctx.world.updateMessage(msg._id, text, me._id, { attachments: [...kept, ...quoteAttachments(ctx, text)] });
					ctx.sandbox.fireMessageEvent('updated', msg._id, ctx.sandbox.pick(ctx.req.headers['x-sandbox-instance']));
				}
				return { message: serializeMessage(msg) };
			},
			{ validate: isChatUpdateProps as Validator },
		),
		route(
			'POST',
			'chat.delete',
			(ctx) => {
				const p = obj(ctx.req.body);
				const msg = messageInRoom(ctx, p);
				const me = caller(ctx);
				if (p.asUser === true && msg.u._id !== me._id && !can(ctx, 'force-delete-message', msg.rid)) {
					throw failure('Unauthorized. You must have the permission "force-delete-message" to delete other\'s message as them.');
				}
				const actorId = p.asUser === true ? msg.u._id : me._id;
				const allowed =
					ctx.world.hasPermission(actorId, 'force-delete-message', msg.rid) ||
					ctx.world.hasPermission(actorId, 'delete-message', msg.rid) ||
					(actorId === msg.u._id && ctx.world.hasPermission(actorId, 'delete-own-message', msg.rid));
				if (!allowed) throw badRequest('Not allowed', 'error-action-not-allowed');
				const snapshot = ctx.service.toAppMessage(msg);
				ctx.world.deleteMessage(msg._id);
				ctx.sandbox.fireMessageEvent('deleted', msg._id, ctx.sandbox.pick(ctx.req.headers['x-sandbox-instance']), snapshot, me._id);
				return { _id: msg._id, ts: String(Date.now()), message: { _id: msg._id, rid: msg.rid, u: { ...msg.u } } };
			},
			{ validate: isChatDeleteProps as Validator },
		),
		route('POST', 'commands.run', async (ctx) => {
			const p = obj(ctx.req.body);
			if (typeof p.command !== 'string') throw failure('You must provide a command to run.');
			if (p.params !== undefined && p.params !== null && typeof p.params !== 'string')
				throw failure('The parameters for the command must be a single string.');
			if (typeof p.roomId !== 'string')
				throw failure("The room's id where to execute this command must be provided and be a string.");
			if (p.tmid !== undefined && p.tmid !== null && typeof p.tmid !== 'string')
				throw failure('The tmid parameter when provided must be a string.');
			const command = p.command.toLowerCase();
			const inst = ctx.sandbox.pick(ctx.req.headers['x-sandbox-instance']);
			const appCommand = ctx.service.commandsOf(inst.index).get(command);
			const builtIn = command in APPENDERS || command === 'archive' || command === 'unarchive';
			if (!builtIn && (!appCommand || !appCommand.enabled)) throw failure('The command provided does not exist (or is disabled).');
			const me = caller(ctx);
			const room = ctx.world.findRoomById(p.roomId);
			if (!room || !canAccessRoom(ctx.world, room, me)) throw forbiddenUnauthorized();
			const params = typeof p.params === 'string' ? p.params : '';
			const tmid = typeof p.tmid === 'string' ? p.tmid : undefined;
			if (tmid !== undefined) {
				const thread = ctx.world.messages.get(tmid);
				if (!thread || thread.rid !== room._id) throw failure('Invalid thread.');
			}
			if (command in APPENDERS) {
				const msg = send(ctx, room, { msg: `${params} ${APPENDERS[command]}`.trim(), tmid });
				ctx.sandbox.fireMessageEvent('sent', msg._id, inst);
			} else if (command === 'archive' || command === 'unarchive') {
				archiveCommand(ctx, command === 'archive', params, room._id);
			} else if (appCommand) {
				const args = params.split(/\s+/).filter((x) => x.length > 0);
				await inst.engine.executeCommand(appCommand.command, me._id, room._id, args, tmid, p.triggerId as string | undefined);
			}
			return {};
		}),
	];
}
