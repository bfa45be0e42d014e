/**
 * The Apps-Engine bridges of one sandboxed server instance. Every bridge extends the engine's own
 * abstract class (loaded from the engine copy the instance runs, so the engine's permission checks
 * in the `do*` methods apply), and reads or writes the shared world through `world`.
 */
import type * as BridgesModule from '@rocket.chat/apps-engine/server/bridges';
import type { IHttpResponse } from '@rocket.chat/apps-engine/definition/accessors';
import type { IMessage } from '@rocket.chat/apps-engine/definition/messages';
import type { IRoom } from '@rocket.chat/apps-engine/definition/rooms';
import type { ISetting } from '@rocket.chat/apps-engine/definition/settings';
import type { IUser } from '@rocket.chat/apps-engine/definition/users';
import type { RocketChatAssociationRecord } from '@rocket.chat/apps-engine/definition/metadata';
import type { AppApi } from '@rocket.chat/apps-engine/server/managers/AppApi';
import type { ISlashCommand } from '@rocket.chat/apps-engine/definition/slashcommands';

import type { Remote } from '../rpc';
import type { WorldService } from '../world/service';
import { httpRequest } from '../http-client';
import { engineRequire } from './engine-dir';

type Bridges = typeof BridgesModule;
const B = engineRequire<Bridges>('server/bridges');

export type WorldClient = Remote<WorldService>;

/** This server instance's number: command and API registries are per instance. */
const INSTANCE = Number(process.env.SANDBOX_INSTANCE ?? 1);

/** Hooks the host gives the bridges: events that must reach the engine of this instance. */
export interface BridgeHooks {
	/** A message the app created: Rocket.Chat runs the post-message listeners for it. */
	onAppMessageCreated(messageId: string): void;
	onAppMessageUpdated(messageId: string): void;
}

type Assoc = RocketChatAssociationRecord[];

const notSupported = (what: string) => (): never => {
	throw new Error(`${what} is not available in the sandbox`);
};

class SandboxApiBridge extends B.ApiBridge {
	constructor(private readonly world: WorldClient) {
		super();
	}
	protected async registerApi(api: AppApi, appId: string): Promise<void> {
		const methods = (api.endpoint as unknown as { _availableMethods?: string[] })._availableMethods ?? [];
		await this.world.registerApi(INSTANCE, { appId, path: api.endpoint.path, computedPath: api.computedPath, methods });
	}
	protected async unregisterApis(appId: string): Promise<void> {
		await this.world.unregisterApis(INSTANCE, appId);
	}
}

class SandboxCommandBridge extends B.CommandBridge {
	constructor(private readonly world: WorldClient) {
		super();
	}
	protected doesCommandExist(command: string): Promise<boolean> {
		return this.world.commandExists(INSTANCE, command);
	}
	protected async enableCommand(command: string): Promise<void> {
		await this.world.setCommandEnabled(INSTANCE, command, true);
	}
	protected async disableCommand(command: string): Promise<void> {
		await this.world.setCommandEnabled(INSTANCE, command, false);
	}
	protected async modifyCommand(command: ISlashCommand, appId: string): Promise<void> {
		await this.world.registerCommand(INSTANCE, appId, commandRecord(command));
	}
	protected async registerCommand(command: ISlashCommand, appId: string): Promise<void> {
		await this.world.registerCommand(INSTANCE, appId, commandRecord(command));
	}
	protected async unregisterCommand(command: string): Promise<void> {
		await this.world.unregisterCommand(INSTANCE, command);
	}
}

function commandRecord(c: ISlashCommand): {
	command: string;
	i18nDescription?: string;
	i18nParamsExample?: string;
	providesPreview?: boolean;
} {
	return {
		command: c.command,
		i18nDescription: c.i18nDescription,
		i18nParamsExample: c.i18nParamsExample,
		providesPreview: c.providesPreview,
	};
}

