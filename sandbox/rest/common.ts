/**
 * What every `/api/v1` endpoint family shares, as Rocket.Chat's API layer does it: parameter
 * validation, pagination and `sort`/`query`/`fields` parsing, the user and room look-ups from
 * parameters, room access, and the documents' REST shapes.
 */
import { createHash } from 'node:crypto';

import type { OperationResult, PathPattern } from '@rocket.chat/rest-typings';

import { badRequest, failure, RestError } from '../http';
import type { Route, RouteContext } from '../sandbox';
import { DEFAULT_PREFERENCES } from '../world/defaults';
import type { WMessage, WRoom, WUser } from '../world/types';
import type { World } from '../world/world';

/** A compiled ajv validator, as `@rocket.chat/rest-typings` exports them. */
export type Validator = ((v: unknown) => boolean) & { errors?: Array<{ instancePath?: string; message?: string }> | null };

/** The top-level keys of the real server's answer for an endpoint, from the official typings. */
type TopLevel<T> = { [K in keyof T]-?: unknown };
/** `never` for an endpoint whose typings do not resolve (`any`), so such a check cannot pass silently. */
type Checked<R> = 0 extends 1 & R ? never : TopLevel<Omit<R, 'success'>>;

/**
 * Marks an answer as the given endpoint's: it must carry every top-level key the official
 * `@rocket.chat/rest-typings` declare for it, so drift from the real API fails to compile.
 */
export function shaped<M extends 'GET' | 'POST', P extends PathPattern>(value: Checked<OperationResult<M, P>>): Record<string, unknown> {
	return value;
}

/** An `/api/v1` route: it needs credentials unless `extra` says otherwise. */
export function route(method: string, path: string, handler: Route['handler'], extra: Partial<Route> = {}): Route {
	return { method, path: `/api/v1/${path}`, auth: true, handler, ...extra };
}

/** Rocket.Chat's `validateParams` failure: the validator's messages, without the field path. */
export function invalidParams(validator: Validator): RestError {
	const messages = (validator.errors ?? []).map((e) => e.message ?? 'is invalid');
	return badRequest(messages.length > 0 ? messages.join('\n ') : 'invalid params', 'invalid-params');
}

/** A parameter as text: strings as they are, numbers and booleans written out, anything else empty. */
export function str(v: unknown): string {
	return typeof v === 'string' ? v : typeof v === 'number' || typeof v === 'boolean' ? String(v) : '';
}

/** The server's Site_Url, without a trailing slash. */
export function siteUrl(world: World): string {
	return str(world.serverSettings.get('Site_Url')).replace(/\/$/, '');
}

export function obj(body: unknown): Record<string, unknown> {
	return body && typeof body === 'object' && !Array.isArray(body) ? (body as Record<string, unknown>) : {};
}

export function caller(ctx: RouteContext): WUser {
	if (!ctx.req.user) throw new RestError(401, { success: false, error: 'You must be logged in to do this.' });
	return ctx.req.user;
}

export function can(ctx: RouteContext, permission: string, roomId?: string): boolean {
	return ctx.world.hasPermission(caller(ctx)._id, permission, roomId);
}

/** getPaginationItems: `count` defaults to 50 and is capped at 100; 0 means every item. */
export function paging(q: Record<string, unknown>, defaultCount = 50): { offset: number; count: number } {
	const offset = Number.parseInt(str(q.offset ?? '0'), 10);
	let count = q.count === undefined ? defaultCount : Number.parseInt(str(q.count), 10);
	if (Number.isNaN(count)) count = defaultCount;
	if (count > 100) count = 100;
	return { offset: Number.isNaN(offset) || offset < 0 ? 0 : offset, count: count <= 0 ? Number.MAX_SAFE_INTEGER : count };
}

export interface JsonQuery {
	sort?: Record<string, 1 | -1>;
	fields?: Record<string, 0 | 1>;
	query?: Record<string, unknown>;
}

