import { createHash, randomBytes, scryptSync, timingSafeEqual } from 'node:crypto';

import { DEFAULT_PERMISSIONS, DEFAULT_ROLES } from './defaults';
import { AppPersistence, Association } from './persistence';
import { TwoFactor } from './twoFactor';
import { EphemeralNotice, OutboundCall, RoomType, ScheduledJob, UiNotice, UserType, WMessage, WRole, WRoom, WUser } from './types';

/** Server settings as a fresh Rocket.Chat has them (ids and defaults as Rocket.Chat registers them). */
const SERVER_SETTING_DEFAULTS: Readonly<Record<string, unknown>> = {
	Accounts_iframe_enabled: false,
	Accounts_iframe_url: '',
	Accounts_Iframe_api_url: '',
	Accounts_Iframe_api_method: 'POST',
	Iframe_Integration_send_enable: false,
	Iframe_Integration_send_target_origin: '*',
	Iframe_Integration_receive_enable: false,
	Iframe_Integration_receive_origin: '*',
	API_Enable_CORS: false,
	API_CORS_Origin: '*',
	API_Enable_Rate_Limiter: true,
	Accounts_TwoFactorAuthentication_Enabled: true,
};

const ID_CHARS = '23456789ABCDEFGHJKLMNPQRSTWXYZabcdefghijkmnopqrstuvwxyz';

/** A Rocket.Chat-style random id (17 characters). */
export function randomId(length = 17): string {
	const bytes = randomBytes(length);
	let out = '';
	for (let i = 0; i < length; i++) out += ID_CHARS[bytes[i] % ID_CHARS.length];
	return out;
}

export function hashLoginToken(token: string): string {
	return createHash('sha256').update(token).digest('base64');
}

/** Rocket.Chat's error shape: `reason [errorType]`, with the type kept apart. */
export class WorldError extends Error {
	constructor(
		readonly errorType: string,
		readonly reason: string,
		readonly status = 400,
		readonly details?: Record<string, unknown>,
	) {
		super(`${reason} [${errorType}]`);
	}
}

/** Default name validation of Rocket.Chat (UTF8_User_Names_Validation / UTF8_Channel_Names_Validation). */
export const NAME_PATTERN = /^[0-9a-zA-Z-_.]+$/;

const MAX_LOGIN_TOKENS = 50;

export interface CreateUserInput {
	username: string;
	name?: string;
	email?: string;
	password?: string;
	roles?: string[];
	active?: boolean;
	type?: UserType;
	verified?: boolean;
	appId?: string;
	nickname?: string;
	customFields?: Record<string, unknown>;
	requirePasswordChange?: boolean;
}

export interface UpdateUserInput {
	username?: string;
	name?: string;
	email?: string;
	password?: string;
	active?: boolean;
	roles?: string[];
	verified?: boolean;
	nickname?: string;
	bio?: string;
	customFields?: Record<string, unknown>;
	requirePasswordChange?: boolean;
}

export interface CreateRoomInput {
	name: string;
	type: RoomType;
	creatorId: string;
	memberUsernames?: string[];
	readOnly?: boolean;
	topic?: string;
	description?: string;
	customFields?: Record<string, unknown>;
	fname?: string;
}

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

export interface RateLimitConfig {
	enabled: boolean;
	calls: number;
	windowMs: number;
}

/**
 * The shared state of one sandboxed Rocket.Chat server: what MongoDB holds for a real cluster.
 * Every engine instance reads and writes it (the second instance over IPC), so two instances see
 * one database, as in a Rocket.Chat deployment.
 */