class SandboxPersistenceBridge extends B.PersistenceBridge {
	constructor(private readonly world: WorldClient) {
		super();
	}
	protected async purge(appId: string): Promise<void> {
		await this.world.persistencePurge(appId);
	}
	protected create(data: object, appId: string): Promise<string> {
		return this.world.persistenceCreate(appId, data, []);
	}
	protected createWithAssociations(data: object, associations: Assoc, appId: string): Promise<string> {
		return this.world.persistenceCreate(appId, data, plainAssociations(associations));
	}
	protected async readById(id: string, appId: string): Promise<object> {
		return (await this.world.persistenceReadById(appId, id)) as object;
	}
	protected async readByAssociations(associations: Assoc, appId: string): Promise<Array<object>> {
		return (await this.world.persistenceReadByAssociations(appId, plainAssociations(associations))) as object[];
	}
	protected async remove(id: string, appId: string): Promise<object | undefined> {
		return (await this.world.persistenceRemove(appId, id)) as object | undefined;
	}
	protected async removeByAssociations(associations: Assoc, appId: string): Promise<Array<object> | undefined> {
		return (await this.world.persistenceRemoveByAssociations(appId, plainAssociations(associations))) as object[] | undefined;
	}
	protected update(id: string, data: object, upsert: boolean, appId: string): Promise<string> {
		return this.world.persistenceUpdate(appId, id, data, upsert);
	}
	protected updateByAssociations(associations: Assoc, data: object, upsert: boolean, appId: string): Promise<string> {
		return this.world.persistenceUpdateByAssociations(appId, plainAssociations(associations), data, upsert);
	}
}

/** Associations arrive from the Deno runtime as plain `{model, id}` objects. */
function plainAssociations(associations: Assoc): Array<{ model: string; id: string }> {
	return (associations as unknown as Array<{ model: string; id: string }>).map((a) => ({ model: String(a.model), id: String(a.id) }));
}

class SandboxRoomBridge extends B.RoomBridge {
	constructor(
		private readonly world: WorldClient,
		private readonly usernamesCache: Map<string, string[]>,
	) {
		super();
	}
	private remember<T extends { id: string; usernames?: string[] } | undefined>(room: T): T {
		if (room?.usernames) this.usernamesCache.set(room.id, room.usernames);
		return room;
	}
	protected async create(room: IRoom, members: Array<string>): Promise<string> {
		return this.world.createRoomByApp(room, members ?? []);
	}
	protected async getById(roomId: string): Promise<IRoom> {
		return this.remember(await this.world.roomById(roomId)) as unknown as IRoom;
	}
	protected async getByName(roomName: string): Promise<IRoom> {
		return this.remember(await this.world.roomByName(roomName)) as unknown as IRoom;
	}
	protected async getCreatorById(roomId: string): Promise<IUser | undefined> {
		return (await this.world.roomCreator(roomId, false)) as unknown as IUser | undefined;
	}
	protected async getCreatorByName(roomName: string): Promise<IUser | undefined> {
		return (await this.world.roomCreator(roomName, true)) as unknown as IUser | undefined;
	}
	protected async getDirectByUsernames(usernames: Array<string>): Promise<IRoom | undefined> {
		return this.remember(await this.world.directRoom(usernames)) as unknown as IRoom | undefined;
	}
	protected async getMembers(roomId: string): Promise<Array<IUser>> {
		return (await this.world.roomMembers(roomId)) as unknown as IUser[];
	}
	protected async getAllRooms(filters: { types?: string[] }, options: { limit?: number; skip?: number }): Promise<never[]> {
		return (await this.world.allRooms({ types: filters?.types, limit: options?.limit, skip: options?.skip })) as never[];
	}
	protected async update(room: IRoom, members: Array<string>): Promise<void> {
		await this.world.updateRoomByApp(room, members ?? []);
	}
	protected createDiscussion = notSupported('Discussions') as never;
	protected async delete(roomId: string): Promise<void> {
		await this.world.deleteRoom(roomId);
	}
	protected async getModerators(roomId: string): Promise<Array<IUser>> {
		return (await this.world.roomUsersWithRole(roomId, 'moderator')) as unknown as IUser[];
	}
	protected async getOwners(roomId: string): Promise<Array<IUser>> {
		return (await this.world.roomUsersWithRole(roomId, 'owner')) as unknown as IUser[];
	}
	protected async getLeaders(roomId: string): Promise<Array<IUser>> {
		return (await this.world.roomUsersWithRole(roomId, 'leader')) as unknown as IUser[];
	}
	protected async getMessages(
		roomId: string,
		options: { limit?: number; skip?: number; sort?: Record<string, string> },
	): Promise<never[]> {
		return (await this.world.roomMessages(roomId, options ?? {})) as never[];
	}
	protected async removeUsers(roomId: string, usernames: Array<string>): Promise<void> {
		await this.world.removeRoomUsers(roomId, usernames);
	}
	protected async getUnreadByUser(): Promise<never[]> {
		return [];
	}
	protected async getUserUnreadMessageCount(): Promise<number> {
		return 0;
	}
}

