/**
 * `users.*`: accounts, avatars, activity and tokens, with Rocket.Chat 7.x's checks (saveUser,
 * setUserAvatar, setUserActiveStatus) and error strings.
 */
import {
	isUserCreateParamsPOST,
	isUserDeactivateIdleParamsPOST,
	isUserSetActiveStatusParamsPOST,
	isUsersInfoParamsGetProps,
	isUsersListStatusProps,
	isUsersSetAvatarProps,
	isUsersUpdateParamsPOST,
} from '@rocket.chat/rest-typings';
import { isIP } from 'node:net';

import { badRequest, failure, forbiddenUnauthorized, RestError } from '../http';
import type { Route, RouteContext } from '../sandbox';
import type { WUser } from '../world/types';
import { NAME_PATTERN } from '../world/world';
import { parseMultipart } from './apps';
import {
	can,
	caller,
	envSwitch,
	escapeRegExp,
	isCallerFromParams,
	matches,
	obj,
	paging,
	parseJsonQuery,
	project,
	serializeUser,
	shaped,
	sortBy,
	subscriptionId,
	userFromParams,
	Validator,
	route,
} from './common';

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/** validateNameChars: no `<`, `>`, `\` or `/`, even URI-encoded. */
function validNameChars(name: string): boolean {
	const invalid = /[<>\\/]/;
	if (invalid.test(name)) return false;
	try {
		return !invalid.test(decodeURI(name));
	} catch {
		return false;
	}
}

const notAllowed = (reason: string) => badRequest(reason, 'error-action-not-allowed');

/** The checks saveUser makes before writing anything (validateUserData and validateUserEditing). */
function validateUserData(ctx: RouteContext, data: Record<string, unknown>, target: WUser | undefined): void {
	const me = caller(ctx);
	if (!target && !can(ctx, 'create-user')) throw notAllowed('Adding user is not allowed');
	if (target && target._id !== me._id && !can(ctx, 'edit-other-user-info')) throw notAllowed('Editing user is not allowed');
	if (target && data.verified !== undefined && target._id === me._id && !can(ctx, 'edit-other-user-info')) {
		throw notAllowed('Editing email verification is not allowed');
	}
	if (target && data.active !== undefined && !can(ctx, 'edit-other-user-active-status')) {
		throw notAllowed('Edit user active status is not allowed');
	}
	if (Array.isArray(data.roles)) {
		if (data.roles.some((r) => typeof r !== 'string' || !ctx.world.findRole(r)))
			throw notAllowed('The field Roles consist invalid role id');
		if (data.roles.includes('admin') && !(target?.roles.includes('admin') ?? false) && !can(ctx, 'assign-admin-role'))
			throw notAllowed('Assigning admin is not allowed');
	}
	if (typeof data.username === 'string' && !NAME_PATTERN.test(data.username)) {
		throw badRequest(`${data.username} is not a valid username`, 'error-input-is-not-a-valid-field');
	}
	if (typeof data.email === 'string' && !EMAIL.test(data.email.trim()))
		throw badRequest(`Invalid email ${data.email}`, 'error-invalid-email');
	if (typeof data.nickname === 'string' && data.nickname.length > 120)
		throw badRequest('Nickname size exceeds 120 characters', 'error-nickname-size-exceeded');
	if (typeof data.bio === 'string' && data.bio.length > 260)
		throw badRequest('Bio size exceeds 260 characters', 'error-bio-size-exceeded');
}

/** The avatar URL check of setUserAvatar: http(s) only, never an address inside the server's network. */
function checkAvatarUrl(raw: string): void {
	let url: URL;
	try {
		url = new URL(raw);
	} catch {
		throw badRequest(`Invalid avatar URL: ${encodeURI(raw)}`, 'error-avatar-invalid-url');
	}
	const host = url.hostname.replace(/^\[|\]$/g, '').toLowerCase();
	if ((url.protocol !== 'http:' && url.protocol !== 'https:') || isInternalHost(host)) {
		throw badRequest(`Invalid avatar URL: ${encodeURI(raw)}`, 'error-avatar-invalid-url');
	}
}

