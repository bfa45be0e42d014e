import { generateKeyPairSync } from 'node:crypto';

import type { Adversary } from '../adversary';
import { parseInterval, PostMessageInput, randomId, World, WorldError } from './world';
import { WMessage, WRoom, WUser } from './types';

/** The Apps-Engine shape of a user (IUser), built from a world record as Rocket.Chat's converter does. */
export interface AppUser {
	id: string;
	username: string;
	emails: Array<{ address: string; verified: boolean }>;
	type: string;
	isEnabled: boolean;
	name: string;
	roles: string[];
	status: string;
	statusConnection: string;
	utcOffset: number;
	createdAt: Date;
	updatedAt: Date;
	lastLoginAt: Date;
	appId?: string;
	customFields?: Record<string, unknown>;
	bio?: string;
}

export interface AppRoom {
	id: string;
	displayName: string;
	slugifiedName: string;
	type: string;
	creator: AppUser;
	usernames: string[];
	userIds: string[];
	isDefault: boolean;
	isReadOnly: boolean;
	displaySystemMessages: boolean;
	messageCount: number;
	createdAt: Date;
	updatedAt: Date;
	lastModifiedAt: Date;
	description?: string;
	customFields?: Record<string, unknown>;
}

export interface AppMessage {
	id: string;
	room: AppRoom;
	sender: AppUser;
	text: string;
	createdAt: Date;
	updatedAt: Date;
	threadId?: string;
	editor?: AppUser;
	editedAt?: Date;
	alias?: string;
	avatarUrl?: string;
	emoji?: string;
	attachments?: unknown[];
	blocks?: unknown[];
	customFields?: Record<string, unknown>;
	groupable?: boolean;
	/** A system message's type (Rocket.Chat's `t`). */
	type?: string;
}

export interface RegisteredApi {
	appId: string;
	path: string;
	computedPath: string;
	methods: string[];
}

export interface RegisteredCommand {
	appId: string;
	command: string;
	i18nDescription?: string;
	i18nParamsExample?: string;
	providesPreview?: boolean;
	enabled: boolean;
}

/**
 * What the engine bridges ask of the world, in the Apps-Engine's shapes. Every method takes and
 * returns plain, structured-clone-safe data, because a second engine instance calls it over IPC.
 */
export class WorldService {
	/** Each server instance keeps its own command and API registries in memory, as Rocket.Chat does. */
	readonly apis = new Map<number, RegisteredApi[]>();
	readonly commands = new Map<number, Map<string, RegisteredCommand>>();
	readonly appStatus = new Map<string, string>();
	private keys?: { privateKey: string; publicKey: string };

	constructor(
		readonly world: World,
		/** Adversarial mode: the two moves of an upsert get a gap between them (./persistence.ts). */
		private readonly adversary?: Adversary,
	) {}

	// ------------------------------------------------------------ conversions

	toAppUser(u: WUser): AppUser {
		const out: AppUser = {
			id: u._id,
			username: u.username,
			emails: u.emails.map((e) => ({ ...e })),
			type: u.type,
			isEnabled: u.active,
			name: u.name,
			roles: [...u.roles],
			status: 'offline',
			statusConnection: 'offline',
			utcOffset: 0,
			createdAt: u.createdAt,
			updatedAt: u._updatedAt,
			lastLoginAt: u.lastLogin ?? u.createdAt,
		};
		if (u.appId) out.appId = u.appId;
		if (u.customFields) out.customFields = { ...u.customFields };
		if (u.bio) out.bio = u.bio;
		return out;
	}