class SandboxUserBridge extends B.UserBridge {
	constructor(private readonly world: WorldClient) {
		super();
	}
	protected async getById(id: string): Promise<IUser> {
		return (await this.world.userById(id)) as unknown as IUser;
	}
	protected async getByUsername(username: string): Promise<IUser> {
		return (await this.world.userByUsername(username)) as unknown as IUser;
	}
	protected async getAppUser(appId?: string): Promise<IUser | undefined> {
		return appId ? ((await this.world.appUser(appId)) as unknown as IUser | undefined) : undefined;
	}
	protected getActiveUserCount(): Promise<number> {
		return this.world.activeUserCount();
	}
	protected async getUserUnreadMessageCount(): Promise<number> {
		return 0;
	}
	protected getUserRoomIds(userId: string): Promise<string[]> {
		return this.world.userRoomIds(userId);
	}
	protected create(data: Partial<IUser>, appId: string): Promise<string> {
		return this.world.createAppUser(data, appId);
	}
	protected remove(user: IUser): Promise<boolean> {
		return this.world.removeUser(user.id);
	}
	protected update(user: IUser, updates: Partial<IUser>): Promise<boolean> {
		return this.world.updateUserByApp(user.id, updates);
	}
	protected deleteUsersCreatedByApp(appId: string, type: string): Promise<boolean> {
		return this.world.deleteUsersCreatedByApp(appId, type);
	}
	protected deactivate(userId: string): Promise<boolean> {
		return this.world.deactivateUser(userId);
	}
}

class SandboxMessageBridge extends B.MessageBridge {
	constructor(
		private readonly world: WorldClient,
		private readonly hooks: BridgeHooks,
	) {
		super();
	}
	protected async create(message: IMessage, appId: string): Promise<string> {
		const id = await this.world.createMessageByApp(message as never, appId);
		this.hooks.onAppMessageCreated(id);
		return id;
	}
	protected async update(message: IMessage, appId: string): Promise<void> {
		await this.world.updateMessageByApp(message as never, appId);
		if (message.id) this.hooks.onAppMessageUpdated(message.id);
	}
	protected async notifyUser(user: IUser, message: IMessage, appId: string): Promise<void> {
		await this.world.notifyUser(
			user.id,
			{ room: message.room ? { id: message.room.id } : undefined, text: message.text, blocks: message.blocks },
			appId,
		);
	}
	protected async notifyRoom(room: IRoom, message: IMessage, appId: string): Promise<void> {
		await this.world.notifyRoom(room.id, { text: message.text, blocks: message.blocks }, appId);
	}
	protected async typing(): Promise<void> {
		// Typing indicators have no effect in the sandbox.
	}
	protected async getById(messageId: string): Promise<IMessage> {
		return (await this.world.messageById(messageId)) as unknown as IMessage;
	}
	protected async delete(message: IMessage): Promise<void> {
		if (message.id) await this.world.deleteMessage(message.id);
	}
	protected async addReaction(): Promise<void> {
		// Reactions are not kept by the sandbox.
	}
	protected async removeReaction(): Promise<void> {
		// Reactions are not kept by the sandbox.
	}
}

class SandboxSchedulerBridge extends B.SchedulerBridge {
	constructor(private readonly world: WorldClient) {
		super();
	}
	protected async registerProcessors(processors: Array<{ id: string; startupSetting?: unknown }>, appId: string): Promise<string[]> {
		return this.world.registerProcessors(
			appId,
			processors.map((p) => ({ id: p.id, startupSetting: p.startupSetting as Record<string, unknown> | undefined })),
		);
	}
	protected scheduleOnce(job: { id: string; when: string | Date; data?: object }, appId: string): Promise<string> {
		return this.world.scheduleOnce(appId, { id: job.id, when: job.when, data: job.data as Record<string, unknown> | undefined });
	}
	protected scheduleRecurring(
		job: { id: string; interval: string | number; skipImmediate?: boolean; data?: object },
		appId: string,
	): Promise<string> {
		return this.world.scheduleRecurring(appId, {
			id: job.id,
			interval: job.interval,
			skipImmediate: job.skipImmediate,
			data: job.data as Record<string, unknown> | undefined,
		});
	}
	protected async cancelJob(jobId: string, appId: string): Promise<void> {
		await this.world.cancelJob(appId, jobId);
	}
	protected async cancelAllJobs(appId: string): Promise<void> {
		await this.world.cancelAllJobs(appId);
	}
}