export class World {
	readonly users = new Map<string, WUser>();
	readonly rooms = new Map<string, WRoom>();
	readonly messages = new Map<string, WMessage>();
	readonly roomMessages = new Map<string, string[]>();
	readonly roles = new Map<string, WRole>();
	/** permission id -> roles holding it */
	readonly permissions = new Map<string, Set<string>>();
	readonly serverSettings = new Map<string, unknown>();
	/** App persistence, with Rocket.Chat's semantics (./persistence.ts). */
	readonly persistence = new AppPersistence();
	readonly jobs = new Map<string, ScheduledJob>();
	readonly processors = new Map<string, Set<string>>();
	readonly ephemeral: EphemeralNotice[] = [];
	readonly uiNotices: UiNotice[] = [];
	readonly outboundCalls: OutboundCall[] = [];
	readonly appLogs: unknown[] = [];
	/** Calls the engine refused because an app lacks a permission (Rocket.Chat only logs them). */
	readonly permissionErrors: Array<{ message: string; ts: Date }> = [];
	/** Apps-Engine metadata storage items, by app id. */
	readonly appStorage = new Map<string, Record<string, unknown>>();
	readonly appSources = new Map<string, Buffer>();
	/** Environment switches of the server (e.g. CREATE_TOKENS_FOR_USERS_SECRET). */
	readonly env = new Map<string, string>();
	/** Users' second factors, checked at login. */
	readonly twoFactor = new TwoFactor();
	rateLimit: RateLimitConfig = { enabled: false, calls: 10, windowMs: 60_000 };
	private readonly rateCounters = new Map<string, { windowStart: number; count: number }>();
	/** REST calls answered 429 by the rate limiter. */
	rateLimitedCalls = 0;
	/** Counts of REST calls by endpoint (for tests and benchmarks). */
	readonly restCalls = new Map<string, number>();
	/** Injected failures (tests): the next `count` calls of a REST endpoint answer `status`. */
	private readonly faults = new Map<string, { status: number; count: number }>();

	constructor() {
		for (const r of DEFAULT_ROLES) {
			this.roles.set(r.name, {
				_id: r.name,
				name: r.name,
				scope: r.scope,
				description: r.description,
				protected: true,
				mandatory2fa: false,
			});
		}
		for (const [perm, roles] of Object.entries(DEFAULT_PERMISSIONS)) this.permissions.set(perm, new Set(roles));
		this.serverSettings.set('Site_Url', 'http://localhost:3000');
		this.serverSettings.set('Site_Name', 'Rocket.Chat Sandbox');
		// Rocket.Chat's ids and defaults of the settings the setup doctor reads (the iframe switch is `Accounts_iframe_enabled`).
		for (const [id, value] of Object.entries(SERVER_SETTING_DEFAULTS)) this.serverSettings.set(id, value);
		this.serverSettings.set('Accounts_SystemBlockedUsernameList', 'admin,administrator,system,user');
		this.serverSettings.set('Accounts_BlockedUsernameList', '');
	}

	// ---------------------------------------------------------------- users

	/** Rocket.Chat's checks before it creates a user: a valid, free username, then a valid, free address. */
	checkNewUser(rawUsername: string, rawEmail: string | undefined): { username: string; email?: string } {
		const username = String(rawUsername ?? '').trim();
		if (!username || !NAME_PATTERN.test(username)) {
			throw new WorldError(
				'error-invalid-username',
				`${username} is not a valid username, use only letters, numbers, dots, hyphens and underscores`,
			);
		}
		if (this.findUserByUsername(username)) {
			throw new WorldError('error-field-unavailable', `${username} is already in use :(`, 400, { field: 'username' });
		}
		const email = rawEmail?.trim();
		if (email !== undefined) {
			if (!/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(email)) throw new WorldError('error-invalid-email', `Invalid email ${email}`);
			if (this.findUserByEmail(email)) {
				throw new WorldError('error-field-unavailable', `${email} is already in use :(`, 400, { field: 'email' });
			}
		}
		return email !== undefined ? { username, email } : { username };
	}

	/** Which unique field (the users collection's unique indexes) an insert of these values would violate now. */
	takenField(username: string, email: string | undefined): { field: 'username' | 'email'; value: string } | undefined {
		if (this.findUserByUsername(username.trim())) return { field: 'username', value: username.trim() };
		if (email !== undefined && this.findUserByEmail(email.trim())) return { field: 'email', value: email.trim().toLowerCase() };
		return undefined;
	}