/**
 * parseJsonQuery: `sort` is checked and applied; `query` and `fields` are ignored (silently) unless
 * the server runs with ALLOW_UNSAFE_QUERY_AND_FIELDS_API_PARAMS, as from Rocket.Chat 7.0.
 */
export function parseJsonQuery(ctx: RouteContext): JsonQuery {
	const q = ctx.req.query;
	const out: JsonQuery = {};
	if (q.sort !== undefined) {
		let sort: unknown;
		try {
			sort = JSON.parse(q.sort);
		} catch {
			throw badRequest(`Invalid sort parameter provided: "${q.sort}"`, 'error-invalid-sort');
		}
		if (!sort || typeof sort !== 'object' || Object.values(sort).some((v) => v !== 1 && v !== -1)) {
			throw badRequest(`Invalid sort parameter provided: "${q.sort}"`, 'error-invalid-sort');
		}
		out.sort = sort as Record<string, 1 | -1>;
	}
	if (!envSwitch(ctx.world, 'ALLOW_UNSAFE_QUERY_AND_FIELDS_API_PARAMS')) return out;
	if (q.fields !== undefined) {
		try {
			out.fields = JSON.parse(q.fields) as Record<string, 0 | 1>;
		} catch {
			throw badRequest(`Invalid fields parameter provided: "${q.fields}"`, 'error-invalid-fields');
		}
	}
	if (q.query !== undefined) {
		try {
			out.query = JSON.parse(q.query) as Record<string, unknown>;
		} catch {
			throw badRequest(`Invalid query parameter provided: "${q.query}"`, 'error-invalid-query');
		}
	}
	return out;
}

/** A MongoDB filter over a plain document: equality, `$regex`, `$in`, `$ne`, `$exists`, `$or`, `$and`. */
export function matches(doc: unknown, query: Record<string, unknown>): boolean {
	return Object.entries(query).every(([key, cond]) => {
		if (key === '$or') return Array.isArray(cond) && cond.some((c) => matches(doc, obj(c)));
		if (key === '$and') return Array.isArray(cond) && cond.every((c) => matches(doc, obj(c)));
		const values = valuesAt(doc, key.split('.'));
		if (cond && typeof cond === 'object' && !Array.isArray(cond) && !(cond instanceof Date)) {
			const ops = cond as Record<string, unknown>;
			if (Object.keys(ops).some((k) => k.startsWith('$')))
				return Object.entries(ops).every(([op, arg]) => operator(values, op, arg, ops));
		}
		return values.some((v) => equal(v, cond));
	});
}

function operator(values: unknown[], op: string, arg: unknown, all: Record<string, unknown>): boolean {
	switch (op) {
		case '$regex': {
			const re = new RegExp(String(arg), typeof all.$options === 'string' ? all.$options : '');
			return values.some((v) => typeof v === 'string' && re.test(v));
		}
		case '$options':
			return true;
		case '$in':
			return Array.isArray(arg) && values.some((v) => arg.some((a) => equal(v, a)));
		case '$nin':
			return Array.isArray(arg) && !values.some((v) => arg.some((a) => equal(v, a)));
		case '$ne':
			return !values.some((v) => equal(v, arg));
		case '$exists':
			return (values.some((v) => v !== undefined) ? true : false) === Boolean(arg);
		default:
			throw badRequest(`Invalid query parameter provided: operator ${op} is not allowed`, 'error-invalid-query');
	}
}

function valuesAt(doc: unknown, path: string[]): unknown[] {
	if (path.length === 0) return Array.isArray(doc) ? [doc, ...(doc as unknown[])] : [doc];
	if (Array.isArray(doc)) return doc.flatMap((d) => valuesAt(d, path));
	if (!doc || typeof doc !== 'object') return [undefined];
	return valuesAt((doc as Record<string, unknown>)[path[0]], path.slice(1));
}

function equal(a: unknown, b: unknown): boolean {
	if (a instanceof Date) return b instanceof Date ? a.getTime() === b.getTime() : a.toISOString() === b;
	return a === b || JSON.stringify(a) === JSON.stringify(b);
}