class SandboxHttpBridge extends B.HttpBridge {
	constructor(private readonly world: WorldClient) {
		super();
	}
	protected async call(info: BridgesModule.IHttpBridgeRequestInfo): Promise<IHttpResponse> {
		const req = info.request ?? {};
		const url = new URL(info.url);
		for (const [k, v] of Object.entries(req.params ?? {})) url.searchParams.set(k, String(v));
		const headers: Record<string, string> = { ...(req.headers ?? {}) };
		let body: string | undefined;
		if (req.content !== undefined) body = req.content;
		else if (req.data !== undefined) {
			body = JSON.stringify(req.data);
			if (!Object.keys(headers).some((h) => h.toLowerCase() === 'content-type')) headers['Content-Type'] = 'application/json';
		}
		const timeout = typeof req.timeout === 'number' && req.timeout > 0 ? req.timeout : 60_000;
		const method = String(info.method).toUpperCase();
		let status = 0;
		try {
			const res = await httpRequest(url, method, headers, method === 'GET' || method === 'HEAD' ? undefined : body, timeout);
			status = res.status;
			const out: IHttpResponse = {
				url: url.toString(),
				method: info.method,
				statusCode: res.status,
				headers: res.headers,
				content: res.body,
			};
			if ((res.headers['content-type'] ?? '').includes('json')) {
				try {
					out.data = JSON.parse(res.body) as unknown;
				} catch {
					// Not JSON after all; the app gets the text in `content`.
				}
			}
			return out;
		} finally {
			void this.world
				.recordOutbound({ appId: info.appId, method, url: `${url.origin}${url.pathname}`, status })
				.catch(() => undefined);
		}
	}
}

class SandboxServerSettingBridge extends B.ServerSettingBridge {
	constructor(private readonly world: WorldClient) {
		super();
	}
	protected async getAll(): Promise<ISetting[]> {
		return (await this.world.serverSettings()) as unknown as ISetting[];
	}
	protected async getOneById(id: string): Promise<ISetting> {
		return (await this.world.serverSetting(id)) as unknown as ISetting;
	}
	protected async hideGroup(): Promise<void> {}
	protected async hideSetting(): Promise<void> {}
	protected async isReadableById(): Promise<boolean> {
		return true;
	}
	protected async updateOne(setting: ISetting): Promise<void> {
		await this.world.updateServerSetting(setting.id, setting.value);
	}
	protected async incrementValue(id: string, value: number): Promise<void> {
		const current = (await this.world.serverSetting(id))?.value;
		await this.world.updateServerSetting(id, (typeof current === 'number' ? current : 0) + value);
	}
}

class SandboxRoleBridge extends B.RoleBridge {
	constructor(private readonly world: WorldClient) {
		super();
	}
	protected async getOneByIdOrName(idOrName: string): Promise<never> {
		return (await this.world.role(idOrName)) as never;
	}
	protected async getCustomRoles(): Promise<never[]> {
		return (await this.world.customRoles()) as never[];
	}
}

class SandboxEnvironmentalVariableBridge extends B.EnvironmentalVariableBridge {
	constructor(private readonly world: WorldClient) {
		super();
	}
	protected getValueByName(name: string): Promise<string | undefined> {
		return this.world.envValue(name);
	}
	protected async isReadable(name: string): Promise<boolean> {
		return ['NODE_ENV', 'ROOT_URL', 'INSTANCE_IP'].includes(name.toUpperCase());
	}
	protected async isSet(name: string): Promise<boolean> {
		return (await this.world.envValue(name)) !== undefined;
	}
}

class SandboxUiInteractionBridge extends B.UiInteractionBridge {
	constructor(private readonly world: WorldClient) {
		super();
	}
	protected async notifyUser(user: IUser, interaction: unknown, appId: string): Promise<void> {
		await this.world.uiNotify(user.id, interaction, appId);
	}
}

class SandboxActivationBridge extends B.AppActivationBridge {
	constructor(private readonly world: WorldClient) {
		super();
	}
	protected async appAdded(): Promise<void> {}
	protected async appUpdated(): Promise<void> {}
	protected async appRemoved(app: { getID(): string }): Promise<void> {
		await this.world.setAppStatus(app.getID(), 'removed');
	}
	protected async appStatusChanged(app: { getID(): string }, status: string): Promise<void> {
		await this.world.setAppStatus(app.getID(), status);
	}
	protected async actionsChanged(): Promise<void> {}
}

class SandboxDetailChangesBridge extends B.AppDetailChangesBridge {
	protected onAppSettingsChange(): void {
		// The sandbox's main process tells every instance about setting changes itself.
	}
}

const { ThreadBridge } =
	engineRequire<typeof import('@rocket.chat/apps-engine/server/bridges/ThreadBridge')>('server/bridges/ThreadBridge');