	createUser(input: CreateUserInput): WUser {
		const { username, email } = this.checkNewUser(input.username, input.email);
		const now = new Date();
		const user: WUser = {
			_id: randomId(),
			username,
			name: input.name ?? username,
			emails: email ? [{ address: email, verified: input.verified ?? false }] : [],
			roles: input.roles && input.roles.length > 0 ? [...input.roles] : ['user'],
			active: input.active ?? true,
			type: input.type ?? 'user',
			createdAt: now,
			_updatedAt: now,
			loginTokens: [],
		};
		if (input.appId) user.appId = input.appId;
		if (input.nickname) user.nickname = input.nickname;
		if (input.customFields) user.customFields = { ...input.customFields };
		if (input.requirePasswordChange) user.requirePasswordChange = true;
		if (input.password !== undefined) user.password = hashPassword(input.password);
		for (const role of user.roles) this.requireRole(role);
		this.users.set(user._id, user);
		return user;
	}

	updateUser(userId: string, data: UpdateUserInput): WUser {
		const user = this.requireUser(userId);
		if (data.username !== undefined && data.username !== user.username) {
			if (!NAME_PATTERN.test(data.username))
				throw new WorldError('error-invalid-username', `${data.username} is not a valid username`);
			const other = this.findUserByUsername(data.username);
			if (other && other._id !== userId) throw new WorldError('error-field-unavailable', `${data.username} is already in use :(`);
			user.username = data.username;
		}
		if (data.email !== undefined) {
			const email = data.email.trim();
			if (!/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(email)) throw new WorldError('error-invalid-email', `Invalid email ${email}`);
			const other = this.findUserByEmail(email);
			if (other && other._id !== userId) throw new WorldError('error-field-unavailable', `${email} is already in use :(`);
			user.emails = [{ address: email, verified: data.verified ?? false }];
		} else if (data.verified !== undefined && user.emails[0]) {
			user.emails[0].verified = data.verified;
		}
		if (data.name !== undefined) user.name = data.name;
		if (data.nickname !== undefined) user.nickname = data.nickname;
		if (data.bio !== undefined) user.bio = data.bio;
		if (data.password !== undefined) {
			user.password = hashPassword(data.password);
			// Rocket.Chat logs the user out of other sessions when an admin sets a password.
			user.loginTokens = user.loginTokens.filter((t) => t.type === 'personalAccessToken');
		}
		if (data.requirePasswordChange !== undefined) user.requirePasswordChange = data.requirePasswordChange;
		if (data.active !== undefined) this.setActive(userId, data.active);
		if (data.roles !== undefined) {
			for (const role of data.roles) this.requireRole(role);
			user.roles = [...data.roles];
		}
		if (data.customFields !== undefined) user.customFields = { ...(user.customFields ?? {}), ...data.customFields };
		user._updatedAt = new Date();
		return user;
	}

	setActive(userId: string, active: boolean): WUser {
		const user = this.requireUser(userId);
		user.active = active;
		if (!active) user.loginTokens = [];
		user._updatedAt = new Date();
		return user;
	}

	setAvatar(userId: string, avatarUrl: string): WUser {
		const user = this.requireUser(userId);
		user.avatarUrl = avatarUrl;
		user.avatarETag = randomId(8);
		user._updatedAt = new Date();
		return user;
	}

	resetAvatar(userId: string): WUser {
		const user = this.requireUser(userId);
		delete user.avatarUrl;
		user.avatarETag = randomId(8);
		user._updatedAt = new Date();
		return user;
	}

	removeUser(userId: string): void {
		this.requireUser(userId);
		this.users.delete(userId);
		for (const room of this.rooms.values()) {
			room.members = room.members.filter((m) => m !== userId);
			delete room.roomRoles[userId];
		}
	}

	findUserById(id: string): WUser | undefined {
		return this.users.get(id);
	}