/** Loopback, private, link-local, shared and unspecified addresses (IPv4 and IPv6), and `localhost`. */
export function isInternalHost(host: string): boolean {
	if (host === 'localhost' || host.endsWith('.localhost')) return true;
	const kind = isIP(host);
	if (kind === 4) {
		const [a, b] = host.split('.').map(Number);
		return (
			a === 0 ||
			a === 10 ||
			a === 127 ||
			(a === 169 && b === 254) ||
			(a === 172 && b >= 16 && b <= 31) ||
			(a === 192 && b === 168) ||
			(a === 100 && b >= 64 && b <= 127)
		);
	}
	if (kind === 6) {
		const h = host.toLowerCase();
		if (h === '::' || h === '::1') return true;
		const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/.exec(h);
		if (mapped) return isInternalHost(mapped[1]);
		return /^f[cd]/.test(h) || /^fe[89ab]/.test(h);
	}
	return false;
}

/** The fields `users.list` and `users.listByStatus` return by default. */
function listItem(u: WUser): Record<string, unknown> {
	const { _id, username, name, type, status, active, roles, avatarETag } = serializeUser(u);
	const out: Record<string, unknown> = { _id, username, name, type, status, active, roles, nameInsensitive: u.name.toLowerCase() };
	if (avatarETag) out.avatarETag = avatarETag;
	if (u.emails.length > 0) out.emails = u.emails.map((e) => ({ ...e }));
	if (u.lastLogin) out.lastLogin = u.lastLogin;
	return out;
}

function page<T>(all: T[], offset: number, count: number): T[] {
	return all.slice(offset, offset + count);
}

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