class SandboxThreadBridge extends ThreadBridge {
	constructor(private readonly world: WorldClient) {
		super();
	}
	protected async getById(messageId: string): Promise<IMessage[]> {
		return (await this.world.threadMessages(messageId)) as unknown as IMessage[];
	}
}

class SandboxEmailBridge extends B.EmailBridge {
	constructor(private readonly world: WorldClient) {
		super();
	}
	protected async sendEmail(): Promise<void> {
		await this.world.sentEmail();
	}
}

class SandboxCloudBridge extends B.CloudWorkspaceBridge {
	protected getWorkspaceToken = notSupported('Cloud workspace tokens') as never;
}

class SandboxUploadBridge extends B.UploadBridge {
	protected getById = notSupported('Uploads') as never;
	protected getBuffer = notSupported('Uploads') as never;
	protected createUpload = notSupported('Uploads') as never;
}

/** Builds the AppBridges object the AppManager takes. */
export function createBridges(world: WorldClient, hooks: BridgeHooks): BridgesModule.AppBridges {
	const usernamesCache = new Map<string, string[]>();
	const instances = {
		api: new SandboxApiBridge(world),
		command: new SandboxCommandBridge(world),
		persistence: new SandboxPersistenceBridge(world),
		room: new SandboxRoomBridge(world, usernamesCache),
		user: new SandboxUserBridge(world),
		message: new SandboxMessageBridge(world, hooks),
		scheduler: new SandboxSchedulerBridge(world),
		http: new SandboxHttpBridge(world),
		serverSetting: new SandboxServerSettingBridge(world),
		role: new SandboxRoleBridge(world),
		env: new SandboxEnvironmentalVariableBridge(world),
		ui: new SandboxUiInteractionBridge(world),
		activation: new SandboxActivationBridge(world),
		details: new SandboxDetailChangesBridge(),
		thread: new SandboxThreadBridge(world),
		email: new SandboxEmailBridge(world),
		cloud: new SandboxCloudBridge(),
		upload: new SandboxUploadBridge(),
	};
	const internal = {
		doGetUsernamesOfRoomById: async (roomId: string) => {
			const names = await world.roomUsernames(roomId);
			usernamesCache.set(roomId, names);
			return names;
		},
		doGetUsernamesOfRoomByIdSync: (roomId: string) => usernamesCache.get(roomId) ?? [],
		doGetWorkspacePublicKey: async () => ({ id: 'Cloud_Workspace_PublicKey', value: (await world.federationKeys()).publicKey }),
	};
	const federation = {
		getPrivateKey: async () => (await world.federationKeys()).privateKey,
		getPublicKey: async () => (await world.federationKeys()).publicKey,
	};
	const listener = {
		messageEvent: async () => undefined,
		roomEvent: async () => undefined,
		uiKitInteractionEvent: async () => undefined,
		livechatEvent: async () => undefined,
	};
	const unsupported = new Proxy(
		{},
		{
			get: (_t, prop) => (typeof prop === 'string' ? notSupported(`The ${prop} call`) : undefined),
		},
	);

	class SandboxAppBridges extends B.AppBridges {
		getCommandBridge = () => instances.command;
		getContactBridge = () => unsupported as never;
		getApiBridge = () => instances.api;
		getAppDetailChangesBridge = () => instances.details;
		getEnvironmentalVariableBridge = () => instances.env;
		getHttpBridge = () => instances.http;
		getListenerBridge = () => listener as never;
		getLivechatBridge = () => unsupported as never;
		getMessageBridge = () => instances.message;
		getPersistenceBridge = () => instances.persistence;
		getAppActivationBridge = () => instances.activation;
		getRoomBridge = () => instances.room;
		getInternalBridge = () => internal as never;
		getInternalFederationBridge = () => federation;
		getServerSettingBridge = () => instances.serverSetting;
		getUploadBridge = () => instances.upload;
		getEmailBridge = () => instances.email;
		getUserBridge = () => instances.user;
		getUiInteractionBridge = () => instances.ui;
		getSchedulerBridge = () => instances.scheduler;
		getCloudWorkspaceBridge = () => instances.cloud;
		getVideoConferenceBridge = () => unsupported as never;
		getOAuthAppsBridge = () => unsupported as never;
		getModerationBridge = () => unsupported as never;
		getThreadBridge = () => instances.thread;
		getRoleBridge = () => instances.role;
		getOutboundMessageBridge = () => unsupported as never;
		getExperimentalBridge = () => unsupported as never;
	}
	return new SandboxAppBridges();
}