	toAppRoom(r: WRoom): AppRoom {
		const creator = r.u ? this.world.findUserById(r.u._id) : undefined;
		const usernames = r.members.map((id) => this.world.findUserById(id)?.username).filter((n): n is string => !!n);
		const out: AppRoom = {
			id: r._id,
			displayName: r.fname,
			slugifiedName: r.name,
			type: r.t,
			creator: creator ? this.toAppUser(creator) : this.ghostUser(r.u?._id ?? '', r.u?.username ?? ''),
			usernames,
			userIds: [...r.members],
			isDefault: r.default,
			isReadOnly: r.ro,
			displaySystemMessages: true,
			messageCount: r.msgs,
			createdAt: r.ts,
			updatedAt: r._updatedAt,
			lastModifiedAt: r._updatedAt,
		};
		if (r.topic) out.description = r.topic;
		if (r.customFields) out.customFields = { ...r.customFields };
		return out;
	}

	toAppMessage(m: WMessage): AppMessage {
		const room = this.world.requireRoom(m.rid);
		const sender = this.world.findUserById(m.u._id);
		const out: AppMessage = {
			id: m._id,
			room: this.toAppRoom(room),
			sender: sender ? this.toAppUser(sender) : this.ghostUser(m.u._id, m.u.username),
			text: m.msg,
			createdAt: m.ts,
			updatedAt: m._updatedAt,
		};
		if (m.tmid) out.threadId = m.tmid;
		if (m.t) out.type = m.t;
		if (m.editedAt) out.editedAt = m.editedAt;
		if (m.editedBy) {
			const editor = this.world.findUserById(m.editedBy._id);
			if (editor) out.editor = this.toAppUser(editor);
		}
		if (m.alias) out.alias = m.alias;
		if (m.avatar) out.avatarUrl = m.avatar;
		if (m.emoji) out.emoji = m.emoji;
		if (m.attachments) out.attachments = m.attachments;
		if (m.blocks) out.blocks = m.blocks;
		if (m.customFields) out.customFields = m.customFields;
		if (m.groupable !== undefined) out.groupable = m.groupable;
		return out;
	}

	private ghostUser(id: string, username: string): AppUser {
		const epoch = new Date(0);
		return {
			id,
			username,
			emails: [],
			type: 'user',
			isEnabled: false,
			name: username,
			roles: [],
			status: 'offline',
			statusConnection: 'offline',
			utcOffset: 0,
			createdAt: epoch,
			updatedAt: epoch,
			lastLoginAt: epoch,
		};
	}

	// ------------------------------------------------------------ users

	userById(id: string): AppUser | undefined {
		const u = this.world.findUserById(id);
		return u ? this.toAppUser(u) : undefined;
	}

	userByUsername(username: string): AppUser | undefined {
		const u = this.world.findUserByUsername(username);
		return u ? this.toAppUser(u) : undefined;
	}

	appUser(appId: string): AppUser | undefined {
		for (const u of this.world.users.values()) if (u.type === 'app' && u.appId === appId) return this.toAppUser(u);
		return undefined;
	}

	activeUserCount(): number {
		let n = 0;
		for (const u of this.world.users.values()) if (u.active && u.type === 'user') n++;
		return n;
	}

	userRoomIds(userId: string): string[] {
		return this.world.roomsOfUser(userId).map((r) => r._id);
	}

	/** The engine creates app users (type app/bot) through this; regular users cannot be created by apps. */
	createAppUser(
		data: { username?: string; name?: string; roles?: string[]; type?: string; appId?: string; email?: string },
		appId: string,
	): string {
		const type = data.type === 'bot' ? 'bot' : 'app';
		const user = this.world.createUser({
			username: String(data.username ?? `${appId}.bot`),
			name: data.name,
			roles: data.roles && data.roles.length > 0 ? data.roles : [type],
			type,
			appId: data.appId ?? appId,
			email: data.email,
		});
		return user._id;
	}

	removeUser(userId: string): boolean {
		this.world.removeUser(userId);
		return true;
	}

	/** IUserUpdater: apps may change a few profile fields only. */
	updateUserByApp(userId: string, updates: { bio?: string; statusText?: string; customFields?: Record<string, unknown> }): boolean {
		this.world.updateUser(userId, { bio: updates.bio, customFields: updates.customFields });
		return true;
	}

