/**
 * Login, `/me`, `/api/info`, and the roles and permissions endpoints (`roles.*`,
 * `permissions.*`), as Rocket.Chat 7.x answers them.
 */
import { isRoleAddUserToRoleProps, isRoleRemoveUserFromRoleProps } from '@rocket.chat/rest-typings';

import { badRequest, failure } from '../http';
import type { Route, RouteContext } from '../sandbox';
import type { WRole, WUser } from '../world/types';
import { TwoFactorError } from '../world/twoFactor';
import { can, route, caller, obj, paging, serializeMe, serializeUser, shaped, str, userFromParams, Validator } from './common';

const MINIMUM_CLIENT_VERSIONS = { desktop: '3.9.6', mobile: '4.39.0' };

/**
 * `GET /api/info`: the major.minor version for anyone; the full version with build and commit
 * details for holders of view-statistics.
 */
export function serverInfo(ctx: RouteContext): Record<string, unknown> {
	const user = ctx.req.user;
	const version = ctx.sandbox.serverVersion;
	if (user && ctx.world.hasPermission(user._id, 'view-statistics')) {
		return {
			version,
			info: {
				version,
				build: {
					date: '2025-09-01T00:00:00.000Z',
					nodeVersion: process.version,
					arch: process.arch,
					platform: process.platform,
					osRelease: 'sandbox',
					totalMemory: 0,
					freeMemory: 0,
					cpus: 0,
				},
				commit: { hash: 'sandbox', date: '', author: '', subject: '', tag: version, branch: 'sandbox' },
				marketplaceApiVersion: ctx.sandbox.engineVersion,
			},
			minimumClientVersions: MINIMUM_CLIENT_VERSIONS,
		};
	}
	return { version: version.split('.').slice(0, 2).join('.'), minimumClientVersions: MINIMUM_CLIENT_VERSIONS };
}

/** loginCompatibility: `user` (a username, or an e-mail when it has an @), `username`, `email`, or Meteor's `user` object. */
function loginUser(b: Record<string, unknown>): string | undefined {
	if (typeof b.user === 'string') return b.user;
	if (typeof b.username === 'string') return b.username;
	if (typeof b.email === 'string') return b.email;
	const u = obj(b.user);
	if (typeof u.username === 'string') return u.username;
	if (typeof u.email === 'string') return u.email;
	return undefined;
}

function loginPassword(b: Record<string, unknown>): string | { digest: string } | undefined {
	if (typeof b.password === 'string') return b.password;
	const p = obj(b.password);
	return typeof p.digest === 'string' ? { digest: p.digest } : undefined;
}

function roleDoc(role: WRole): Record<string, unknown> {
	return {
		_id: role._id,
		name: role.name,
		scope: role.scope,
		description: role.description,
		protected: role.protected,
		mandatory2fa: role.mandatory2fa,
	};
}

function permissionDocs(ctx: RouteContext, since?: Date): Array<Record<string, unknown>> {
	return [...ctx.world.permissions.entries()]
		.map(([id, roles]) => ({ _id: id, roles: [...roles], _updatedAt: ctx.world.permissionsUpdatedAt.get(id) ?? new Date(0) }))
		.filter((p) => !since || p._updatedAt > since);
}

