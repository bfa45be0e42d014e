/**
 * The subset of Rocket.Chat's REST API (`/api/v1`) the app and the tests use, with Rocket.Chat's
 * request and response shapes. Request bodies are checked with the server's own validators from
 * `@rocket.chat/rest-typings` where it has them, so drift from the real API fails here.
 */
import {
	isChatDeleteProps,
	isChatPostMessageProps,
	isChatUpdateProps,
	isGroupsAddLeaderProps,
	isGroupsAddModeratorProps,
	isGroupsCreateProps,
	isGroupsDeleteProps,
	isGroupsInviteProps,
	isGroupsKickProps,
	isGroupsRemoveLeaderProps,
	isGroupsRemoveModeratorProps,
	isGroupsSetTopicProps,
	isLoginProps,
	isRoleAddUserToRoleProps,
	isRoleRemoveUserFromRoleProps,
	isUserCreateParamsPOST,
	isUserDeactivateIdleParamsPOST,
	isUserSetActiveStatusParamsPOST,
	isUsersResetAvatarProps,
	isUsersSetAvatarProps,
	isUsersUpdateParamsPOST,
} from '@rocket.chat/rest-typings';
import type { OperationResult, PathPattern } from '@rocket.chat/rest-typings';

import { badRequest, forbidden, RestError } from '../http';
import type { Route, RouteContext } from '../sandbox';
import { NAME_PATTERN, WorldError } from '../world/world';
import { TwoFactorError } from '../world/twoFactor';
import type { WMessage, WRoom, WUser } from '../world/types';

/** The top-level keys of the real server's answer for an endpoint, from the official typings. */
type TopLevel<T> = { [K in keyof T]-?: unknown };
/** `never` for an endpoint whose typings do not resolve (`any`), so such a check cannot pass silently. */
type Checked<R> = 0 extends 1 & R ? never : TopLevel<Omit<R, 'success'>>;

/**
 * Marks an answer as the given endpoint's: it must carry every top-level key the official
 * `@rocket.chat/rest-typings` declare for it, so drift from the real API fails to compile.
 */
function shaped<M extends 'GET' | 'POST', P extends PathPattern>(value: Checked<OperationResult<M, P>>): Record<string, unknown> {
	return value;
}

type Validator = ((v: unknown) => boolean) & { errors?: Array<{ instancePath?: string; message?: string }> | null };

/**
 * What Rocket.Chat answers when MongoDB's unique index on `username` or `emails.address` refuses an
 * insert that passed the availability check (two creations at once): a 400 carrying the driver's
 * message, without an error type.
 */
function duplicateKey(field: 'username' | 'email', value: string): RestError {
	const index = field === 'username' ? 'username_1' : 'emails.address_1';
	const key = field === 'username' ? 'username' : 'emails.address';
	return new RestError(400, {
		success: false,
		error: `E11000 duplicate key error collection: rocketchat.users index: ${index} dup key: { ${key}: ${JSON.stringify(value)} }`,
	});
}

/** Rejects a body the real server's validator rejects, with the server's error shape. */
function validate(body: unknown, validator: Validator): Record<string, unknown> {
	if (!validator(body)) {
		const first = validator.errors?.[0];
		const where = first?.instancePath ? `${first.instancePath.replace(/^\//, '')} ` : '';
		throw badRequest(`${where}${first?.message ?? 'invalid params'}`.trim(), 'invalid-params');
	}
	return body as Record<string, unknown>;
}

function obj(body: unknown): Record<string, unknown> {
	return body && typeof body === 'object' && !Array.isArray(body) ? (body as Record<string, unknown>) : {};
}

function need(ctx: RouteContext, permission: string, roomId?: string): void {
	if (!ctx.world.hasPermission(caller(ctx)._id, permission, roomId)) throw forbidden();
}

function caller(ctx: RouteContext): WUser {
	if (!ctx.req.user) throw new RestError(401, { status: 'error', message: 'You must be logged in to do this.' });
	return ctx.req.user;
}

function paging(q: Record<string, string>): { offset: number; count: number } {
	const offset = Math.max(0, Number.parseInt(q.offset ?? '0', 10) || 0);
	const rawCount = Number.parseInt(q.count ?? '50', 10);
	const count = Number.isNaN(rawCount) ? 50 : Math.max(0, rawCount);
	return { offset, count: count === 0 ? Number.MAX_SAFE_INTEGER : count };
}