	deactivateUser(userId: string): boolean {
		this.world.setActive(userId, false);
		return true;
	}

	deleteUsersCreatedByApp(appId: string, type: string): boolean {
		for (const u of [...this.world.users.values()]) if (u.appId === appId && u.type === type) this.world.removeUser(u._id);
		return true;
	}

	// ------------------------------------------------------------ rooms

	roomById(id: string): AppRoom | undefined {
		const r = this.world.findRoomById(id);
		return r ? this.toAppRoom(r) : undefined;
	}

	roomByName(name: string): AppRoom | undefined {
		const r = this.world.findRoomByName(name);
		return r ? this.toAppRoom(r) : undefined;
	}

	roomCreator(idOrName: string, byName: boolean): AppUser | undefined {
		const r = byName ? this.world.findRoomByName(idOrName) : this.world.findRoomById(idOrName);
		return r?.u ? this.userById(r.u._id) : undefined;
	}

	directRoom(usernames: string[]): AppRoom | undefined {
		const ids = usernames.map((n) => this.world.findUserByUsername(n)?._id);
		if (ids.some((id) => !id)) return undefined;
		for (const r of this.world.rooms.values()) {
			if (r.t === 'd' && r.members.length === ids.length && ids.every((id) => r.members.includes(id as string)))
				return this.toAppRoom(r);
		}
		return undefined;
	}

	roomUsernames(roomId: string): string[] {
		const r = this.world.findRoomById(roomId);
		return r ? r.members.map((id) => this.world.findUserById(id)?.username).filter((n): n is string => !!n) : [];
	}

	roomMembers(roomId: string): AppUser[] {
		return this.world
			.requireRoom(roomId)
			.members.map((id) => this.world.findUserById(id))
			.filter((u): u is WUser => !!u)
			.map((u) => this.toAppUser(u));
	}

	roomUsersWithRole(roomId: string, role: string): AppUser[] {
		return this.world.usersInRole(role, roomId).map((u) => this.toAppUser(u));
	}

	/** RoomBridge.create: the app's room, with its creator as owner and the given members. */
	createRoomByApp(
		room: {
			type: string;
			slugifiedName?: string;
			displayName?: string;
			creator: { id: string };
			isReadOnly?: boolean;
			description?: string;
			customFields?: Record<string, unknown>;
		},
		members: string[],
	): string {
		if (room.type !== 'c' && room.type !== 'p' && room.type !== 'd')
			throw new WorldError('error-invalid-room-type', `Invalid room type ${room.type}`);
		const name = room.type === 'd' ? randomId() : String(room.slugifiedName ?? room.displayName ?? '');
		const r = this.world.createRoom({
			name,
			fname: room.displayName ?? name,
			type: room.type,
			creatorId: room.creator.id,
			memberUsernames: members,
			readOnly: room.isReadOnly,
			topic: room.description,
			customFields: room.customFields,
		});
		return r._id;
	}

	updateRoomByApp(
		room: {
			id: string;
			slugifiedName?: string;
			displayName?: string;
			isReadOnly?: boolean;
			description?: string;
			customFields?: Record<string, unknown>;
		},
		members: string[],
	): void {
		this.world.updateRoom(room.id, {
			name: room.slugifiedName,
			fname: room.displayName,
			ro: room.isReadOnly,
			topic: room.description,
			customFields: room.customFields,
		});
		for (const username of members) {
			const u = this.world.findUserByUsername(username);
			if (!u) throw new WorldError('error-invalid-user', `Invalid user ${username}`);
			this.world.addMember(room.id, u._id);
		}
	}

	removeRoomUsers(roomId: string, usernames: string[]): void {
		for (const username of usernames) {
			const u = this.world.findUserByUsername(username);
			if (u) this.world.removeMember(roomId, u._id);
		}
	}

	deleteRoom(roomId: string): void {
		this.world.deleteRoom(roomId);
	}