/** A `fields` projection: only the 1-fields (and `_id`), or all but the 0-fields. */
export function project(doc: Record<string, unknown>, fields: Record<string, 0 | 1> | undefined): Record<string, unknown> {
	if (!fields || Object.keys(fields).length === 0) return doc;
	const inclusive = Object.values(fields).some((v) => v === 1);
	const out: Record<string, unknown> = {};
	for (const [k, v] of Object.entries(doc)) {
		const f = fields[k];
		if (inclusive ? f === 1 || (k === '_id' && f !== 0) : f !== 0) out[k] = v;
	}
	return out;
}

/** Sorts documents by a MongoDB sort specification (strings case-sensitive, as MongoDB). */
export function sortBy<T extends Record<string, unknown>>(docs: T[], sort: Record<string, 1 | -1>): T[] {
	const keys = Object.entries(sort);
	return [...docs].sort((a, b) => {
		for (const [k, dir] of keys) {
			const [x, y] = [valuesAt(a, k.split('.'))[0], valuesAt(b, k.split('.'))[0]];
			const c = compare(x, y);
			if (c !== 0) return c * dir;
		}
		return 0;
	});
}

function compare(x: unknown, y: unknown): number {
	if (x === y) return 0;
	if (x === undefined || x === null) return -1;
	if (y === undefined || y === null) return 1;
	if (x instanceof Date && y instanceof Date) return x.getTime() - y.getTime();
	if (typeof x === 'number' && typeof y === 'number') return x - y;
	if (typeof x === 'boolean' && typeof y === 'boolean') return Number(x) - Number(y);
	const [a, b] = [str(x), str(y)];
	return a < b ? -1 : a > b ? 1 : 0;
}

/** Whether a server environment switch is on (`true`, or `yes` as Rocket.Chat also accepts for some). */
export function envSwitch(world: World, name: string): boolean {
	const v = (world.env.get(name) ?? '').trim().toLowerCase();
	return v === 'true' || v === 'yes';
}