export function serializeUser(u: WUser, full = false): Record<string, unknown> {
	const out: Record<string, unknown> = {
		_id: u._id,
		username: u.username,
		name: u.name,
		type: u.type,
		status: 'offline',
		active: u.active,
		roles: [...u.roles],
		createdAt: u.createdAt,
		_updatedAt: u._updatedAt,
	};
	if (full || u.emails.length > 0) out.emails = u.emails.map((e) => ({ ...e }));
	if (u.lastLogin) out.lastLogin = u.lastLogin;
	if (u.avatarETag) out.avatarETag = u.avatarETag;
	if (u.nickname) out.nickname = u.nickname;
	if (u.bio) out.bio = u.bio;
	if (u.customFields) out.customFields = { ...u.customFields };
	if (u.requirePasswordChange) out.requirePasswordChange = true;
	if (full && u.avatarUrl) out.avatarUrl = u.avatarUrl;
	return out;
}

export function serializeRoom(r: WRoom): Record<string, unknown> {
	const out: Record<string, unknown> = {
		_id: r._id,
		name: r.name,
		fname: r.fname,
		t: r.t,
		u: { ...r.u },
		ts: r.ts,
		_updatedAt: r._updatedAt,
		ro: r.ro,
		default: r.default,
		sysMes: true,
		msgs: r.msgs,
		usersCount: r.members.length,
	};
	if (r.topic !== undefined) out.topic = r.topic;
	if (r.description !== undefined) out.description = r.description;
	if (r.customFields) out.customFields = { ...r.customFields };
	if (r.lastMessageAt) out.lm = r.lastMessageAt;
	return out;
}

export function serializeMessage(m: WMessage): Record<string, unknown> {
	const out: Record<string, unknown> = {
		_id: m._id,
		rid: m.rid,
		msg: m.msg,
		u: { ...m.u },
		ts: m.ts,
		_updatedAt: m._updatedAt,
		urls: [],
		mentions: [],
		channels: [],
	};
	for (const k of [
		'tmid',
		't',
		'alias',
		'avatar',
		'emoji',
		'attachments',
		'blocks',
		'customFields',
		'groupable',
		'editedAt',
		'editedBy',
	] as const) {
		if (m[k] !== undefined) out[k] = m[k];
	}
	return out;
}

function userFromParams(ctx: RouteContext, p: Record<string, unknown>): WUser {
	const u =
		typeof p.userId === 'string'
			? ctx.world.findUserById(p.userId)
			: typeof p.username === 'string'
				? ctx.world.findUserByUsername(p.username)
				: typeof p.user === 'string'
					? ctx.world.findUserByUsername(p.user)
					: undefined;
	if (!u) throw badRequest('The required "userId" or "username" param provided does not match any users', 'error-invalid-user');
	return u;
}

/** The room named by `roomId` or `roomName`, if any. */
function roomFromParams(ctx: RouteContext, p: Record<string, unknown>): WRoom | undefined {
	if (typeof p.roomId === 'string') return ctx.world.findRoomById(p.roomId);
	return typeof p.roomName === 'string' ? ctx.world.findRoomByName(p.roomName) : undefined;
}

/** A private group the caller may see: a member, or an admin of rooms. */
function groupFromParams(ctx: RouteContext, p: Record<string, unknown>): WRoom {
	const room = roomFromParams(ctx, p);
	if (!p.roomId && !p.roomName) throw badRequest('The parameter "roomId" or "roomName" is required', 'error-room-param-not-provided');
	const me = caller(ctx);
	if (!room || room.t !== 'p' || (!room.members.includes(me._id) && !ctx.world.hasPermission(me._id, 'view-room-administration'))) {
		throw badRequest('The required "roomId" or "roomName" param provided does not match any group', 'error-room-not-found');
	}
	return room;
}

function channelFromParams(ctx: RouteContext, p: Record<string, unknown>): WRoom {
	const room = roomFromParams(ctx, p);
	if (!room || room.t !== 'c')
		throw badRequest('The required "roomId" or "roomName" param provided does not match any channel', 'error-room-not-found');
	return room;
}