	roomMessages(roomId: string, options: { limit?: number; skip?: number; sort?: Record<string, string> }): Record<string, unknown>[] {
		const { messages } = this.world.roomHistory(roomId, 0, Number.MAX_SAFE_INTEGER);
		let list = messages;
		if (options.sort?.createdAt === 'asc') list = [...list].reverse();
		const skip = options.skip ?? 0;
		const limit = options.limit ?? 100;
		return list.slice(skip, skip + limit).map((m) => ({
			id: m._id,
			roomId: m.rid,
			sender: { _id: m.u._id, username: m.u.username, name: m.u.name },
			text: m.msg,
			createdAt: m.ts,
			updatedAt: m._updatedAt,
			threadId: m.tmid,
		}));
	}

	allRooms(filters: { types?: string[]; limit?: number; skip?: number }): Record<string, unknown>[] {
		const skip = filters.skip ?? 0;
		const limit = filters.limit ?? 100;
		return [...this.world.rooms.values()]
			.filter((r) => !filters.types || filters.types.includes(r.t))
			.slice(skip, skip + limit)
			.map((r) => ({ id: r._id, name: r.name, displayName: r.fname, type: r.t, userIds: [...r.members], createdAt: r.ts }));
	}

	// ------------------------------------------------------------ messages

	messageById(id: string): AppMessage | undefined {
		const m = this.world.messages.get(id);
		return m ? this.toAppMessage(m) : undefined;
	}

	threadMessages(threadId: string): AppMessage[] {
		const out: AppMessage[] = [];
		const root = this.world.messages.get(threadId);
		if (root) out.push(this.toAppMessage(root));
		for (const m of this.world.messages.values()) if (m.tmid === threadId) out.push(this.toAppMessage(m));
		return out;
	}

	/** MessageBridge.create: a message the app sends (as its bot user unless it names a sender). */
	createMessageByApp(message: Partial<AppMessage> & { room: { id: string }; sender?: { id: string } }, appId: string): string {
		const senderId = message.sender?.id ?? this.appUser(appId)?.id;
		if (!senderId) throw new WorldError('error-invalid-user', 'The message has no sender');
		const input: PostMessageInput = { rid: message.room.id, userId: senderId, text: message.text ?? '', appId };
		if (message.threadId) input.tmid = message.threadId;
		if (message.alias) input.alias = message.alias;
		if (message.avatarUrl) input.avatar = message.avatarUrl;
		if (message.emoji) input.emoji = message.emoji;
		if (message.attachments) input.attachments = message.attachments;
		if (message.blocks) input.blocks = message.blocks;
		if (message.customFields) input.customFields = message.customFields;
		if (message.groupable !== undefined) input.groupable = message.groupable;
		return this.world.postMessage(input)._id;
	}

	updateMessageByApp(message: Partial<AppMessage> & { id: string; editor?: { id: string } }, appId: string): void {
		const editorId = message.editor?.id ?? this.appUser(appId)?.id;
		if (!editorId) throw new WorldError('error-invalid-user', 'The update has no editor');
		this.world.updateMessage(message.id, message.text ?? '', editorId);
	}

	deleteMessage(messageId: string): void {
		this.world.deleteMessage(messageId);
	}

	notifyUser(userId: string, message: { room?: { id: string }; text?: string; blocks?: unknown[] }, appId: string): void {
		const notice = {
			userId,
			roomId: message.room?.id ?? '',
			text: message.text ?? '',
			ts: new Date(),
			appId,
		} as (typeof this.world.ephemeral)[number];
		if (message.blocks) notice.blocks = message.blocks;
		this.world.ephemeral.push(notice);
	}

	notifyRoom(roomId: string, message: { text?: string; blocks?: unknown[] }, appId: string): void {
		const room = this.world.requireRoom(roomId);
		for (const userId of room.members) this.notifyUser(userId, { room: { id: roomId }, ...message }, appId);
	}