	findUserByUsername(username: string): WUser | undefined {
		const lower = username.toLowerCase();
		for (const u of this.users.values()) if (u.username.toLowerCase() === lower) return u;
		return undefined;
	}

	findUserByEmail(email: string): WUser | undefined {
		const lower = email.toLowerCase();
		for (const u of this.users.values()) if (u.emails.some((e) => e.address.toLowerCase() === lower)) return u;
		return undefined;
	}

	requireUser(userId: string): WUser {
		const u = this.users.get(userId);
		if (!u) throw new WorldError('error-invalid-user', 'Invalid user');
		return u;
	}

	/** users.createToken / login: a new login token (at most 50 kept per user, oldest dropped). */
	createLoginToken(userId: string): string {
		const user = this.requireUser(userId);
		const token = randomBytes(32).toString('base64url');
		user.loginTokens.push({ hashedToken: hashLoginToken(token), when: new Date() });
		const regular = user.loginTokens.filter((t) => t.type !== 'personalAccessToken');
		if (regular.length > MAX_LOGIN_TOKENS) {
			const drop = new Set(regular.slice(0, regular.length - MAX_LOGIN_TOKENS));
			user.loginTokens = user.loginTokens.filter((t) => !drop.has(t));
		}
		user.lastLogin = new Date();
		return token;
	}

	createPersonalAccessToken(userId: string, name: string): string {
		const user = this.requireUser(userId);
		const token = randomBytes(32).toString('base64url');
		user.loginTokens.push({ hashedToken: hashLoginToken(token), when: new Date(), type: 'personalAccessToken', name });
		return token;
	}

	/**
	 * Checks a password; returns the user or throws Rocket.Chat's login error. The second factor is checked by the
	 * login route (`twoFactor`).
	 */
	checkPassword(usernameOrEmail: string, password: string): WUser {
		const user = usernameOrEmail.includes('@') ? this.findUserByEmail(usernameOrEmail) : this.findUserByUsername(usernameOrEmail);
		if (!user || !user.password || !verifyPassword(password, user.password)) {
			throw new WorldError('error-unauthorized', 'Unauthorized', 401);
		}
		if (!user.active) throw new WorldError('error-user-is-not-activated', 'User is not activated', 401);
		return user;
	}

	/**
	 * Whether Rocket.Chat refuses `username` for a new account (checkUsernameAvailability): `all`, `here`, the
	 * hidden system list (Accounts_SystemBlockedUsernameList, default admin, administrator, system, user) and the
	 * admin's Accounts_BlockedUsernameList, case-insensitively.
	 */
	isBlockedUsername(username: string): boolean {
		const lists = [
			'all,here',
			this.serverSettings.get('Accounts_SystemBlockedUsernameList'),
			this.serverSettings.get('Accounts_BlockedUsernameList'),
		];
		const lower = username.trim().toLowerCase();
		return lists.some(
			(list) =>
				typeof list === 'string' &&
				list
					.split(',')
					.map((n) => n.trim().toLowerCase())
					.includes(lower),
		);
	}

	/** The user a pair of auth headers belongs to, or undefined. */
	authenticate(userId: string | undefined, token: string | undefined): WUser | undefined {
		if (!userId || !token) return undefined;
		const user = this.users.get(userId);
		if (!user || !user.active) return undefined;
		const hashed = hashLoginToken(token);
		return user.loginTokens.some((t) => t.hashedToken === hashed) ? user : undefined;
	}

	/** Users whose last login is older than `days`, optionally only with `role`; deactivated unless dry-run. */
	deactivateIdle(days: number, role: string | undefined, now = Date.now()): number {
		const cutoff = now - days * 86_400_000;
		let count = 0;
		for (const u of this.users.values()) {
			if (!u.active || u.type !== 'user') continue;
			if (role && !u.roles.includes(role)) continue;
			const last = (u.lastLogin ?? u.createdAt).getTime();
			if (last < cutoff) {
				this.setActive(u._id, false);
				count++;
			}
		}
		return count;
	}