function roomMembersPage(ctx: RouteContext, room: WRoom): Record<string, unknown> {
	const { offset, count } = paging(ctx.req.query);
	const all = room.members
		.map((id) => ctx.world.findUserById(id))
		.filter((u): u is WUser => !!u)
		.sort((a, b) => a.username.localeCompare(b.username));
	const members = all
		.slice(offset, offset + count)
		.map((u) => ({ _id: u._id, username: u.username, name: u.name, status: 'offline', _updatedAt: u._updatedAt }));
	return { members, count: members.length, offset, total: all.length };
}

function historyPage(ctx: RouteContext, room: WRoom): Record<string, unknown> {
	const { offset, count } = paging(ctx.req.query);
	const { messages, total } = ctx.world.roomHistory(room._id, offset, count);
	return { messages: messages.map(serializeMessage), count: messages.length, offset, total };
}

function setRoomRole(ctx: RouteContext, validator: Validator, role: 'moderator' | 'leader', add: boolean): Record<string, unknown> {
	const p = validate(obj(ctx.req.body), validator);
	const room = groupFromParams(ctx, p);
	need(ctx, role === 'moderator' ? 'set-moderator' : 'set-leader', room._id);
	const user = userFromParams(ctx, p);
	if (add) ctx.world.addRoomRole(room._id, user._id, role);
	else ctx.world.removeRoomRole(room._id, user._id, role);
	return {};
}

/** Simple Mongo-style equality filters for `query` parameters (`{"username": "x", "active": true}`). */
function queryFilter(raw: string | undefined): (doc: Record<string, unknown>) => boolean {
	if (!raw) return () => true;
	let q: unknown;
	try {
		q = JSON.parse(raw);
	} catch {
		throw badRequest('Invalid query parameter provided', 'error-invalid-query');
	}
	if (!q || typeof q !== 'object') return () => true;
	const entries = Object.entries(q as Record<string, unknown>);
	return (doc) =>
		entries.every(([key, want]) => {
			const got = key.split('.').reduce<unknown>((acc, k) => {
				if (Array.isArray(acc)) return acc.map((x) => (x as Record<string, unknown>)?.[k]);
				return (acc as Record<string, unknown> | undefined)?.[k];
			}, doc);
			return Array.isArray(got) ? got.includes(want) : got === want;
		});
}

