/**
 * One sandboxed Rocket.Chat server instance: the real Apps-Engine `AppManager` (which runs each
 * app in its own Deno subprocess, as Rocket.Chat does), with bridges over the shared world.
 * Runs as a child process of the sandbox; the parent drives it over IPC (`engine.*` calls).
 */
import type * as AppManagerModule from '@rocket.chat/apps-engine/server/AppManager';
import type * as StorageModule from '@rocket.chat/apps-engine/server/storage';
import type * as MetadataModule from '@rocket.chat/apps-engine/definition/metadata';
import type * as SlashModule from '@rocket.chat/apps-engine/definition/slashcommands';
import type { IAppStorageItem } from '@rocket.chat/apps-engine/server/storage';
import type { ISetting } from '@rocket.chat/apps-engine/definition/settings';
import type { IApiRequest, IApiResponse } from '@rocket.chat/apps-engine/definition/api';

import { execFileSync } from 'node:child_process';

import { methodsOf, remote, Rpc } from '../rpc';
import type { AppUser, WorldService } from '../world/service';
import { appManagerOptions, updateWholeItem } from '../engines/host-compat';
import { createBridges, WorldClient } from './bridges';
import { engineRequire } from './engine-dir';

const { AppManager } = engineRequire<typeof AppManagerModule>('server/AppManager');
const Storage = engineRequire<typeof StorageModule>('server/storage');
const { AppInterface } = engineRequire<typeof MetadataModule>('definition/metadata');
const { SlashCommandContext } = engineRequire<typeof SlashModule>('definition/slashcommands');

if (!process.send) throw new Error('The engine host must run as a child process of the sandbox');

/**
 * What the engine writes to the server's console about an app is all a Rocket.Chat administrator
 * ever sees of some failures: a call the app lacks the permission for (the app just gets nothing),
 * and a listener, command, endpoint or UI handler that threw (the engine swallows the error, as the
 * server is not prepared to handle it). Both are reported to the world as well, so tests and the
 * sandbox's user see them: `world.permissionErrors` and `world.serverErrors`.
 */
function watchEngineErrors(world: WorldClient): void {
	const original = console.error.bind(console);
	console.error = (...args: unknown[]) => {
		const first = args[0];
		const text = typeof first === 'string' ? first : first instanceof Error ? `${first.name}: ${first.message}` : '';
		if (text.includes('lacks the following permissions')) {
			const lines = text.split('\n');
			const end = lines.findIndex((l) => l.startsWith('reason:') || l.trimStart().startsWith('at '));
			void world.recordPermissionError(lines.slice(0, end < 0 ? lines.length : end).join(' ')).catch(() => undefined);
		} else {
			void world.recordServerError('engine', args.map(describe).join(' ')).catch(() => undefined);
		}
		original(...args);
	};
}

/** One console argument as a line of text (an error's message, an object as JSON without the logs it carries). */
function describe(value: unknown): string {
	if (typeof value === 'string') return value;
	if (value instanceof Error) return `${value.name}: ${value.message}`;
	try {
		return JSON.stringify(value, (key, v: unknown) => (key === 'logs' ? undefined : v));
	} catch {
		return String(value);
	}
}

class SandboxMetadataStorage extends Storage.AppMetadataStorage {
	constructor(private readonly world: WorldClient) {
		super('sandbox');
	}
	async create(item: IAppStorageItem): Promise<IAppStorageItem> {
		return (await this.world.storageCreate(item as never)) as unknown as IAppStorageItem;
	}
	async retrieveOne(id: string): Promise<IAppStorageItem | null> {
		return (await this.world.storageRetrieveOne(id)) as unknown as IAppStorageItem | null;
	}
	async retrieveAll(): Promise<Map<string, IAppStorageItem>> {
		return (await this.world.storageRetrieveAll()) as unknown as Map<string, IAppStorageItem>;
	}
	async retrieveAllPrivate(): Promise<Map<string, IAppStorageItem>> {
		return this.retrieveAll();
	}
	async remove(id: string): Promise<{ success: boolean }> {
		return this.world.storageRemove(id);
	}
	async updatePartialAndReturnDocument(
		item: Partial<IAppStorageItem>,
		options?: { unsetPermissionsGranted?: boolean },
	): Promise<IAppStorageItem> {
		return (await this.world.storageUpdatePartial(item, Boolean(options?.unsetPermissionsGranted))) as unknown as IAppStorageItem;
	}
	/** Apps-Engine 1.53 (see engines/host-compat.ts). */
	async update(item: IAppStorageItem): Promise<IAppStorageItem> {
		return updateWholeItem(this, item);
	}
	async updateStatus(id: string, status: string): Promise<boolean> {
		return this.world.storageUpdateField(id, 'status', status);
	}
	async updateSetting(id: string, setting: ISetting): Promise<boolean> {
		return this.world.storageUpdateSetting(id, setting as never);
	}
	async updateAppInfo(id: string, info: unknown): Promise<boolean> {
		return this.world.storageUpdateField(id, 'info', info);
	}
	async updateMarketplaceInfo(id: string, info: unknown): Promise<boolean> {
		return this.world.storageUpdateField(id, 'marketplaceInfo', info);
	}
}