	// ---------------------------------------------------------------- roles and permissions

	requireRole(name: string): WRole {
		const r = this.findRole(name);
		if (!r) throw new WorldError('error-invalid-role', 'Invalid Role');
		return r;
	}

	findRole(idOrName: string): WRole | undefined {
		const byName = this.roles.get(idOrName);
		if (byName) return byName;
		for (const r of this.roles.values()) if (r._id === idOrName) return r;
		return undefined;
	}

	createRole(name: string, scope: 'Users' | 'Subscriptions' = 'Users', description = ''): WRole {
		if (this.findRole(name)) throw new WorldError('error-duplicate-role-names-not-allowed', 'Role name already exists');
		const role: WRole = { _id: randomId(), name, scope, description, protected: false, mandatory2fa: false };
		this.roles.set(name, role);
		return role;
	}

	addUserToRole(roleName: string, userId: string, roomId?: string): void {
		const role = this.requireRole(roleName);
		const user = this.requireUser(userId);
		if (role.scope === 'Subscriptions') {
			if (!roomId) throw new WorldError('error-invalid-arguments', 'roomId is required for a room role');
			this.addRoomRole(roomId, userId, role.name);
			return;
		}
		if (!user.roles.includes(role.name)) user.roles.push(role.name);
		user._updatedAt = new Date();
	}

	removeUserFromRole(roleName: string, userId: string, roomId?: string): void {
		const role = this.requireRole(roleName);
		const user = this.requireUser(userId);
		if (role.scope === 'Subscriptions') {
			if (!roomId) throw new WorldError('error-invalid-arguments', 'roomId is required for a room role');
			this.removeRoomRole(roomId, userId, role.name);
			return;
		}
		if (!user.roles.includes(role.name)) throw new WorldError('error-user-not-in-role', 'User is not in this role');
		if (role.name === 'admin' && this.usersInRole('admin').length === 1) {
			throw new WorldError('error-action-not-allowed', 'Leaving the app without admins is not allowed');
		}
		user.roles = user.roles.filter((r) => r !== role.name);
		user._updatedAt = new Date();
	}

	usersInRole(roleName: string, roomId?: string): WUser[] {
		if (roomId) {
			const room = this.requireRoom(roomId);
			return Object.entries(room.roomRoles)
				.filter(([, roles]) => roles.includes(roleName))
				.map(([uid]) => this.users.get(uid))
				.filter((u): u is WUser => !!u);
		}
		return [...this.users.values()].filter((u) => u.roles.includes(roleName));
	}

	hasPermission(userId: string, permission: string, roomId?: string): boolean {
		const allowed = this.permissions.get(permission);
		if (!allowed) return false;
		const user = this.users.get(userId);
		if (!user) return false;
		if (user.roles.some((r) => allowed.has(r))) return true;
		if (roomId) {
			const room = this.rooms.get(roomId);
			const roomRoles = room?.roomRoles[userId] ?? [];
			return roomRoles.some((r) => allowed.has(r));
		}
		return false;
	}

	setPermissionRoles(permission: string, roles: string[]): void {
		this.permissions.set(permission, new Set(roles));
	}

	// ---------------------------------------------------------------- rooms

	createRoom(input: CreateRoomInput): WRoom {
		const name = String(input.name ?? '').trim();
		if (!name || !NAME_PATTERN.test(name)) throw new WorldError('error-invalid-room-name', `${name} is not a valid room name`);
		if (input.type !== 'd' && this.findRoomByName(name)) {
			throw new WorldError('error-duplicate-channel-name', `A channel with name '${name}' exists`);
		}
		const creator = this.requireUser(input.creatorId);
		const now = new Date();
		const room: WRoom = {
			_id: randomId(),
			name,
			fname: input.fname ?? name,
			t: input.type,
			u: { _id: creator._id, username: creator.username },
			ts: now,
			_updatedAt: now,
			ro: input.readOnly ?? false,
			default: false,
			msgs: 0,
			members: [creator._id],
			roomRoles: { [creator._id]: ['owner'] },
		};
		if (input.topic) room.topic = input.topic;
		if (input.description) room.description = input.description;
		if (input.customFields) room.customFields = { ...input.customFields };
		for (const username of input.memberUsernames ?? []) {
			const u = this.findUserByUsername(username);
			if (!u) throw new WorldError('error-invalid-user', `Invalid user ${username}`);
			if (!room.members.includes(u._id)) room.members.push(u._id);
		}
		this.rooms.set(room._id, room);
		this.roomMessages.set(room._id, []);
		return room;
	}