export function v1Routes(): Route[] {
	const r = (method: string, path: string, handler: Route['handler'], auth = true): Route => ({
		method,
		path: `/api/v1/${path}`,
		auth,
		handler,
	});
	return [
		r(
			'POST',
			'login',
			(ctx) => {
				const b = obj(ctx.req.body);
				const user = typeof b.user === 'string' ? b.user : typeof b.username === 'string' ? b.username : undefined;
				const valid = (isLoginProps as Validator)(b) || (user !== undefined && typeof b.password === 'string');
				if (!valid) throw new RestError(400, { status: 'error', error: 'invalid-params', message: 'Invalid params' });
				let u: WUser;
				try {
					u = ctx.world.checkPassword(String(user ?? ''), String(b.password));
				} catch {
					return { status: 401, body: { success: false, status: 'error', error: 'Unauthorized', message: 'Unauthorized' } };
				}
				// The second factor, from the body's `code` or the `x-2fa-code` header. Before Rocket.Chat 8.0 the refusal
				// says why (`totp-required` with the method, `totp-invalid`); from 8.0 it is a bare 401 like a wrong password.
				const code = typeof b.code === 'string' && b.code ? b.code : ctx.req.headers['x-2fa-code'];
				try {
					ctx.world.twoFactor.check(
						u._id,
						code,
						ctx.world.serverSettings.get('Accounts_TwoFactorAuthentication_Enabled') !== false,
					);
				} catch (err) {
					if (!(err instanceof TwoFactorError)) throw err;
					const detailed = { status: 'error', error: err.error, details: err.details, message: err.reason };
					return {
						status: 401,
						body: { success: false, ...(ctx.sandbox.answersAsBefore8 ? detailed : { error: 'unauthorized' }) },
					};
				}
				const authToken = ctx.world.createLoginToken(u._id);
				return { status: 200, body: { status: 'success', data: { userId: u._id, authToken, me: serializeUser(u, true) } } };
			},
			false,
		),
		r('GET', 'me', (ctx) => {
			// Rocket.Chat's `me` adds `services` with the second factors that are on (and whether a password exists).
			const me = caller(ctx);
			const methods = ctx.world.twoFactor.methodsOf(me._id);
			const services: Record<string, unknown> = { password: { exists: true } };
			if (methods.totp) services.totp = { enabled: true };
			if (methods.email) services.email2fa = { enabled: true };
			return { ...serializeUser(me, true), services };
		}),
		r('GET', 'permissions.listAll', (ctx) => {
			caller(ctx);
			const update = [...ctx.world.permissions.entries()].map(([id, roles]) => ({ _id: id, roles: [...roles] }));
			return { update, remove: [] };
		}),

		// ---------------------------------------------------------------- users
		r('GET', 'users.info', (ctx) => {
			const q = ctx.req.query;
			const u = q.userId ? ctx.world.findUserById(q.userId) : q.username ? ctx.world.findUserByUsername(q.username) : undefined;
			if (!q.userId && !q.username)
				throw badRequest('The required "userId" or "username" param was not provided', 'error-user-param-not-provided');
			if (!u) throw badRequest('User not found.', 'error-invalid-user');
			const full = u._id === caller(ctx)._id || ctx.world.hasPermission(caller(ctx)._id, 'view-full-other-user-info');
			return shaped<'GET', '/v1/users.info'>({ user: serializeUser(u, full) });
		}),
		r('GET', 'users.list', (ctx) => {
			need(ctx, 'view-user-administration');
			const { offset, count } = paging(ctx.req.query);
			const filter = queryFilter(ctx.req.query.query);
			const all = [...ctx.world.users.values()].map((u) => serializeUser(u, true)).filter(filter);
			const users = all.slice(offset, offset + count);
			return shaped<'GET', '/v1/users.list'>({ users, count: users.length, offset, total: all.length });
		}),
		r('POST', 'users.create', async (ctx) => {
			need(ctx, 'create-user');
			const p = validate(obj(ctx.req.body), isUserCreateParamsPOST as Validator);
			if (ctx.world.isBlockedUsername(String(p.username)))
				throw badRequest(`${String(p.username)} is blocked and can't be used!`, 'error-blocked-username');
			const adversary = ctx.sandbox.adversary;
			if (adversary) {
				// Rocket.Chat checks that the username and the address are free, then inserts: another insert
				// can land in between, and the users collection's unique indexes refuse the second one.
				ctx.world.checkNewUser(String(p.username), String(p.email));
				await adversary.pause();
				const taken = ctx.world.takenField(String(p.username), String(p.email));
				if (taken) throw duplicateKey(taken.field, taken.value);
			}
			const user = ctx.world.createUser({
				username: String(p.username),
				name: String(p.name),
				email: String(p.email),
				password: String(p.password),
				roles: Array.isArray(p.roles) ? (p.roles as string[]) : undefined,
				active: p.active as boolean | undefined,
				verified: p.verified as boolean | undefined,
				requirePasswordChange: p.requirePasswordChange as boolean | undefined,
				customFields: p.customFields as Record<string, unknown> | undefined,
				nickname: p.nickname as string | undefined,
			});
			return shaped<'POST', '/v1/users.create'>({ user: serializeUser(user, true) });
		}),
		r('POST', 'users.update', (ctx) => {
			const p = validate(obj(ctx.req.body), isUsersUpdateParamsPOST as Validator);
			const target = ctx.world.findUserById(String(p.userId));
			if (!target) throw badRequest('User not found', 'error-invalid-user');
			const data = obj(p.data);
			const me = caller(ctx);
			if (target._id !== me._id) need(ctx, 'edit-other-user-info');
			if (data.password !== undefined && target._id !== me._id) need(ctx, 'edit-other-user-password');
			if (data.active !== undefined) need(ctx, 'edit-other-user-active-status');
			const user = ctx.world.updateUser(target._id, {
				username: data.username as string | undefined,
				name: data.name as string | undefined,
				email: data.email as string | undefined,
				password: data.password as string | undefined,
				active: data.active as boolean | undefined,
				roles: data.roles as string[] | undefined,
				verified: data.verified as boolean | undefined,
				nickname: data.nickname as string | undefined,
				bio: data.bio as string | undefined,
				customFields: data.customFields as Record<string, unknown> | undefined,
				requirePasswordChange: data.requirePasswordChange as boolean | undefined,
			});
			return { user: serializeUser(user, true) };
		}),
		r('POST', 'users.setAvatar', (ctx) => {
			const p = validate(obj(ctx.req.body), isUsersSetAvatarProps as Validator);
			const target = p.userId || p.username ? userFromParams(ctx, p) : caller(ctx);
			if (target._id !== caller(ctx)._id) need(ctx, 'edit-other-user-avatar');
			if (typeof p.avatarUrl !== 'string' || !/^https?:\/\//.test(p.avatarUrl))
				throw badRequest('Invalid avatar URL', 'error-avatar-invalid-url');
			ctx.world.setAvatar(target._id, p.avatarUrl);
			return {};
		}),
		r('POST', 'users.resetAvatar', (ctx) => {
			const p = validate(obj(ctx.req.body), isUsersResetAvatarProps as Validator);
			const target = p.userId || p.username ? userFromParams(ctx, p) : caller(ctx);
			if (target._id !== caller(ctx)._id) need(ctx, 'edit-other-user-avatar');
			ctx.world.resetAvatar(target._id);
			return {};
		}),
		r('POST', 'users.setActiveStatus', (ctx) => {
			const p = validate(obj(ctx.req.body), isUserSetActiveStatusParamsPOST as Validator);
			need(ctx, 'edit-other-user-active-status');
			const target = ctx.world.findUserById(String(p.userId));
			if (!target) throw badRequest('User not found', 'error-invalid-user');
			const user = ctx.world.setActive(target._id, Boolean(p.activeStatus));
			return { user: { _id: user._id, active: user.active } };
		}),
		r('POST', 'users.createToken', (ctx) => {
			const p = obj(ctx.req.body);
			const secret = ctx.world.env.get('CREATE_TOKENS_FOR_USERS_SECRET');
			if (!secret || typeof p.secret !== 'string' || p.secret !== secret) throw badRequest('Not authorized', 'error-not-authorized');
			need(ctx, 'user-generate-access-token');
			const target = userFromParams(ctx, p);
			if (!target.active) throw badRequest('User is not activated', 'error-user-is-not-activated');
			return { data: { userId: target._id, authToken: ctx.world.createLoginToken(target._id) } };
		}),
		r('POST', 'users.2fa.enableEmail', (ctx) => {
			// The caller turns on two-factor authentication by e-mail for their own account.
			const me = caller(ctx);
			ctx.world.twoFactor.enableEmail(me._id);
			me._updatedAt = new Date();
			return {};
		}),
		r('POST', 'users.deactivateIdle', (ctx) => {
			const p = validate(obj(ctx.req.body), isUserDeactivateIdleParamsPOST as Validator);
			need(ctx, 'edit-other-user-active-status');
			return { count: ctx.world.deactivateIdle(Number(p.daysIdle), typeof p.role === 'string' ? p.role : undefined) };
		}),

		// ---------------------------------------------------------------- private groups
		r('POST', 'groups.create', (ctx) => {
			need(ctx, 'create-p');
			const p = validate(obj(ctx.req.body), isGroupsCreateProps as Validator);
			const name = String(p.name);
			if (!NAME_PATTERN.test(name)) throw badRequest(`${name} is not a valid room name`, 'error-invalid-room-name');
			const room = ctx.world.createRoom({
				name,
				type: 'p',
				creatorId: caller(ctx)._id,
				memberUsernames: (p.members as string[] | undefined) ?? [],
				readOnly: p.readOnly as boolean | undefined,
				customFields: p.customFields as Record<string, unknown> | undefined,
				topic:
					typeof (p.extraData as Record<string, unknown> | undefined)?.topic === 'string'
						? String((p.extraData as Record<string, unknown>).topic)
						: undefined,
			});
			return shaped<'POST', '/v1/groups.create'>({ group: serializeRoom(room) });
		}),
		r('GET', 'groups.info', (ctx) => shaped<'GET', '/v1/groups.info'>({ group: serializeRoom(groupFromParams(ctx, ctx.req.query)) })),
		r('GET', 'groups.members', (ctx) => roomMembersPage(ctx, groupFromParams(ctx, ctx.req.query))),
		r('GET', 'groups.roles', (ctx) => {
			const room = groupFromParams(ctx, ctx.req.query);
			const roles = Object.entries(room.roomRoles)
				.filter(([, rs]) => rs.length > 0)
				.map(([uid, rs]) => {
					const u = ctx.world.findUserById(uid);
					return { rid: room._id, u: { _id: uid, username: u?.username, name: u?.name }, roles: [...rs] };
				});
			return shaped<'GET', '/v1/groups.roles'>({ roles });
		}),
		r('GET', 'groups.moderators', (ctx) => {
			const room = groupFromParams(ctx, ctx.req.query);
			return shaped<'GET', '/v1/groups.moderators'>({
				moderators: ctx.world.usersInRole('moderator', room._id).map((u) => ({ _id: u._id, username: u.username, name: u.name })),
			});
		}),
		r('GET', 'groups.listAll', (ctx) => {
			need(ctx, 'view-room-administration');
			const { offset, count } = paging(ctx.req.query);
			const filter = queryFilter(ctx.req.query.query);
			const all = [...ctx.world.rooms.values()]
				.filter((room) => room.t === 'p')
				.map(serializeRoom)
				.filter(filter);
			const groups = all.slice(offset, offset + count);
			return { groups, count: groups.length, offset, total: all.length };
		}),
		r('GET', 'groups.messages', (ctx) => historyPage(ctx, groupFromParams(ctx, ctx.req.query))),
		r('GET', 'groups.history', (ctx) => historyPage(ctx, groupFromParams(ctx, ctx.req.query))),
		r('POST', 'groups.invite', (ctx) => {
			const p = validate(obj(ctx.req.body), isGroupsInviteProps as Validator);
			const room = groupFromParams(ctx, p);
			const me = caller(ctx);
			const allowed =
				ctx.world.hasPermission(me._id, 'add-user-to-any-p-room') ||
				(room.members.includes(me._id) && ctx.world.hasPermission(me._id, 'add-user-to-joined-room', room._id));
			if (!allowed) throw forbidden();
			const users = Array.isArray(p.userIds)
				? (p.userIds as string[]).map((id) => userFromParams(ctx, { userId: id }))
				: [userFromParams(ctx, p)];
			for (const u of users) ctx.world.addMember(room._id, u._id);
			return { group: serializeRoom(room) };
		}),
		r('POST', 'groups.kick', (ctx) => {
			const p = validate(obj(ctx.req.body), isGroupsKickProps as Validator);
			const room = groupFromParams(ctx, p);
			need(ctx, 'remove-user', room._id);
			const user = userFromParams(ctx, p);
			if (!room.members.includes(user._id)) throw badRequest('User is not in this room', 'error-user-not-in-room');
			const owners = ctx.world.usersInRole('owner', room._id);
			if (owners.length === 1 && owners[0]._id === user._id) {
				throw badRequest('You are the last owner. Please set new owner before leaving the room.', 'error-you-are-last-owner');
			}
			ctx.world.removeMember(room._id, user._id);
			return {};
		}),
		r('POST', 'groups.setTopic', (ctx) => {
			const p = validate(obj(ctx.req.body), isGroupsSetTopicProps as Validator);
			const room = groupFromParams(ctx, p);
			need(ctx, 'edit-room', room._id);
			ctx.world.updateRoom(room._id, { topic: String(p.topic) });
			return { topic: String(p.topic) };
		}),
		r('POST', 'groups.addModerator', (ctx) => setRoomRole(ctx, isGroupsAddModeratorProps as Validator, 'moderator', true)),
		r('POST', 'groups.removeModerator', (ctx) => setRoomRole(ctx, isGroupsRemoveModeratorProps as Validator, 'moderator', false)),
		r('POST', 'groups.addLeader', (ctx) => setRoomRole(ctx, isGroupsAddLeaderProps as Validator, 'leader', true)),
		r('POST', 'groups.removeLeader', (ctx) => setRoomRole(ctx, isGroupsRemoveLeaderProps as Validator, 'leader', false)),
		r('POST', 'groups.delete', (ctx) => {
			const p = validate(obj(ctx.req.body), isGroupsDeleteProps as Validator);
			const room = groupFromParams(ctx, p);
			need(ctx, 'delete-p', room._id);
			ctx.world.deleteRoom(room._id);
			return {};
		}),

		// ---------------------------------------------------------------- public channels
		r('POST', 'channels.create', (ctx) => {
			need(ctx, 'create-c');
			const p = obj(ctx.req.body);
			if (typeof p.name !== 'string') throw badRequest('Body param "name" is required', 'error-param-required');
			const room = ctx.world.createRoom({
				name: p.name,
				type: 'c',
				creatorId: caller(ctx)._id,
				memberUsernames: Array.isArray(p.members) ? (p.members as string[]) : [],
				readOnly: p.readOnly as boolean | undefined,
			});
			return { channel: serializeRoom(room) };
		}),
		r('GET', 'channels.info', (ctx) => ({ channel: serializeRoom(channelFromParams(ctx, ctx.req.query)) })),
		r('GET', 'channels.messages', (ctx) => historyPage(ctx, channelFromParams(ctx, ctx.req.query))),
		r('POST', 'channels.join', (ctx) => {
			const room = channelFromParams(ctx, obj(ctx.req.body));
			ctx.world.addMember(room._id, caller(ctx)._id);
			return { channel: serializeRoom(room) };
		}),

		// ---------------------------------------------------------------- messages and commands
		r('POST', 'chat.postMessage', (ctx) => {
			const p = validate(obj(ctx.req.body), isChatPostMessageProps as Validator);
			const me = caller(ctx);
			let room: WRoom | undefined;
			if (typeof p.roomId === 'string') room = ctx.world.findRoomById(p.roomId);
			else if (typeof p.channel === 'string') {
				const name = p.channel.replace(/^[#@]/, '');
				room = ctx.world.findRoomByName(name);
			}
			if (!room) throw badRequest('The "roomId" or "channel" parameter does not match any room', 'error-invalid-channel');
			if (!room.members.includes(me._id)) {
				if (room.t === 'c') ctx.world.addMember(room._id, me._id);
				else throw badRequest('You must join to view messages in this channel', 'error-not-allowed');
			}
			if (room.ro && !ctx.world.hasPermission(me._id, 'post-readonly', room._id))
				throw badRequest('You can not post in a read only room', 'error-not-allowed');
			const msg = ctx.world.postMessage({
				rid: room._id,
				userId: me._id,
				text: typeof p.text === 'string' ? p.text : typeof p.msg === 'string' ? p.msg : '',
				tmid: p.tmid as string | undefined,
				alias: p.alias as string | undefined,
				emoji: p.emoji as string | undefined,
				avatar: p.avatar as string | undefined,
				attachments: p.attachments as unknown[] | undefined,
				customFields: p.customFields as Record<string, unknown> | undefined,
			});
			ctx.sandbox.fireMessageEvent('sent', msg._id, ctx.sandbox.pick(ctx.req.headers['x-sandbox-instance']));
			return shaped<'POST', '/v1/chat.postMessage'>({ ts: msg.ts.getTime(), channel: room.name, message: serializeMessage(msg) });
		}),
		r('POST', 'chat.update', (ctx) => {
			const p = validate(obj(ctx.req.body), isChatUpdateProps as Validator);
			const msg = ctx.world.messages.get(String(p.msgId));
			if (!msg || msg.rid !== p.roomId)
				throw badRequest('No message found with the id of "' + String(p.msgId) + '".', 'error-invalid-message');
			if (msg.u._id !== caller(ctx)._id) need(ctx, 'edit-room', msg.rid);
			const updated = ctx.world.updateMessage(msg._id, String(p.text), caller(ctx)._id);
			ctx.sandbox.fireMessageEvent('updated', msg._id, ctx.sandbox.pick(ctx.req.headers['x-sandbox-instance']));
			return { message: serializeMessage(updated) };
		}),
		r('POST', 'chat.delete', (ctx) => {
			const p = validate(obj(ctx.req.body), isChatDeleteProps as Validator);
			const msg = ctx.world.messages.get(String(p.msgId));
			if (!msg || msg.rid !== p.roomId)
				throw badRequest(`No message found with the id of "${String(p.msgId)}".`, 'error-invalid-message');
			if (msg.u._id !== caller(ctx)._id) need(ctx, 'edit-room', msg.rid);
			const snapshot = ctx.service.toAppMessage(msg);
			ctx.world.deleteMessage(msg._id);
			ctx.sandbox.fireMessageEvent(
				'deleted',
				msg._id,
				ctx.sandbox.pick(ctx.req.headers['x-sandbox-instance']),
				snapshot,
				caller(ctx)._id,
			);
			return { _id: msg._id, ts: Date.now(), message: { _id: msg._id, rid: msg.rid, u: msg.u } };
		}),
		r('POST', 'commands.run', async (ctx) => {
			const p = obj(ctx.req.body);
			if (typeof p.command !== 'string' || typeof p.roomId !== 'string')
				throw badRequest('The parameters "command" and "roomId" are required', 'error-invalid-params');
			const inst = ctx.sandbox.pick(ctx.req.headers['x-sandbox-instance']);
			const cmd = ctx.service.commandsOf(inst.index).get(p.command.toLowerCase());
			if (!cmd || !cmd.enabled) throw badRequest('The command provided does not exist (or is disabled).', 'error-invalid-command');
			const room = ctx.world.findRoomById(p.roomId);
			const me = caller(ctx);
			if (!room || (!room.members.includes(me._id) && room.t !== 'c')) throw badRequest('Invalid room', 'error-invalid-room');
			const params = typeof p.params === 'string' ? p.params.split(/\s+/).filter((x) => x.length > 0) : [];
			await inst.engine.executeCommand(
				cmd.command,
				me._id,
				room._id,
				params,
				p.tmid as string | undefined,
				p.triggerId as string | undefined,
			);
			return {};
		}),

		// ---------------------------------------------------------------- roles
		r('GET', 'roles.list', (ctx) => ({
			roles: [...ctx.world.roles.values()].map((role) => ({
				_id: role._id,
				name: role.name,
				scope: role.scope,
				description: role.description,
				protected: role.protected,
				mandatory2fa: role.mandatory2fa,
			})),
		})),
		r('POST', 'roles.addUserToRole', (ctx) => {
			const p = validate(obj(ctx.req.body), isRoleAddUserToRoleProps as Validator);
			need(ctx, 'access-permissions');
			const role = ctx.world.findRole(typeof p.roleId === 'string' ? p.roleId : '');
			if (!role) throw badRequest('Role not found', 'error-role-not-found');
			const user = userFromParams(ctx, p);
			if (role.scope === 'Users' && user.roles.includes(role.name))
				throw badRequest(`User already has the role`, 'error-user-already-in-role');
			ctx.world.addUserToRole(role.name, user._id, p.roomId as string | undefined);
			return {
				role: { _id: role._id, name: role.name, scope: role.scope, description: role.description, protected: role.protected },
			};
		}),
		r('POST', 'roles.removeUserFromRole', (ctx) => {
			const p = validate(obj(ctx.req.body), isRoleRemoveUserFromRoleProps as Validator);
			need(ctx, 'access-permissions');
			const role = ctx.world.findRole(typeof p.roleId === 'string' ? p.roleId : '');
			if (!role) throw badRequest('Role not found', 'error-role-not-found');
			const user = userFromParams(ctx, p);
			ctx.world.removeUserFromRole(role.name, user._id, p.scope as string | undefined);
			return {
				role: { _id: role._id, name: role.name, scope: role.scope, description: role.description, protected: role.protected },
			};
		}),
		r('GET', 'roles.getUsersInRole', (ctx) => {
			need(ctx, 'access-permissions');
			const q = ctx.req.query;
			const role = ctx.world.findRole(q.role ?? '');
			if (!role) throw badRequest('Role not found', 'error-invalid-roleId');
			const { offset, count } = paging(q);
			const all = ctx.world.usersInRole(role.name, q.roomId);
			return shaped<'GET', '/v1/roles.getUsersInRole'>({
				users: all.slice(offset, offset + count).map((u) => serializeUser(u, true)),
				total: all.length,
			});
		}),
	].map((route) => ({ ...route, handler: wrapWorldErrors(route.handler) }));
}

function wrapWorldErrors(handler: Route['handler']): Route['handler'] {
	return async (ctx) => {
		try {
			return await handler(ctx);
		} catch (err) {
			if (err instanceof WorldError) throw badRequest(err.reason, err.errorType);
			throw err;
		}
	};
}