class SandboxSourceStorage extends Storage.AppSourceStorage {
	constructor(private readonly world: WorldClient) {
		super();
	}
	store(item: IAppStorageItem, zip: Buffer): Promise<string> {
		return this.world.sourceStore(item.id, zip);
	}
	fetch(item: IAppStorageItem): Promise<Buffer> {
		return this.world.sourceFetch(item.id).then((b) => Buffer.from(b));
	}
	update(item: IAppStorageItem, zip: Buffer): Promise<string> {
		return this.world.sourceStore(item.id, zip);
	}
	async remove(item: IAppStorageItem): Promise<void> {
		await this.world.sourceRemove(item.id);
	}
}

/** Lines kept per stored log entry. */
const MAX_LOG_LINES = 20;

class SandboxLogStorage extends Storage.AppLogStorage {
	constructor(private readonly world: WorldClient) {
		super('sandbox');
	}
	async findPaginated(): Promise<{ logs: never[]; total: number }> {
		return { logs: [], total: 0 };
	}
	/** Apps-Engine 1.53's name for `findPaginated` (see engines/host-compat.ts). */
	async find(): Promise<{ logs: never[]; total: number }> {
		return this.findPaginated();
	}
	/**
	 * The Deno runtime's logger collects the lines of concurrent calls into one another's entry, so
	 * under load one entry grows to tens of thousands of lines (tens of KB each call): only the first
	 * lines are kept, with the count of the others, so a burst of messages does not spend its time
	 * and memory copying logs between processes.
	 */
	async storeEntries(entry: object): Promise<never> {
		const e = entry as { entries?: unknown[] };
		const lines = Array.isArray(e.entries) ? e.entries : undefined;
		const trimmed =
			lines && lines.length > MAX_LOG_LINES
				? { ...e, entries: lines.slice(0, MAX_LOG_LINES), droppedLines: lines.length - MAX_LOG_LINES }
				: e;
		return (await this.world.logStore(trimmed)) as never;
	}
	async getEntriesFor(appId: string): Promise<never[]> {
		return (await this.world.logEntriesFor(appId)) as never[];
	}
	async removeEntriesFor(appId: string): Promise<void> {
		await this.world.logRemoveFor(appId);
	}
}

/** Sends SIGKILL to every child process of this host (the Deno runtimes of its apps). */
function killChildProcesses(): void {
	let pids: number[] = [];
	try {
		pids = execFileSync('pgrep', ['-P', String(process.pid)], { encoding: 'utf8' })
			.split('\n')
			.map((l) => Number(l.trim()))
			.filter((n) => Number.isInteger(n) && n > 0);
	} catch {
		// pgrep exits 1 when there is no child: nothing to do.
	}
	for (const pid of pids) {
		try {
			process.kill(pid, 'SIGKILL');
		} catch {
			// Already gone.
		}
	}
}

type MessageEvent = 'sent' | 'updated' | 'deleted';

/** The listener manager's per-event methods (internal to the engine, stable in 1.59): they resolve when the apps' listeners finish. */
interface PostMessageListeners {
	isEventBlocked(event: string): boolean;
	executePostMessageSent(data: unknown): Promise<void>;
	executePostMessageUpdated(data: unknown): Promise<void>;
	executePostMessageDelete(data: unknown): Promise<void>;
}

/** What the sandbox's main process can ask of this instance. */
export class EngineApi {
	private manager!: InstanceType<typeof AppManager>;
	private readonly background = new Set<Promise<void>>();