	findRoomById(id: string): WRoom | undefined {
		return this.rooms.get(id);
	}

	findRoomByName(name: string): WRoom | undefined {
		for (const r of this.rooms.values()) if (r.name === name) return r;
		return undefined;
	}

	requireRoom(roomId: string): WRoom {
		const r = this.rooms.get(roomId);
		if (!r) throw new WorldError('error-room-not-found', 'The required "roomId" or "roomName" param provided does not match any group');
		return r;
	}

	updateRoom(roomId: string, data: Partial<Pick<WRoom, 'name' | 'fname' | 'topic' | 'description' | 'ro' | 'customFields'>>): WRoom {
		const room = this.requireRoom(roomId);
		if (data.name !== undefined && data.name !== room.name) {
			if (!NAME_PATTERN.test(data.name)) throw new WorldError('error-invalid-room-name', `${data.name} is not a valid room name`);
			if (this.findRoomByName(data.name))
				throw new WorldError('error-duplicate-channel-name', `A channel with name '${data.name}' exists`);
			room.name = data.name;
		}
		if (data.fname !== undefined) room.fname = data.fname;
		if (data.topic !== undefined) room.topic = data.topic;
		if (data.description !== undefined) room.description = data.description;
		if (data.ro !== undefined) room.ro = data.ro;
		if (data.customFields !== undefined) room.customFields = { ...data.customFields };
		room._updatedAt = new Date();
		return room;
	}

	deleteRoom(roomId: string): void {
		this.requireRoom(roomId);
		this.rooms.delete(roomId);
		for (const mid of this.roomMessages.get(roomId) ?? []) this.messages.delete(mid);
		this.roomMessages.delete(roomId);
	}

	/** Adds a member; adding someone already in the room changes nothing (as Rocket.Chat). */
	addMember(roomId: string, userId: string): boolean {
		const room = this.requireRoom(roomId);
		this.requireUser(userId);
		if (room.members.includes(userId)) return false;
		room.members.push(userId);
		room._updatedAt = new Date();
		return true;
	}

	removeMember(roomId: string, userId: string): boolean {
		const room = this.requireRoom(roomId);
		if (!room.members.includes(userId)) return false;
		room.members = room.members.filter((m) => m !== userId);
		delete room.roomRoles[userId];
		room._updatedAt = new Date();
		return true;
	}

	addRoomRole(roomId: string, userId: string, role: string): void {
		const room = this.requireRoom(roomId);
		if (!room.members.includes(userId)) throw new WorldError('error-user-not-in-room', 'User is not in this room');
		const roles = room.roomRoles[userId] ?? [];
		if (roles.includes(role)) {
			const label = role === 'moderator' ? 'a moderator' : role === 'leader' ? 'a leader' : 'an owner';
			throw new WorldError(`error-user-already-${role}`, `User is already ${label}`);
		}
		room.roomRoles[userId] = [...roles, role];
	}

	removeRoomRole(roomId: string, userId: string, role: string): void {
		const room = this.requireRoom(roomId);
		const roles = room.roomRoles[userId] ?? [];
		if (!roles.includes(role)) {
			const label = role === 'moderator' ? 'a moderator' : role === 'leader' ? 'a leader' : 'an owner';
			throw new WorldError(`error-user-not-${role}`, `User is not ${label}`);
		}
		room.roomRoles[userId] = roles.filter((r) => r !== role);
		if (room.roomRoles[userId].length === 0) delete room.roomRoles[userId];
	}