export function usersRoutes(): Route[] {
	return [
		route(
			'GET',
			'users.info',
			(ctx) => {
				const q = ctx.req.query;
				const me = caller(ctx);
				const u = q.userId
					? ctx.world.findUserById(q.userId)
					: q.username
						? ctx.world.findUserByUsername(q.username)
						: q.importId
							? undefined
							: null;
				if (u === null) throw failure('Invalid search query.');
				if (!u) throw failure('User not found.');
				const myself = u._id === me._id;
				const user = serializeUser(u, myself || can(ctx, 'view-full-other-user-info'));
				// One's own document carries its services (the sandbox never returns hashes).
				if (myself) {
					user.services = {
						password: { exists: u.password !== undefined },
						resume: {
							loginTokens: u.loginTokens.map((t) => ({ when: t.when, ...(t.type ? { type: t.type, name: t.name } : {}) })),
						},
					};
				}
				if (q.includeUserRooms === 'true' && (myself || can(ctx, 'view-other-user-channels'))) {
					user.rooms = sortBy(
						ctx.world.roomsOfUser(u._id).map((room) => {
							const sub: Record<string, unknown> = {
								_id: subscriptionId(room._id, u._id),
								rid: room._id,
								name: room.name,
								t: room.t,
								unread: room.unread[u._id] ?? 0,
							};
							const roles = room.roomRoles[u._id];
							if (roles?.length) sub.roles = [...roles];
							return sub;
						}),
						{ t: 1, name: 1 },
					);
				}
				return shaped<'GET', '/v1/users.info'>({ user });
			},
			{ validate: isUsersInfoParamsGetProps as Validator },
		),
		route(
			'GET',
			'users.list',
			(ctx) => {
				const { offset, count } = paging(ctx.req.query);
				const { sort, fields, query } = parseJsonQuery(ctx);
				let all = [...ctx.world.users.values()].map(listItem);
				if (query) all = all.filter((u) => matches(u, query));
				const actual: Record<string, 1 | -1> = { ...(sort ?? { username: 1 }) };
				if (actual.status) actual.active = actual.status;
				if (actual.name) actual.nameInsensitive = actual.name;
				all = sortBy(all, actual);
				const users = page(all, offset, count).map((u) => project(u, fields));
				return shaped<'GET', '/v1/users.list'>({ users, count: users.length, offset, total: all.length });
			},
			{ permissions: ['view-d-room'] },
		),
		route(
			'GET',
			'users.listByStatus',
			(ctx) => {
				const q = ctx.req.query;
				const { offset, count } = paging(q);
				const { sort } = parseJsonQuery(ctx);
				const term =
					typeof q.searchTerm === 'string' && q.searchTerm !== '' ? new RegExp(escapeRegExp(q.searchTerm), 'i') : undefined;
				const byEmail = can(ctx, 'view-full-other-user-info');
				const roles = q.roles === undefined ? undefined : ([] as string[]).concat(q.roles as unknown as string[]);
				let all = [...ctx.world.users.values()].filter((u) => {
					if (q.status === 'active' && !u.active) return false;
					if (q.status === 'deactivated' && u.active) return false;
					if (q.hasLoggedIn !== undefined && String(q.hasLoggedIn) !== String(u.lastLogin !== undefined)) return false;
					if (q.type && u.type !== q.type) return false;
					if (roles && !u.roles.some((role) => roles.includes(role))) return false;
					if (term && !term.test(u.username) && !term.test(u.name) && !(byEmail && u.emails.some((e) => term.test(e.address))))
						return false;
					return true;
				});
				all = sortBy(all as unknown as Array<Record<string, unknown>>, sort ?? { username: 1 }) as unknown as WUser[];
				const users = page(all, offset, count).map(listItem);
				return shaped<'GET', '/v1/users.listByStatus'>({ users, count: users.length, offset, total: all.length });
			},
			{ validate: isUsersListStatusProps as Validator, permissions: ['view-d-room'] },
		),
		route(
			'POST',
			'users.create',
			async (ctx) => {
				const p = obj(ctx.req.body);
				const joinDefaultChannels = p.joinDefaultChannels === undefined ? true : Boolean(p.joinDefaultChannels);
				if (typeof p.name === 'string' && !validNameChars(p.name)) throw failure('Name contains invalid characters');
				validateUserData(ctx, p, undefined);
				const username = String(p.username).trim();
				if (ctx.world.isBlockedUsername(username))
					throw badRequest(`${username} is blocked and can't be used!`, 'error-blocked-username');
				if (ctx.world.findUserByUsername(username)) throw badRequest(`${username} is already in use :(`, 'error-field-unavailable');
				const email = String(p.email).trim();
				if (ctx.world.findUserByEmail(email)) throw badRequest(`${email} is already in use :(`, 'error-field-unavailable');
				const adversary = ctx.sandbox.adversary;
				if (adversary) {
					// Rocket.Chat checks that the username and the address are free, then inserts: another insert
					// can land in between, and the users collection's unique indexes refuse the second one.
					await adversary.pause();
					const taken = ctx.world.takenField(username, email);
					if (taken) throw duplicateKey(taken.field, taken.value);
				}
				const user = ctx.world.createUser({
					username,
					name: String(p.name),
					email,
					password: String(p.password),
					roles: Array.isArray(p.roles) && p.roles.length > 0 ? (p.roles as string[]) : ['user'],
					verified: p.verified === true,
					requirePasswordChange: p.requirePasswordChange === true ? true : undefined,
					nickname: typeof p.nickname === 'string' ? p.nickname : undefined,
					// Accounts_CustomFields is empty on a stock server: custom fields are not stored.
				});
				if (typeof p.bio === 'string' && p.bio) user.bio = p.bio;
				if (ctx.world.serverSettings.get('Accounts_TwoFactorAuthentication_By_Email_Auto_Opt_In') === true)
					ctx.world.twoFactor.enableEmail(user._id);
				if (joinDefaultChannels) {
					for (const room of ctx.world.rooms.values()) if (room.default) ctx.world.addMember(room._id, user._id);
				}
				if (p.active === false) ctx.world.setActive(user._id, false);
				return shaped<'POST', '/v1/users.create'>({ user: serializeUser(user, true) });
			},
			{ validate: isUserCreateParamsPOST as Validator },
		),
		route(
			'POST',
			'users.update',
			(ctx) => {
				const p = obj(ctx.req.body);
				const data = obj(p.data);
				if (typeof data.name === 'string' && data.name && !validNameChars(data.name))
					throw failure('Name contains invalid characters');
				const target = ctx.world.findUserById(String(p.userId));
				if (!target) throw badRequest('Invalid user', 'error-invalid-user');
				validateUserData(ctx, data, target);
				// The identity (username) first: a taken or blocked name fails the whole update.
				if (typeof data.username === 'string' && data.username !== target.username) {
					const other = ctx.world.findUserByUsername(data.username);
					if (ctx.world.isBlockedUsername(data.username) || (other && other._id !== target._id))
						throw badRequest('Could not save user identity', 'error-could-not-save-identity');
				}
				if (typeof data.email === 'string') {
					const other = ctx.world.findUserByEmail(data.email.trim());
					if (other && other._id !== target._id)
						throw badRequest(`${data.email.trim()} is already in use :(`, 'error-field-unavailable');
				}
				const emailChanged =
					typeof data.email === 'string' && data.email.trim().toLowerCase() !== (target.emails[0]?.address ?? '').toLowerCase();
				ctx.world.updateUser(target._id, {
					username: typeof data.username === 'string' ? data.username : undefined,
					name: typeof data.name === 'string' && data.name.trim() ? data.name.trim() : undefined,
					email: emailChanged ? String(data.email).trim() : undefined,
					// An admin sets passwords (edit-other-user-password); for anyone else the field is ignored.
					password:
						typeof data.password === 'string' && data.password.trim() && can(ctx, 'edit-other-user-password')
							? data.password
							: undefined,
					roles: Array.isArray(data.roles) ? (data.roles as string[]) : undefined,
					verified: typeof data.verified === 'boolean' ? data.verified : emailChanged ? false : undefined,
					nickname: typeof data.nickname === 'string' ? data.nickname : undefined,
					bio: typeof data.bio === 'string' ? data.bio : undefined,
					requirePasswordChange: typeof data.requirePasswordChange === 'boolean' ? data.requirePasswordChange : undefined,
				});
				if (typeof data.active === 'boolean') setActiveStatus(ctx, target, data.active);
				return { user: serializeUser(target, true) };
			},
			{ validate: isUsersUpdateParamsPOST as Validator },
		),
		route(
			'POST',
			'users.setAvatar',
			(ctx) => {
				const me = caller(ctx);
				const multipart = (ctx.req.headers['content-type'] ?? '').includes('multipart/form-data');
				const p = multipart ? {} : obj(ctx.req.body);
				const canEditOther = can(ctx, 'edit-other-user-avatar');
				let user: WUser | undefined = isCallerFromParams(me, p) ? me : canEditOther ? userFromParams(ctx, p) : undefined;
				if (!user) throw forbiddenUnauthorized();
				if (typeof p.avatarUrl === 'string' && p.avatarUrl) {
					checkAvatarUrl(p.avatarUrl);
					ctx.world.setAvatar(user._id, p.avatarUrl);
					return {};
				}
				const form = multipart ? parseMultipart(ctx.req) : new Map<string, { filename?: string; data: Buffer }>();
				const image = form.get('image');
				if (!image || image.filename === undefined) throw failure("The 'image' param is required");
				const userId = form.get('userId')?.data.toString('utf8');
				const username = form.get('username')?.data.toString('utf8');
				if (userId || username) {
					user = userId ? ctx.world.findUserById(userId) : ctx.world.findUserByUsername(String(username));
					if (!user)
						throw badRequest(
							'The optional "userId" or "username" param provided does not match any users',
							'error-invalid-user',
						);
					if (user._id !== me._id && !canEditOther) throw badRequest('Not allowed', 'error-not-allowed');
				}
				ctx.world.setAvatar(user._id, undefined);
				return {};
			},
			{ validate: isUsersSetAvatarProps as Validator },
		),
		route('POST', 'users.resetAvatar', (ctx) => {
			const me = caller(ctx);
			const user = userFromParams(ctx, obj(ctx.req.body));
			if (user._id === me._id || can(ctx, 'edit-other-user-avatar') || can(ctx, 'manage-moderation-actions')) {
				ctx.world.resetAvatar(user._id);
				return {};
			}
			throw badRequest('Reset avatar is not allowed', 'error-not-allowed');
		}),
		route(
			'POST',
			'users.setActiveStatus',
			(ctx) => {
				const p = obj(ctx.req.body);
				const target = ctx.world.findUserById(String(p.userId));
				if (!target) throw badRequest('Invalid user', 'error-invalid-user');
				setActiveStatus(ctx, target, Boolean(p.activeStatus));
				return { user: { _id: target._id, active: target.active } };
			},
			{
				validate: isUserSetActiveStatusParamsPOST as Validator,
				permissions: ['edit-other-user-active-status', 'manage-moderation-actions'],
				anyPermission: true,
			},
		),
		route('POST', 'users.createToken', (ctx) => {
			const p = obj(ctx.req.body);
			const target = userFromParams(ctx, p);
			const me = caller(ctx);
			// Before 8.0: CREATE_TOKENS_FOR_USERS, for oneself or with user-generate-access-token.
			const legacy =
				envSwitch(ctx.world, 'CREATE_TOKENS_FOR_USERS') && (target._id === me._id || can(ctx, 'user-generate-access-token'));
			// From 8.0: the caller must send the server's CREATE_TOKENS_FOR_USERS_SECRET.
			const secret = ctx.world.env.get('CREATE_TOKENS_FOR_USERS_SECRET');
			const bySecret = !!secret && p.secret === secret;
			if (!legacy && !bySecret) throw badRequest('Not authorized', 'error-not-authorized');
			return { data: { userId: target._id, authToken: ctx.world.createLoginToken(target._id, false) } };
		}),
		route('POST', 'users.2fa.enableEmail', (ctx) => {
			// The caller turns on two-factor authentication by e-mail for their own account, once verified.
			const me = caller(ctx);
			if (me.emails.some((e) => !e.verified)) {
				throw badRequest('You need to verify your emails before setting up 2FA', 'error-invalid-user');
			}
			ctx.world.twoFactor.enableEmail(me._id);
			me._updatedAt = new Date();
			return {};
		}),
		route(
			'POST',
			'users.deactivateIdle',
			(ctx) => {
				const p = obj(ctx.req.body);
				return { count: ctx.world.deactivateIdle(Number(p.daysIdle), typeof p.role === 'string' ? p.role : 'user') };
			},
			{ validate: isUserDeactivateIdleParamsPOST as Validator, permissions: ['edit-other-user-active-status'] },
		),
	];
}

/** setUserActiveStatus: refuses to leave the server without an active admin; deactivation logs the user out. */
function setActiveStatus(ctx: RouteContext, target: WUser, active: boolean): void {
	if (!can(ctx, 'edit-other-user-active-status') && !can(ctx, 'manage-moderation-actions'))
		throw badRequest('Not allowed', 'error-not-allowed');
	if (target.active === active) return;
	if (!active && target.roles.includes('admin')) {
		const activeAdmins = [...ctx.world.users.values()].filter((u) => u.active && u.roles.includes('admin'));
		if (activeAdmins.length === 1) throw notAllowed('Leaving the app without an active admin is not allowed');
	}
	ctx.world.setActive(target._id, active);
}