	constructor(private readonly world: WorldClient) {}

	async start(): Promise<void> {
		watchEngineErrors(this.world);
		const bridges = createBridges(this.world, {
			onAppMessageCreated: (id) => this.fireMessageEvent('sent', id),
			onAppMessageUpdated: (id) => this.fireMessageEvent('updated', id),
		});
		this.manager = new AppManager(
			appManagerOptions({
				metadataStorage: new SandboxMetadataStorage(this.world),
				logStorage: new SandboxLogStorage(this.world),
				bridges,
				sourceStorage: new SandboxSourceStorage(this.world),
			}),
		);
		await this.manager.load();
	}

	/**
	 * Installs as Rocket.Chat does on upload: the permissions granted are those the admin accepted
	 * (the upload's `permissions` field), else the ones the app declares in app.json.
	 */
	async install(zip: Buffer, installerId: string, permissions?: Array<{ name: string }>): Promise<{ appId: string; status: string }> {
		const user = (await this.world.userById(installerId)) as AppUser;
		const granted = permissions ?? (await this.manager.getParser().unpackageApp(Buffer.from(zip))).info.permissions;
		const aff = await this.manager.add(Buffer.from(zip), { enable: true, user: user as never, permissionsGranted: granted });
		const info = aff.getAppInfo();
		const errors = [
			aff.getStorageError(),
			(aff.getAppUserError() as { message?: string } | undefined)?.message,
			aff.getLicenseValidationResult()?.hasErrors ? 'license' : undefined,
		].filter(Boolean);
		if (errors.length > 0 || !info) throw new Error(`Install failed: ${errors.join('; ') || 'no app info'}`);
		const app = this.manager.getOneById(info.id);
		return { appId: info.id, status: app ? await app.getStatus() : 'unknown' };
	}

	async update(zip: Buffer, permissions?: Array<{ name: string }>): Promise<{ appId: string; status: string }> {
		const parsed = await this.manager.getParser().unpackageApp(Buffer.from(zip));
		const granted = permissions ?? parsed.info.permissions ?? [];
		const aff = await this.manager.update(Buffer.from(zip), granted, { loadApp: true });
		const info = aff.getAppInfo();
		const err = aff.getStorageError();
		if (err || !info) throw new Error(`Update failed: ${err ?? 'no app info'}`);
		const app = this.manager.getOneById(info.id);
		return { appId: info.id, status: app ? await app.getStatus() : 'unknown' };
	}

	/** Another instance installed or updated the app: load it from the shared storage. */
	async reload(appId: string): Promise<string> {
		const existing = this.manager.getOneById(appId);
		if (existing) {
			const stored = await this.world.storageRetrieveOne(appId);
			const zip = await this.world.sourceFetch(appId);
			await this.manager.updateAndStartupLocal(stored as unknown as IAppStorageItem, Buffer.from(zip));
		} else {
			await this.manager.addLocal(appId);
		}
		const app = this.manager.getOneById(appId);
		return app ? app.getStatus() : 'unknown';
	}

	async remove(appId: string, userId: string): Promise<void> {
		const user = await this.world.userById(userId);
		await this.manager.remove(appId, { user: user as never });
	}

	/** The version of the Apps-Engine this instance runs (from the engine copy's own package.json). */
	engineVersion(): string {
		return engineRequire<{ version: string }>('package.json').version;
	}

	async status(appId: string): Promise<string> {
		const app = this.manager.getOneById(appId);
		return app ? app.getStatus() : 'not-installed';
	}

	async setEnabled(appId: string, enabled: boolean): Promise<string> {
		if (enabled) await this.manager.enable(appId);
		else await this.manager.disable(appId);
		return this.status(appId);
	}

	async updateSetting(appId: string, setting: ISetting): Promise<void> {
		await this.manager.getSettingsManager().updateAppSetting(appId, setting);
	}

	appSettings(appId: string): Record<string, ISetting> {
		return this.manager.getSettingsManager().getAppSettings(appId);
	}

	async executeApi(appId: string, path: string, request: IApiRequest): Promise<IApiResponse> {
		return this.manager.getApiManager().executeApi(appId, path, request);
	}