	roomsOfUser(userId: string): WRoom[] {
		return [...this.rooms.values()].filter((r) => r.members.includes(userId));
	}

	// ---------------------------------------------------------------- messages

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

	// ---------------------------------------------------------------- app persistence (see ./persistence.ts)

	persistenceCreate(appId: string, data: unknown, associations: Association[] = []): string {
		return this.persistence.create(appId, data, associations);
	}

	persistenceReadById(appId: string, id: string): unknown {
		return this.persistence.readById(appId, id);
	}

	persistenceReadByAssociations(appId: string, associations: Association[]): unknown[] {
		return this.persistence.readByAssociations(appId, associations);
	}

	persistenceRemove(appId: string, id: string): unknown {
		return this.persistence.remove(appId, id);
	}

	persistenceRemoveByAssociations(appId: string, associations: Association[]): unknown[] | undefined {
		return this.persistence.removeByAssociations(appId, associations);
	}

	persistenceUpdate(appId: string, id: string, data: unknown, upsert: boolean): string {
		return this.persistence.update(appId, id, data, upsert);
	}

	persistenceUpdateByAssociations(appId: string, associations: Association[], data: unknown, upsert: boolean): string {
		return this.persistence.updateByAssociations(appId, associations, data, upsert);
	}

	persistencePurge(appId: string): void {
		this.persistence.purge(appId);
	}

	// ---------------------------------------------------------------- scheduler

	registerProcessors(appId: string, ids: string[]): void {
		this.processors.set(appId, new Set(ids));
	}

	scheduleOnce(appId: string, processorId: string, when: number, data?: Record<string, unknown>): string {
		this.requireProcessor(appId, processorId);
		const job: ScheduledJob = { id: randomId(), appId, processorId, nextRunAt: when, runCount: 0 };
		if (data) job.data = clone(data);
		this.jobs.set(job.id, job);
		return job.id;
	}

	/** A recurring job is unique per processor (Agenda's `every` upserts by name). */
	scheduleRecurring(
		appId: string,
		processorId: string,
		interval: string | number,
		skipImmediate: boolean,
		data?: Record<string, unknown>,
		now = Date.now(),
	): string {
		this.requireProcessor(appId, processorId);
		const intervalMs = parseInterval(interval);
		for (const job of this.jobs.values()) {
			if (job.appId === appId && job.processorId === processorId && job.intervalMs !== undefined) this.jobs.delete(job.id);
		}
		const job: ScheduledJob = {
			id: randomId(),
			appId,
			processorId,
			nextRunAt: skipImmediate ? now + intervalMs : now,
			interval,
			intervalMs,
			runCount: 0,
		};
		if (data) job.data = clone(data);
		this.jobs.set(job.id, job);
		return job.id;
	}

	/** Cancels by job id or by processor id (Rocket.Chat's bridge cancels by name). */
	cancelJob(appId: string, jobIdOrProcessor: string): void {
		for (const job of [...this.jobs.values()]) {
			if (job.appId === appId && (job.id === jobIdOrProcessor || job.processorId === jobIdOrProcessor)) this.jobs.delete(job.id);
		}
	}

	cancelAllJobs(appId: string): void {
		for (const job of [...this.jobs.values()]) if (job.appId === appId) this.jobs.delete(job.id);
	}

	dueJobs(now = Date.now()): ScheduledJob[] {
		return [...this.jobs.values()].filter((j) => j.nextRunAt <= now).sort((a, b) => a.nextRunAt - b.nextRunAt);
	}

	/** Records a run: one-off jobs are removed, recurring ones move to their next time. */
	completeJob(jobId: string, error: string | undefined, now = Date.now()): void {
		const job = this.jobs.get(jobId);
		if (!job) return;
		job.runCount++;
		job.lastRunAt = now;
		if (error) job.lastError = error;
		if (job.intervalMs === undefined) this.jobs.delete(jobId);
		else job.nextRunAt = now + job.intervalMs;
	}