/** Regex-escapes user input (Rocket.Chat's escapeRegExp). */
export function escapeRegExp(s: string): string {
	return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

// ---------------------------------------------------------------- look-ups from parameters

/** getUserFromParams: `userId`, `username` or `user`; Rocket.Chat's errors when missing or unknown. */
export function userFromParams(ctx: RouteContext, p: Record<string, unknown>): WUser {
	const id = typeof p.userId === 'string' ? p.userId.trim() : '';
	const name = typeof p.username === 'string' ? p.username.trim() : typeof p.user === 'string' ? p.user.trim() : '';
	if (!id && !name) throw badRequest('The required "userId" or "username" param was not provided', 'error-user-param-not-provided');
	const u = id ? ctx.world.findUserById(id) : ctx.world.findUserByUsername(name);
	if (!u) throw badRequest('The required "userId" or "username" param provided does not match any users', 'error-invalid-user');
	return u;
}

/** Whether `params` name the caller (isUserFromParams): no user at all, or the caller's id or username. */
export function isCallerFromParams(me: WUser, p: Record<string, unknown>): boolean {
	return (!p.userId && !p.username && !p.user) || p.userId === me._id || p.username === me.username || p.user === me.username;
}

/** The room named by `roomId` or `roomName` (trimmed); Rocket.Chat's error when neither is given. */
export function roomFromParams(ctx: RouteContext, p: Record<string, unknown>): WRoom | undefined {
	const id = typeof p.roomId === 'string' ? p.roomId.trim() : '';
	const name = typeof p.roomName === 'string' ? p.roomName.trim() : '';
	if (!id && !name) throw badRequest('The parameter "roomId" or "roomName" is required', 'error-room-param-not-provided');
	return id ? ctx.world.findRoomById(id) : ctx.world.findRoomByName(name);
}

/**
 * canAccessRoom: a public room for holders of `view-c-room`; any room for its members holding
 * `view-joined-room` or `view-<type>-room` (view-p-room, view-d-room, ...). Not being a member hides
 * a private room even from an admin.
 */
export function canAccessRoom(world: World, room: WRoom, user: WUser): boolean {
	if (room.t === 'c' && world.hasPermission(user._id, 'view-c-room')) return true;
	if (!room.members.includes(user._id)) return false;
	return world.hasPermission(user._id, 'view-joined-room') || world.hasPermission(user._id, `view-${room.t}-room`);
}

/** A subscription's id: stable for a member of a room, as the subscription document's `_id`. */
export function subscriptionId(rid: string, userId: string): string {
	return createHash('sha256').update(`${rid}|${userId}`).digest('base64url').slice(0, 17);
}

// ---------------------------------------------------------------- documents

/**
 * A user document as the REST API returns it. `full`: with the fields only the user themself and
 * holders of `view-full-other-user-info` see (e-mails, login times, ...).
 */
export function serializeUser(u: WUser, full = false): Record<string, unknown> {
	const out: Record<string, unknown> = {
		_id: u._id,
		username: u.username,
		name: u.name,
		type: u.type,
		status: u.status ?? 'offline',
		active: u.active,
		roles: [...u.roles],
		utcOffset: 0,
	};
	if (u.avatarETag) out.avatarETag = u.avatarETag;
	if (u.nickname) out.nickname = u.nickname;
	if (u.bio) out.bio = u.bio;
	if (u.customFields) out.customFields = { ...u.customFields };
	if (full) {
		out.createdAt = u.createdAt;
		out._updatedAt = u._updatedAt;
		if (u.emails.length > 0) out.emails = u.emails.map((e) => ({ ...e }));
		if (u.lastLogin) out.lastLogin = u.lastLogin;
		if (u.requirePasswordChange) out.requirePasswordChange = true;
	}
	return out;
}

/** getUserInfo: the caller's own document for `/me` and a login, with e-mail, preferences and avatar URL. */
export function serializeMe(ctx: RouteContext, u: WUser): Record<string, unknown> {
	const verified = u.emails.find((e) => e.verified) ?? u.emails[0];
	const site = siteUrl(ctx.world);
	return {
		...serializeUser(u, true),
		...(verified ? { email: verified.address } : {}),
		settings: { profile: {}, preferences: structuredClone(DEFAULT_PREFERENCES) },
		avatarUrl: `${site}/avatar/${u.username}`,
		isOAuthUser: false,
		// Rocket.Chat's `me` lists the second factors that are on.
		services: {
			password: { exists: u.password !== undefined },
			...(ctx.world.twoFactor.methodsOf(u._id).totp ? { totp: { enabled: true } } : {}),
			...(ctx.world.twoFactor.methodsOf(u._id).email ? { email2fa: { enabled: true } } : {}),
		},
	};
}

export function serializeRoom(r: WRoom): Record<string, unknown> {
	const out: Record<string, unknown> = {
		_id: r._id,
		name: r.name,
		fname: r.fname,
		t: r.t,
		msgs: r.msgs,
		usersCount: r.members.length,
		ts: r.ts,
		ro: r.ro,
		_updatedAt: r._updatedAt,
		sysMes: true,
	};
	if (r.u) out.u = { ...r.u };
	if (r.default) out.default = true;
	if (r.topic !== undefined) out.topic = r.topic;
	if (r.description !== undefined) out.description = r.description;
	if (r.customFields) out.customFields = { ...r.customFields };
	if (r.lastMessageAt) out.lm = r.lastMessageAt;
	if (r.archived) out.archived = true;
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
	};
	if (!m.t) Object.assign(out, { urls: [], mentions: [], channels: [] });
	for (const k of [
		't',
		'role',
		'tmid',
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

/** Fails with `API.v1.failure(text)` unless `ok`. */
export function check(ok: boolean, text: string): void {
	if (!ok) throw failure(text);
}
