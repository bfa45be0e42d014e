/**
 * `groups.*` (private rooms) and `channels.*` (public rooms) with Rocket.Chat 7.x's room access
 * rules: a private room exists only for its members, whatever their global roles.
 */
import {
	isGroupsAddLeaderProps,
	isGroupsAddModeratorProps,
	isGroupsCreateProps,
	isGroupsDeleteProps,
	isGroupsInviteProps,
	isGroupsKickProps,
	isGroupsRemoveLeaderProps,
	isGroupsRemoveModeratorProps,
	isGroupsSetTopicProps,
} from '@rocket.chat/rest-typings';

import { badRequest, failure, forbiddenUnauthorized } from '../http';
import type { Route, RouteContext } from '../sandbox';
import type { WRoom, WUser } from '../world/types';
import {
	can,
	canAccessRoom,
	caller,
	matches,
	obj,
	paging,
	parseJsonQuery,
	project,
	roomFromParams,
	serializeMessage,
	serializeRoom,
	shaped,
	sortBy,
	str,
	subscriptionId,
	userFromParams,
	Validator,
	route,
} from './common';

const groupNotFound = () =>
	badRequest('The required "roomId" or "roomName" param provided does not match any group', 'error-room-not-found');
const channelNotFound = () =>
	badRequest('The required "roomId" or "roomName" param provided does not match any channel', 'error-room-not-found');
const notAllowed = () => badRequest('Not allowed', 'error-not-allowed');

/** findPrivateGroupByIdOrName: a private room the caller can access (else "not found"), not archived if `writable`. */
export function privateGroup(ctx: RouteContext, p: Record<string, unknown>, writable = true): WRoom {
	const room = roomFromParams(ctx, p);
	if (!room || room.t !== 'p' || !canAccessRoom(ctx.world, room, caller(ctx))) throw groupNotFound();
	if (writable && room.archived) throw badRequest(`The private group, ${room.name}, is archived`, 'error-room-archived');
	return room;
}

/** findChannelByIdOrName: a public room, not archived if `writable`. */
function channel(ctx: RouteContext, p: Record<string, unknown>, writable = true): WRoom {
	const room = roomFromParams(ctx, p);
	if (!room || room.t !== 'c') throw channelNotFound();
	if (writable && room.archived) throw badRequest(`The channel, ${room.name}, is archived`, 'error-room-archived');
	return room;
}

function membersPage(ctx: RouteContext, room: WRoom): Record<string, unknown> {
	const { offset, count } = paging(ctx.req.query);
	const all = room.members
		.map((id) => ctx.world.findUserById(id))
		.filter((u): u is WUser => !!u)
		.sort((a, b) => (a.username < b.username ? -1 : a.username > b.username ? 1 : 0));
	const members = all
		.slice(offset, offset + count)
		.map((u) => ({ _id: u._id, username: u.username, name: u.name, status: u.status ?? 'offline', utcOffset: 0 }));
	return { members, count: members.length, offset, total: all.length };
}

function messagesPage(ctx: RouteContext, room: WRoom): Record<string, unknown> {
	const { offset, count } = paging(ctx.req.query);
	const { messages, total } = ctx.world.roomHistory(room._id, offset, count);
	return { messages: messages.map(serializeMessage), count: messages.length, offset, total };
}

/** createRoom's members: existing accounts only (unknown usernames are skipped), without the creator. */
function existingMembers(ctx: RouteContext, usernames: unknown): string[] {
	if (!Array.isArray(usernames)) return [];
	return usernames.filter((n): n is string => typeof n === 'string' && !!ctx.world.findUserByUsername(n));
}

function createRoom(ctx: RouteContext, type: 'c' | 'p', p: Record<string, unknown>): WRoom {
	const extra = obj(p.extraData);
	return ctx.world.createRoom({
		name: String(p.name),
		type,
		creatorId: caller(ctx)._id,
		memberUsernames: existingMembers(ctx, p.members),
		readOnly: p.readOnly === true,
		customFields: p.customFields && typeof p.customFields === 'object' ? (p.customFields as Record<string, unknown>) : undefined,
		topic: typeof extra.topic === 'string' ? extra.topic : undefined,
		description: typeof extra.description === 'string' ? extra.description : undefined,
	});
}

/** addRoomModerator / addRoomLeader and their removal, with the system message Rocket.Chat leaves. */
function roomRole(ctx: RouteContext, role: 'moderator' | 'leader', add: boolean): Record<string, unknown> {
	const p = obj(ctx.req.body);
	const room = privateGroup(ctx, p);
	const user = userFromParams(ctx, p);
	if (!can(ctx, role === 'moderator' ? 'set-moderator' : 'set-leader', room._id)) throw notAllowed();
	if (!room.members.includes(user._id)) throw badRequest('User is not in this room', 'error-user-not-in-room');
	if (add) ctx.world.addRoomRole(room._id, user._id, role, caller(ctx)._id);
	else ctx.world.removeRoomRole(room._id, user._id, role, caller(ctx)._id);
	return {};
}