	uiNotify(userId: string, interaction: unknown, appId: string): void {
		this.world.uiNotices.push({ userId, interaction, appId, ts: new Date() });
	}

	// ------------------------------------------------------------ roles and settings

	role(idOrName: string): Record<string, unknown> | null {
		const r = this.world.findRole(idOrName);
		return r
			? { id: r._id, name: r.name, description: r.description, scope: r.scope, protected: r.protected, mandatory2fa: r.mandatory2fa }
			: null;
	}

	customRoles(): Record<string, unknown>[] {
		return [...this.world.roles.values()]
			.filter((r) => !r.protected)
			.map((r) => ({
				id: r._id,
				name: r.name,
				description: r.description,
				scope: r.scope,
				protected: r.protected,
				mandatory2fa: r.mandatory2fa,
			}));
	}

	serverSetting(id: string): Record<string, unknown> | undefined {
		if (!this.world.serverSettings.has(id)) return undefined;
		const value = this.world.serverSettings.get(id);
		return {
			id,
			type: typeof value === 'boolean' ? 'boolean' : typeof value === 'number' ? 'int' : 'string',
			value,
			packageValue: value,
			required: false,
			public: true,
			i18nLabel: id,
		};
	}

	serverSettings(): Record<string, unknown>[] {
		return [...this.world.serverSettings.keys()].map((id) => this.serverSetting(id) as Record<string, unknown>);
	}

	updateServerSetting(id: string, value: unknown): void {
		this.world.serverSettings.set(id, value);
	}

	envValue(name: string): string | undefined {
		return this.world.env.get(name);
	}

	federationKeys(): { privateKey: string; publicKey: string } {
		if (!this.keys) {
			const { privateKey, publicKey } = generateKeyPairSync('rsa', {
				modulusLength: 2048,
				privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
				publicKeyEncoding: { type: 'spki', format: 'pem' },
			});
			this.keys = { privateKey, publicKey };
		}
		return this.keys;
	}

	// ------------------------------------------------------------ persistence

	persistenceCreate(appId: string, data: unknown, associations: Array<{ model: string; id: string }>): string {
		return this.world.persistenceCreate(appId, data, associations);
	}
	persistenceReadById(appId: string, id: string): unknown {
		return this.world.persistenceReadById(appId, id);
	}
	persistenceReadByAssociations(appId: string, associations: Array<{ model: string; id: string }>): unknown[] {
		return this.world.persistenceReadByAssociations(appId, associations);
	}
	persistenceRemove(appId: string, id: string): unknown {
		return this.world.persistenceRemove(appId, id);
	}
	persistenceRemoveByAssociations(appId: string, associations: Array<{ model: string; id: string }>): unknown[] | undefined {
		return this.world.persistenceRemoveByAssociations(appId, associations);
	}
	persistenceUpdate(appId: string, id: string, data: unknown, upsert: boolean): string {
		return this.world.persistenceUpdate(appId, id, data, upsert);
	}
	/** An upsert finds, then writes; in adversarial mode other calls run in between, so two upserts can both insert. */
	async persistenceUpdateByAssociations(
		appId: string,
		associations: Array<{ model: string; id: string }>,
		data: unknown,
		upsert: boolean,
	): Promise<string> {
		if (!this.adversary) return this.world.persistenceUpdateByAssociations(appId, associations, data, upsert);
		if (typeof data !== 'object' || data === null) throw new Error('Attempted to store an invalid data type, it must be an object.');
		const matched = this.world.persistence.matchExact(appId, associations);
		await this.adversary.pause();
		return this.world.persistence.applyUpsert(appId, matched, associations, data, upsert);
	}
	persistencePurge(appId: string): void {
		this.world.persistencePurge(appId);
	}

	// ------------------------------------------------------------ scheduler