	async executeCommand(
		command: string,
		userId: string,
		roomId: string,
		params: string[],
		threadId?: string,
		triggerId?: string,
	): Promise<void> {
		const [sender, room] = await Promise.all([this.world.userById(userId), this.world.roomById(roomId)]);
		if (!sender || !room) throw new Error('Unknown user or room');
		const context = new SlashCommandContext(sender as never, room as never, params, threadId, triggerId);
		await this.manager.getCommandManager().executeCommand(command, context);
	}

	/**
	 * Runs the post-message listeners for a message and resolves when they have finished. The
	 * engine's `executeListener` starts the post-message listeners without waiting for them (as
	 * Rocket.Chat does), so this calls the listener manager's per-event methods, which it awaits;
	 * callers still fire it without waiting, and `Sandbox.quiesce()` waits for it.
	 */
	async messageEvent(kind: MessageEvent, messageId: string, snapshot?: unknown, actorId?: string): Promise<void> {
		const message = snapshot ?? (await this.world.messageById(messageId));
		if (!message) return;
		const listeners = this.manager.getListenerManager() as unknown as PostMessageListeners;
		if (kind === 'deleted') {
			if (listeners.isEventBlocked(AppInterface.IPostMessageDeleted)) return;
			// Rocket.Chat passes the deleted message with the user who deleted it.
			const user = actorId ? await this.world.userById(actorId) : undefined;
			await listeners.executePostMessageDelete({ message, user });
			return;
		}
		if (kind === 'sent') {
			if (!listeners.isEventBlocked(AppInterface.IPostMessageSent)) await listeners.executePostMessageSent(message);
			return;
		}
		if (!listeners.isEventBlocked(AppInterface.IPostMessageUpdated)) await listeners.executePostMessageUpdated(message);
	}

	/**
	 * Runs the listeners for a message the app itself wrote, on the next turn (as Rocket.Chat does,
	 * after the write has answered). The run is kept in `background` so `idle()` can wait for it.
	 */
	private fireMessageEvent(kind: MessageEvent, messageId: string): void {
		const run = new Promise<void>((r) => setImmediate(r))
			.then(() => this.messageEvent(kind, messageId))
			.catch((err: unknown) =>
				this.world.recordServerError(`message-${kind}`, err instanceof Error ? err.message : String(err)).catch(() => undefined),
			);
		this.background.add(run);
		void run.finally(() => this.background.delete(run));
	}

	/** Waits until no listener run started by the app's own messages is left; answers how many it waited for. */
	async idle(): Promise<number> {
		let waited = 0;
		while (this.background.size > 0) {
			waited += this.background.size;
			await Promise.allSettled([...this.background]);
		}
		return waited;
	}

	async runJob(appId: string, processorId: string, jobId: string, data: Record<string, unknown> | undefined): Promise<void> {
		const scheduler = this.manager.getSchedulerManager() as unknown as {
			wrapProcessor(appId: string, processorId: string): (ctx: Record<string, unknown>) => Promise<void>;
		};
		await scheduler.wrapProcessor(appId, processorId)({ ...(data ?? {}), jobId });
	}

	async uiInteraction(payload: Record<string, unknown>): Promise<unknown> {
		return this.manager.getListenerManager().executeListener(AppInterface.IUIKitInteractionHandler as never, payload as never);
	}

	languages(): Record<string, object> {
		return this.manager.getLanguageContent();
	}

	/** Unloads the apps, then ends any Deno runtime the engine left behind (an update can leave one). */
	async shutdown(): Promise<void> {
		try {
			await this.manager.unload(false);
		} finally {
			killChildProcesses();
		}
	}
}

const holder: { api?: EngineApi } = {};
const rpc = new Rpc(
	(msg) => process.send?.(msg),
	(method) => (holder.api ? methodsOf(holder.api, 'engine.')(method) : undefined),
);
const engine = new EngineApi(remote<WorldService>(rpc, 'world.'));
holder.api = engine;
process.on('message', (msg) => rpc.receive(msg));
process.on('disconnect', () => {
	// The sandbox is gone: stop the Deno subprocesses with us.
	void engine.shutdown().finally(() => process.exit(0));
	setTimeout(() => process.exit(0), 3000).unref();
});

engine
	.start()
	.then(() => process.send?.({ ready: true }))
	.catch((err: unknown) => {
		process.send?.({ ready: false, error: err instanceof Error ? (err.stack ?? err.message) : String(err) });
		process.exit(1);
	});