/** getUserListFromParams: `userId`, `userIds`, `username`, `usernames` or `user`; unknown accounts are dropped. */
function userList(ctx: RouteContext, p: Record<string, unknown>): WUser[] {
	const list = (v: unknown): unknown[] => (Array.isArray(v) ? (v as unknown[]) : []);
	const ids = [...(typeof p.userId === 'string' ? [p.userId] : []), ...list(p.userIds)];
	const names = [
		...(typeof p.username === 'string' ? [p.username] : []),
		...(typeof p.user === 'string' ? [p.user] : []),
		...list(p.usernames),
	];
	if (ids.length === 0 && names.length === 0) {
		throw badRequest('Please provide "userId" or "username" or "userIds" or "usernames" as param', 'error-users-params-not-provided');
	}
	const found = [...ids.map((id) => ctx.world.findUserById(String(id))), ...names.map((n) => ctx.world.findUserByUsername(String(n)))];
	return found.filter((u): u is WUser => !!u);
}

export function roomsRoutes(): Route[] {
	return [
		// ---------------------------------------------------------------- private groups
		route(
			'POST',
			'groups.create',
			(ctx) => {
				const p = obj(ctx.req.body);
				if (!p.name) throw failure('Body param "name" is required');
				if (p.members !== undefined && !Array.isArray(p.members))
					throw failure('Body param "members" must be an array if provided');
				if (!can(ctx, 'create-p')) throw forbiddenUnauthorized();
				return shaped<'POST', '/v1/groups.create'>({ group: serializeRoom(createRoom(ctx, 'p', p)) });
			},
			{ validate: isGroupsCreateProps as Validator },
		),
		route('GET', 'groups.info', (ctx) =>
			shaped<'GET', '/v1/groups.info'>({ group: serializeRoom(privateGroup(ctx, ctx.req.query, false)) }),
		),
		route('GET', 'groups.members', (ctx) => membersPage(ctx, privateGroup(ctx, ctx.req.query, false))),
		route('GET', 'groups.roles', (ctx) => {
			const room = privateGroup(ctx, ctx.req.query, false);
			const roles = sortBy(
				Object.entries(room.roomRoles)
					.filter(([, rs]) => rs.some((x) => x === 'owner' || x === 'moderator' || x === 'leader'))
					.map(([uid, rs]) => {
						const u = ctx.world.findUserById(uid);
						return {
							_id: subscriptionId(room._id, uid),
							rid: room._id,
							u: { _id: uid, username: u?.username, name: u?.name },
							roles: [...rs],
						};
					}),
				{ 'u.username': 1 },
			);
			return shaped<'GET', '/v1/groups.roles'>({ roles });
		}),
		route('GET', 'groups.moderators', (ctx) => {
			const room = privateGroup(ctx, ctx.req.query, false);
			return shaped<'GET', '/v1/groups.moderators'>({
				moderators: ctx.world.usersInRole('moderator', room._id).map((u) => ({ _id: u._id, username: u.username, name: u.name })),
			});
		}),
		route(
			'GET',
			'groups.listAll',
			(ctx) => {
				const { offset, count } = paging(ctx.req.query);
				const { sort, fields, query } = parseJsonQuery(ctx);
				let all = [...ctx.world.rooms.values()].filter((room) => room.t === 'p').map(serializeRoom);
				if (query) all = all.filter((g) => matches(g, query));
				all = sortBy(all, sort ?? { name: 1 });
				const groups = all.slice(offset, offset + count).map((g) => project(g, fields));
				return { groups, count: groups.length, offset, total: all.length };
			},
			{ permissions: ['view-room-administration'] },
		),
		route('GET', 'groups.messages', (ctx) => messagesPage(ctx, privateGroup(ctx, ctx.req.query, false))),
		route('GET', 'groups.history', (ctx) => {
			const room = privateGroup(ctx, ctx.req.query, false);
			const { offset, count } = paging(ctx.req.query, 20);
			return { messages: ctx.world.roomHistory(room._id, offset, count).messages.map(serializeMessage) };
		}),
		route(
			'POST',
			'groups.invite',
			(ctx) => {
				const p = obj(ctx.req.body);
				const idOrName = (typeof p.roomId === 'string' && p.roomId) || (typeof p.roomName === 'string' && p.roomName) || '';
				if (!idOrName.trim()) throw badRequest('The parameter "roomId" or "roomName" is required', 'error-room-param-not-provided');
				const room = ctx.world.findRoomById(idOrName) ?? ctx.world.findRoomByName(idOrName);
				if (!room || room.t !== 'p') throw groupNotFound();
				const users = userList(ctx, p);
				if (users.length === 0) throw badRequest('Cannot invite if no valid users are provided', 'error-empty-invite-list');
				addUsersToRoom(ctx, room, users);
				return { group: serializeRoom(room) };
			},
			{ validate: isGroupsInviteProps as Validator },
		),
		route(
			'POST',
			'groups.kick',
			(ctx) => {
				const p = obj(ctx.req.body);
				const room = roomFromParams(ctx, p);
				if (!room || room.t !== 'p') throw groupNotFound();
				removeUserFromRoom(ctx, room, userFromParams(ctx, p));
				return {};
			},
			{ validate: isGroupsKickProps as Validator },
		),
		route(
			'POST',
			'groups.setTopic',
			(ctx) => {
				const p = obj(ctx.req.body);
				const room = privateGroup(ctx, p);
				if (!Object.prototype.hasOwnProperty.call(p, 'topic')) throw failure('The bodyParam "topic" is required');
				if (!can(ctx, 'edit-room', room._id)) throw badRequest('Editing room is not allowed', 'error-action-not-allowed');
				const topic = str(p.topic);
				if (topic !== (room.topic ?? '')) {
					ctx.world.updateRoom(room._id, { topic });
					ctx.world.systemMessage(room._id, 'room_changed_topic', topic, caller(ctx)._id);
				}
				return { topic };
			},
			{ validate: isGroupsSetTopicProps as Validator },
		),
		route('POST', 'groups.addModerator', (ctx) => roomRole(ctx, 'moderator', true), {
			validate: isGroupsAddModeratorProps as Validator,
		}),
		route('POST', 'groups.removeModerator', (ctx) => roomRole(ctx, 'moderator', false), {
			validate: isGroupsRemoveModeratorProps as Validator,
		}),
		route('POST', 'groups.addLeader', (ctx) => roomRole(ctx, 'leader', true), { validate: isGroupsAddLeaderProps as Validator }),
		route('POST', 'groups.removeLeader', (ctx) => roomRole(ctx, 'leader', false), { validate: isGroupsRemoveLeaderProps as Validator }),
		route(
			'POST',
			'groups.delete',
			(ctx) => {
				const room = privateGroup(ctx, obj(ctx.req.body), false);
				if (!can(ctx, 'delete-p', room._id)) throw notAllowed();
				ctx.world.deleteRoom(room._id);
				return {};
			},
			{ validate: isGroupsDeleteProps as Validator },
		),

		// ---------------------------------------------------------------- public channels
		route('POST', 'channels.create', (ctx) => {
			const p = obj(ctx.req.body);
			if (!can(ctx, 'create-c')) throw forbiddenUnauthorized();
			if (!p.name) throw failure('Param "name" is required');
			if (p.members !== undefined && !Array.isArray(p.members)) throw failure('Param "members" must be an array if provided');
			if (p.customFields !== undefined && (typeof p.customFields !== 'object' || p.customFields === null))
				throw failure('Param "customFields" must be an object if provided');
			return { channel: serializeRoom(createRoom(ctx, 'c', p)) };
		}),
		route('GET', 'channels.info', (ctx) => {
			const room = channel(ctx, ctx.req.query, false);
			if (!canAccessRoom(ctx.world, room, caller(ctx))) throw forbiddenUnauthorized();
			return { channel: serializeRoom(room) };
		}),
		route(
			'GET',
			'channels.messages',
			(ctx) => {
				const room = channel(ctx, ctx.req.query, false);
				if (!canAccessRoom(ctx.world, room, caller(ctx))) throw forbiddenUnauthorized();
				return messagesPage(ctx, room);
			},
			{ permissions: ['view-c-room'] },
		),
		route('POST', 'channels.join', (ctx) => {
			const room = channel(ctx, obj(ctx.req.body));
			const me = caller(ctx);
			if (!canAccessRoom(ctx.world, room, me)) throw badRequest('Not authorized', 'error-not-authorized');
			ctx.world.addMember(room._id, me._id);
			return { channel: serializeRoom(room) };
		}),
	];
}