	registerProcessors(appId: string, processors: Array<{ id: string; startupSetting?: Record<string, unknown> }>): string[] {
		this.world.registerProcessors(
			appId,
			processors.map((p) => p.id),
		);
		const ids: string[] = [];
		for (const p of processors) {
			const s = p.startupSetting;
			if (!s) continue;
			if (s.type === 'recurring') {
				ids.push(
					this.world.scheduleRecurring(
						appId,
						p.id,
						s.interval as string | number,
						Boolean(s.skipImmediate),
						s.data as Record<string, unknown> | undefined,
					),
				);
			} else if (s.type === 'onetime') {
				ids.push(
					this.world.scheduleOnce(appId, p.id, parseWhen(s.when as string | Date), s.data as Record<string, unknown> | undefined),
				);
			}
		}
		return ids;
	}

	scheduleOnce(appId: string, job: { id: string; when: string | Date; data?: Record<string, unknown> }): string {
		return this.world.scheduleOnce(appId, job.id, parseWhen(job.when), job.data);
	}

	scheduleRecurring(
		appId: string,
		job: { id: string; interval: string | number; skipImmediate?: boolean; data?: Record<string, unknown> },
	): string {
		return this.world.scheduleRecurring(appId, job.id, job.interval, Boolean(job.skipImmediate), job.data);
	}

	cancelJob(appId: string, jobId: string): void {
		this.world.cancelJob(appId, jobId);
	}

	cancelAllJobs(appId: string): void {
		this.world.cancelAllJobs(appId);
	}

	// ------------------------------------------------------------ registrations (commands, apis, status)

	commandsOf(instance: number): Map<string, RegisteredCommand> {
		let m = this.commands.get(instance);
		if (!m) this.commands.set(instance, (m = new Map<string, RegisteredCommand>()));
		return m;
	}

	apisOf(instance: number): RegisteredApi[] {
		let list = this.apis.get(instance);
		if (!list) this.apis.set(instance, (list = []));
		return list;
	}

	registerCommand(instance: number, appId: string, command: Omit<RegisteredCommand, 'appId' | 'enabled'>): void {
		const commands = this.commandsOf(instance);
		if (commands.has(command.command) && commands.get(command.command)?.appId !== appId) {
			throw new WorldError('error-command-exists', `Command ${command.command} already exists`);
		}
		commands.set(command.command, { ...command, appId, enabled: true });
	}

	unregisterCommand(instance: number, command: string): void {
		this.commandsOf(instance).delete(command);
	}

	setCommandEnabled(instance: number, command: string, enabled: boolean): void {
		const c = this.commandsOf(instance).get(command);
		if (c) c.enabled = enabled;
	}

	commandExists(instance: number, command: string): boolean {
		return this.commandsOf(instance).has(command);
	}

	registerApi(instance: number, api: RegisteredApi): void {
		const apis = this.apisOf(instance);
		const i = apis.findIndex((a) => a.appId === api.appId && a.path === api.path);
		if (i >= 0) apis.splice(i, 1);
		apis.push(api);
	}

	unregisterApis(instance: number, appId: string): void {
		const apis = this.apisOf(instance);
		for (let i = apis.length - 1; i >= 0; i--) if (apis[i].appId === appId) apis.splice(i, 1);
	}

	setAppStatus(appId: string, status: string): void {
		this.appStatus.set(appId, status);
	}

	recordPermissionError(message: string): void {
		this.world.permissionErrors.push({ message, ts: new Date() });
	}

	recordServerError(source: string, message: string): void {
		this.world.serverErrors.push({ source, message: message.slice(0, 2000), ts: new Date() });
	}

	recordOutbound(call: { appId: string; method: string; url: string; status: number }): void {
		this.world.outboundCalls.push({ ...call, ts: new Date() });
	}

	sentEmail(): void {
		// The sandbox keeps no mail server; e-mails are accepted and dropped.
	}

	// ------------------------------------------------------------ Apps-Engine storages (shared by every instance)