export function miscRoutes(): Route[] {
	return [
		route(
			'POST',
			'login',
			(ctx) => {
				const b = obj(ctx.req.body);
				if (typeof b.resume === 'string') {
					const u = [...ctx.world.users.values()].find((x) => ctx.world.authenticate(x._id, String(b.resume)));
					if (!u)
						return {
							status: 401,
							body: { status: 'error', error: 403, message: "You've been logged out by the server. Please log in again." },
						};
					return loggedIn(ctx, u);
				}
				const user = loginUser(b);
				const password = loginPassword(b);
				if (user === undefined || password === undefined) {
					return { status: 400, body: { status: 'error', error: 400, message: 'Match failed' } };
				}
				let u: WUser;
				try {
					u = ctx.world.checkPassword(user, password);
				} catch {
					return { status: 401, body: { status: 'error', error: 'Unauthorized', message: 'Unauthorized' } };
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
					return { status: 401, body: ctx.sandbox.answersAsBefore8 ? detailed : { success: false, error: 'unauthorized' } };
				}
				return loggedIn(ctx, u);
			},
			{ auth: false },
		),
		route('GET', 'me', (ctx) => serializeMe(ctx, caller(ctx))),

		// ---------------------------------------------------------------- roles
		route('GET', 'roles.list', (ctx) => ({ roles: [...ctx.world.roles.values()].map(roleDoc) })),
		route(
			'POST',
			'roles.addUserToRole',
			(ctx) => {
				const p = obj(ctx.req.body);
				const role = ctx.world.findRole(str(p.roleId ?? p.roleName));
				if (!role) throw badRequest('This role does not exist', 'error-invalid-roleId');
				const user = userFromParams(ctx, p);
				const roomId = typeof p.roomId === 'string' ? p.roomId : undefined;
				if (role._id === 'admin' && !can(ctx, 'assign-admin-role'))
					throw badRequest('Assigning admin is not allowed', 'error-not-allowed');
				const holds =
					role.scope === 'Subscriptions'
						? !!roomId && (ctx.world.findRoomById(roomId)?.roomRoles[user._id] ?? []).includes(role.name)
						: user.roles.includes(role.name);
				if (holds) throw badRequest('User already in role', 'error-user-already-in-role');
				ctx.world.addUserToRole(role.name, user._id, roomId);
				return { role: roleDoc(role) };
			},
			{ validate: isRoleAddUserToRoleProps as Validator, permissions: ['access-permissions'] },
		),
		route(
			'POST',
			'roles.removeUserFromRole',
			(ctx) => {
				const p = obj(ctx.req.body);
				const role = ctx.world.findRole(str(p.roleId ?? p.roleName));
				if (!role) throw badRequest('This role does not exist', 'error-invalid-roleId');
				const user = ctx.world.findUserByUsername(str(p.username));
				if (!user) throw badRequest('There is no user with this username', 'error-invalid-user');
				const scope = typeof p.scope === 'string' ? p.scope : undefined;
				const holds =
					role.scope === 'Subscriptions'
						? !!scope && (ctx.world.findRoomById(scope)?.roomRoles[user._id] ?? []).includes(role.name)
						: user.roles.includes(role.name);
				if (!holds) throw badRequest('User is not in this role', 'error-user-not-in-role');
				if (role._id === 'admin' && activeAdmins(ctx).length === 1) {
					throw badRequest('You need to have at least one admin', 'error-admin-required');
				}
				ctx.world.removeUserFromRole(role.name, user._id, scope);
				return { role: roleDoc(role) };
			},
			{ validate: isRoleRemoveUserFromRoleProps as Validator, permissions: ['access-permissions'] },
		),
		route(
			'GET',
			'roles.getUsersInRole',
			(ctx) => {
				const q = ctx.req.query;
				if (!q.role) throw badRequest('Query param "role" is required', 'error-param-not-provided');
				const role = ctx.world.findRole(q.role);
				if (!role) throw badRequest('This role does not exist', 'error-invalid-roleId');
				if (q.roomId && !can(ctx, 'view-other-user-channels')) throw badRequest('Not allowed', 'error-not-allowed');
				const { offset, count } = paging(q);
				const all = ctx.world.usersInRole(role.name, q.roomId || undefined);
				return shaped<'GET', '/v1/roles.getUsersInRole'>({
					users: all.slice(offset, offset + count).map((u) => serializeUser(u, true)),
					total: all.length,
				});
			},
			{ permissions: ['access-permissions'] },
		),

		// ---------------------------------------------------------------- permissions
		route('GET', 'permissions.listAll', (ctx) => {
			const raw = ctx.req.query.updatedSince;
			if (raw !== undefined && raw !== '' && Number.isNaN(Date.parse(raw))) {
				throw badRequest('The "updatedSince" query parameter must be a valid date.', 'error-roomId-param-invalid');
			}
			const since = raw ? new Date(raw) : undefined;
			return { update: permissionDocs(ctx, since), remove: [] };
		}),
		route(
			'POST',
			'permissions.update',
			(ctx) => {
				const list = obj(ctx.req.body).permissions;
				const valid =
					Array.isArray(list) &&
					list.length > 0 &&
					list.every((p) => {
						const o = obj(p);
						return typeof o._id === 'string' && Array.isArray(o.roles) && o.roles.every((x) => typeof x === 'string');
					});
				if (!valid) throw failure('Invalid body params', 'error-invalid-body-params');
				const updates = (list as Array<{ _id: string; roles: string[] }>).map((p) => ({
					_id: p._id,
					roles: [...new Set(p.roles)],
				}));
				if (updates.some((p) => !ctx.world.permissions.has(p._id))) throw failure('Invalid permission', 'error-invalid-permission');
				if (updates.some((p) => p.roles.some((role) => !ctx.world.findRole(role))))
					throw failure('Invalid role', 'error-invalid-role');
				for (const p of updates) ctx.world.setPermissionRoles(p._id, p.roles);
				return { permissions: permissionDocs(ctx) };
			},
			{ permissions: ['access-permissions'] },
		),
	];
}

function loggedIn(ctx: RouteContext, u: WUser): { status: number; body: Record<string, unknown> } {
	const authToken = ctx.world.createLoginToken(u._id);
	return { status: 200, body: { status: 'success', data: { userId: u._id, authToken, me: serializeMe(ctx, u) } } };
}

function activeAdmins(ctx: RouteContext): WUser[] {
	return [...ctx.world.users.values()].filter((u) => u.active && u.roles.includes('admin'));
}