/** addUsersToRoom: a member holding add-user-to-joined-room, or a holder of add-user-to-any-<type>-room. */
export function addUsersToRoom(ctx: RouteContext, room: WRoom, users: WUser[]): void {
	const me = caller(ctx);
	const joined = room.members.includes(me._id) && can(ctx, 'add-user-to-joined-room', room._id);
	const any = can(ctx, room.t === 'c' ? 'add-user-to-any-c-room' : 'add-user-to-any-p-room');
	if (!joined && !any) throw notAllowed();
	if (room.archived) throw badRequest('Room is archived', 'error-room-archived');
	for (const u of users) ctx.world.addMember(room._id, u._id, { by: me._id });
}

/** removeUserFromRoom (kick): remove-user, room access and membership unless kick-user-from-any-<type>-room. */
export function removeUserFromRoom(ctx: RouteContext, room: WRoom, user: WUser): void {
	const me = caller(ctx);
	if (!can(ctx, 'remove-user', room._id)) throw notAllowed();
	const kickAny = can(ctx, room.t === 'c' ? 'kick-user-from-any-c-room' : 'kick-user-from-any-p-room');
	if (!kickAny && !canAccessRoom(ctx.world, room, me)) throw room.t === 'c' ? channelNotFound() : groupNotFound();
	if (!kickAny && !room.members.includes(user._id)) throw badRequest('User is not in this room', 'error-user-not-in-room');
	const owners = ctx.world.usersInRole('owner', room._id);
	if (owners.length === 1 && owners[0]._id === user._id) {
		throw badRequest('You are the last owner. Please set new owner before leaving the room.', 'error-you-are-last-owner');
	}
	ctx.world.removeMember(room._id, user._id, { by: me._id });
}