	storageCreate(item: Record<string, unknown>): Record<string, unknown> {
		const doc = { ...item, _id: (item._id as string) ?? randomId(), createdAt: new Date(), updatedAt: new Date() };
		this.world.appStorage.set(String(item.id), doc);
		return doc;
	}

	storageRetrieveOne(id: string): Record<string, unknown> | null {
		return this.world.appStorage.get(id) ?? null;
	}

	storageRetrieveAll(): Map<string, Record<string, unknown>> {
		return new Map(this.world.appStorage);
	}

	storageRemove(id: string): { success: boolean } {
		return { success: this.world.appStorage.delete(id) };
	}

	storageUpdatePartial(item: Record<string, unknown>, unsetPermissionsGranted: boolean): Record<string, unknown> {
		const existing = this.world.appStorage.get(String(item.id)) ?? {};
		const doc: Record<string, unknown> = { ...existing, ...item, updatedAt: new Date() };
		if (unsetPermissionsGranted) delete doc.permissionsGranted;
		this.world.appStorage.set(String(item.id), doc);
		return doc;
	}

	storageUpdateField(id: string, field: string, value: unknown): boolean {
		const doc = this.findStorageByDocOrAppId(id);
		if (!doc) return false;
		doc[field] = value;
		doc.updatedAt = new Date();
		return true;
	}

	storageUpdateSetting(id: string, setting: Record<string, unknown>): boolean {
		const doc = this.findStorageByDocOrAppId(id);
		if (!doc) return false;
		const settings = (doc.settings as Record<string, unknown>) ?? {};
		settings[String(setting.id)] = setting;
		doc.settings = settings;
		doc.updatedAt = new Date();
		return true;
	}

	private findStorageByDocOrAppId(id: string): Record<string, unknown> | undefined {
		const direct = this.world.appStorage.get(id);
		if (direct) return direct;
		for (const doc of this.world.appStorage.values()) if (doc._id === id) return doc;
		return undefined;
	}

	sourceStore(appId: string, zip: Buffer): string {
		this.world.appSources.set(appId, Buffer.from(zip));
		return `sandbox://apps/${appId}`;
	}

	sourceFetch(appId: string): Buffer {
		const zip = this.world.appSources.get(appId);
		if (!zip) throw new WorldError('error-not-found', `No source stored for app ${appId}`);
		return zip;
	}

	sourceRemove(appId: string): void {
		this.world.appSources.delete(appId);
	}

	logStore(entry: Record<string, unknown>): Record<string, unknown> {
		const doc = { ...entry, _id: randomId(), seq: ++this.world.appLogCount };
		this.world.appLogs.push(doc);
		if (this.world.appLogs.length > 5000) this.world.appLogs.splice(0, this.world.appLogs.length - 5000);
		return doc;
	}

	logEntriesFor(appId: string): unknown[] {
		return this.world.appLogs.filter((e) => (e as { appId?: string }).appId === appId);
	}

	logRemoveFor(appId: string): void {
		for (let i = this.world.appLogs.length - 1; i >= 0; i--) {
			if ((this.world.appLogs[i] as { appId?: string }).appId === appId) this.world.appLogs.splice(i, 1);
		}
	}
}

/** Agenda-style `when`: a Date, an ISO string, "now", or "in N units" / "N units". */
export function parseWhen(when: string | Date, now = Date.now()): number {
	if (when instanceof Date) return when.getTime();
	const s = String(when).trim();
	if (s === 'now') return now;
	const rel = /^(?:in\s+)?(.+)$/i.exec(s);
	if (rel && /\d|second|minute|hour|day/i.test(rel[1]) && !/^\d{4}-\d{2}-\d{2}/.test(s)) {
		try {
			return now + parseInterval(rel[1]);
		} catch {
			// fall through to a date string
		}
	}
	const t = Date.parse(s);
	if (Number.isNaN(t)) throw new WorldError('error-invalid-date', `Invalid schedule time "${s}"`);
	return t;
}
