import { createHash, randomBytes, scryptSync, timingSafeEqual } from 'node:crypto';

import { hashLoginToken, NAME_PATTERN, randomId, WorldBase, WorldError } from './base';
import { TwoFactor } from './twoFactor';
import type { UserType, WRole, WUser } from './types';

const MAX_LOGIN_TOKENS = 50;

export interface CreateUserInput {
	/** A fixed id (the built-in bot's is its username); a random one otherwise. */
	_id?: string;
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

/**
 * Accounts, their login tokens and passwords, and the roles and permissions they hold, as
 * Rocket.Chat's users, roles and permissions collections.
 */
export abstract class UsersWorld extends WorldBase {
	/** Users' second factors, checked at login; codes by e-mail go only to accounts with a verified address. */
	readonly twoFactor = new TwoFactor((userId) => this.users.get(userId)?.emails.some((e) => e.verified) ?? false);

	/** Gives a member a room role (the rooms part of the world). */
	abstract addRoomRole(roomId: string, userId: string, role: string, by?: string): void;
	/** Takes a room role from a member (the rooms part of the world). */
	abstract removeRoomRole(roomId: string, userId: string, role: string, by?: string): void;

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
		if (input._id !== undefined && this.users.has(input._id)) throw new WorldError('error-duplicate-user-id', 'User id already exists');
		const user: WUser = {
			_id: input._id ?? randomId(),
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

	/** Sets the avatar from a URL, or (no URL) from an uploaded image. */
	setAvatar(userId: string, avatarUrl: string | undefined): WUser {
		const user = this.requireUser(userId);
		if (avatarUrl === undefined) delete user.avatarUrl;
		else user.avatarUrl = avatarUrl;
		user.avatarOrigin = avatarUrl === undefined ? 'upload' : 'url';
		user.avatarETag = randomId(8);
		user._updatedAt = new Date();
		return user;
	}

	resetAvatar(userId: string): WUser {
		const user = this.requireUser(userId);
		delete user.avatarUrl;
		delete user.avatarOrigin;
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

	/**
	 * A new login token (at most 50 kept per user, oldest dropped); `login` records it as a login
	 * (users.createToken hands out a token without one).
	 */
	createLoginToken(userId: string, login = true): string {
		const user = this.requireUser(userId);
		const token = randomBytes(32).toString('base64url');
		user.loginTokens.push({ hashedToken: hashLoginToken(token), when: new Date() });
		const regular = user.loginTokens.filter((t) => t.type !== 'personalAccessToken');
		if (regular.length > MAX_LOGIN_TOKENS) {
			const drop = new Set(regular.slice(0, regular.length - MAX_LOGIN_TOKENS));
			user.loginTokens = user.loginTokens.filter((t) => !drop.has(t));
		}
		if (login) user.lastLogin = new Date();
		return token;
	}

	createPersonalAccessToken(userId: string, name: string): string {
		const user = this.requireUser(userId);
		const token = randomBytes(32).toString('base64url');
		user.loginTokens.push({ hashedToken: hashLoginToken(token), when: new Date(), type: 'personalAccessToken', name });
		return token;
	}

	/**
	 * Checks a password (plain, or its SHA-256 digest as Meteor clients send it); returns the user or
	 * throws Rocket.Chat's login error. The second factor is checked by the login route (`twoFactor`).
	 */
	checkPassword(usernameOrEmail: string, password: string | { digest: string }): WUser {
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

	/**
	 * Deactivates the active holders of `role` whose last login is `days` days old or more, or who
	 * never logged in and were created that long ago (Rocket.Chat's setActiveNotLoggedInAfterWithRole);
	 * returns how many.
	 */
	deactivateIdle(days: number, role: string, now = Date.now()): number {
		const cutoff = now - days * 86_400_000;
		let count = 0;
		for (const u of this.users.values()) {
			if (!u.active || !u.roles.includes(role)) continue;
			if (u.lastLogin ? u.lastLogin.getTime() <= cutoff : u.createdAt.getTime() <= cutoff) {
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
			const room = this.rooms.get(roomId);
			if (!room)
				throw new WorldError('error-room-not-found', 'The required "roomId" or "roomName" param provided does not match any group');
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
		this.permissionsUpdatedAt.set(permission, new Date());
	}
}

/** Rocket.Chat stores a hash of the password's SHA-256 digest, so clients may log in with the digest alone. */
function passwordDigest(password: string | { digest: string }): string {
	return typeof password === 'string' ? createHash('sha256').update(password).digest('hex') : password.digest.toLowerCase();
}

function hashPassword(password: string): { salt: string; hash: string } {
	const salt = randomBytes(16).toString('hex');
	return { salt, hash: scryptSync(passwordDigest(password), salt, 32, { N: 1024 }).toString('hex') };
}

function verifyPassword(password: string | { digest: string }, stored: { salt: string; hash: string }): boolean {
	const candidate = scryptSync(passwordDigest(password), stored.salt, 32, { N: 1024 });
	return timingSafeEqual(candidate, Buffer.from(stored.hash, 'hex'));
}