	private requireProcessor(appId: string, processorId: string): void {
		if (!this.processors.get(appId)?.has(processorId)) {
			throw new WorldError('error-invalid-processor', `Processor ${processorId} is not registered`);
		}
	}

	// ---------------------------------------------------------------- REST rate limiting

	/** Counts a REST call; returns the wait in ms when the caller is over the limit. */
	countRestCall(endpoint: string): void {
		this.restCalls.set(endpoint, (this.restCalls.get(endpoint) ?? 0) + 1);
	}

	rateLimitHit(
		endpoint: string,
		callerKey: string,
		bypass: boolean,
		count = true,
		now = Date.now(),
	): { limited: false } | { limited: true; resetAt: number; limit: number } {
		if (count) this.countRestCall(endpoint);
		if (!this.rateLimit.enabled || bypass) return { limited: false };
		const key = `${endpoint}|${callerKey}`;
		let c = this.rateCounters.get(key);
		if (!c || now - c.windowStart >= this.rateLimit.windowMs) {
			c = { windowStart: now, count: 0 };
			this.rateCounters.set(key, c);
		}
		c.count++;
		if (c.count > this.rateLimit.calls) {
			this.rateLimitedCalls++;
			return { limited: true, resetAt: c.windowStart + this.rateLimit.windowMs, limit: this.rateLimit.calls };
		}
		return { limited: false };
	}

	/** Makes the next `count` calls of `endpoint` (`groups.addLeader` or `/api/v1/groups.addLeader`) fail with `status`. */
	failNext(endpoint: string, status: number, count = 1): void {
		this.faults.set(endpoint.startsWith('/api/') ? endpoint : `/api/v1/${endpoint}`, { status, count });
	}

	/** The status an injected failure gives this call of `endpoint`, if one is pending (consumes it). */
	takeFault(endpoint: string): number | undefined {
		const f = this.faults.get(endpoint);
		if (!f || f.count <= 0) return undefined;
		f.count--;
		if (f.count === 0) this.faults.delete(endpoint);
		return f.status;
	}

	resetRateLimits(): void {
		this.rateCounters.clear();
	}
}

/** Parses Agenda-style intervals: a number of ms, "N seconds|minutes|hours|days", or "every N ...". */
export function parseInterval(interval: string | number): number {
	if (typeof interval === 'number') {
		if (!Number.isFinite(interval) || interval <= 0) throw new WorldError('error-invalid-interval', `Invalid interval ${interval}`);
		return interval;
	}
	const m = /^\s*(?:every\s+)?(\d+(?:\.\d+)?)?\s*(ms|milliseconds?|s|secs?|seconds?|m|mins?|minutes?|h|hours?|d|days?)\s*$/i.exec(
		interval,
	);
	if (!m) throw new WorldError('error-invalid-interval', `Unsupported interval "${interval}"`);
	const n = m[1] ? Number(m[1]) : 1;
	const unit = m[2].toLowerCase();
	const factor =
		unit.startsWith('ms') || unit.startsWith('milli')
			? 1
			: unit.startsWith('s')
				? 1000
				: unit.startsWith('m')
					? 60_000
					: unit.startsWith('h')
						? 3_600_000
						: 86_400_000;
	return n * factor;
}

function hashPassword(password: string): { salt: string; hash: string } {
	const salt = randomBytes(16).toString('hex');
	return { salt, hash: scryptSync(password, salt, 32, { N: 1024 }).toString('hex') };
}

function verifyPassword(password: string, stored: { salt: string; hash: string }): boolean {
	const candidate = scryptSync(password, stored.salt, 32, { N: 1024 });
	return timingSafeEqual(candidate, Buffer.from(stored.hash, 'hex'));
}

function clone<T>(v: T): T {
	return v === undefined ? v : structuredClone(v);
}
