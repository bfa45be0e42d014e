/**
 * The server the fidelity suite talks to, over HTTP only, as Rocket.Chat's own API tests talk to a
 * Rocket.Chat server: a sandbox started in this process, or the one at FIDELITY_URL (`npm start`,
 * or any Rocket.Chat server) with ADMIN_USERNAME / ADMIN_PASSWORD.
 *
 * The suite leaves the server as it found it: permissions it changes are put back, and the
 * accounts and rooms it creates have unique names, so it can run again against the same server.
 */
import { randomBytes } from 'node:crypto';

import { Sandbox } from '../../sandbox/sandbox';

export interface Creds {
	'X-User-Id': string;
	'X-Auth-Token': string;
}

/** Node's built-in fetch and FormData (the project's Node typings predate their global declarations). */
interface WebResponse {
	status: number;
	headers: { get(name: string): string | null };
	text(): Promise<string>;
}
export interface Form {
	append(name: string, value: unknown, filename?: string): void;
}
const web = globalThis as unknown as {
	fetch(url: string, init: { method: string; headers: Record<string, string>; body?: unknown }): Promise<WebResponse>;
	FormData: new () => Form;
	Blob: new (parts: unknown[], options?: { type?: string }) => unknown;
};

/** A multipart form with one file field and plain fields (an upload, as Rocket.Chat's tests attach one). */
export function fileForm(field: string, file: { data: Buffer; name: string; type: string }, fields: Record<string, string> = {}): Form {
	const form = new web.FormData();
	form.append(field, new web.Blob([file.data], { type: file.type }), file.name);
	for (const [k, v] of Object.entries(fields)) form.append(k, v);
	return form;
}

export interface Res<T = Record<string, unknown>> {
	status: number;
	headers: { get(name: string): string | null };
	body: T & Record<string, unknown>;
}

type Query = Record<string, string | number | boolean | string[] | undefined>;

/** A REST client: JSON in and out, credentials as Rocket.Chat's X-User-Id / X-Auth-Token headers. */
export class Api {
	constructor(readonly url: string) {}

	async request<T = Record<string, unknown>>(
		method: string,
		path: string,
		options: { body?: unknown; form?: Form; query?: Query; as?: Creds | null } = {},
	): Promise<Res<T>> {
		const url = new URL(path.startsWith('/') ? path : `/api/v1/${path}`, this.url);
		for (const [k, v] of Object.entries(options.query ?? {})) {
			if (Array.isArray(v)) for (const x of v) url.searchParams.append(`${k}[]`, x);
			else if (v !== undefined) url.searchParams.set(k, String(v));
		}
		const headers: Record<string, string> = { ...(options.as ?? {}) };
		let body: string | Form | undefined;
		if (options.form) body = options.form;
		else if (options.body !== undefined) {
			body = JSON.stringify(options.body);
			headers['Content-Type'] = 'application/json';
		}
		const res = await web.fetch(url.toString(), { method, headers, body });
		const text = await res.text();
		let parsed: unknown = {};
		try {
			parsed = text ? JSON.parse(text) : {};
		} catch {
			parsed = { raw: text };
		}
		return { status: res.status, headers: res.headers, body: parsed as T & Record<string, unknown> };
	}

	get<T = Record<string, unknown>>(endpoint: string, query: Query = {}, as: Creds | null = null): Promise<Res<T>> {
		return this.request<T>('GET', endpoint, { query, as });
	}

	post<T = Record<string, unknown>>(endpoint: string, body: unknown = {}, as: Creds | null = null): Promise<Res<T>> {
		return this.request<T>('POST', endpoint, { body, as });
	}
}

export interface TestUser {
	_id: string;
	username: string;
	password: string;
	email: string;
	creds: Creds;
}

/** One server for the whole suite, with the admin's credentials and helpers shared by every family. */
export class Fidelity {
	private readonly restore = new Map<string, string[]>();

	constructor(
		readonly api: Api,
		readonly admin: Creds & { username: string; password: string },
		private readonly stopServer?: () => Promise<void>,
	) {}

	get url(): string {
		return this.api.url;
	}

	/** A name no earlier run used (accounts and rooms live on in a long-running server). */
	unique(prefix: string): string {
		return `${prefix}.${Date.now().toString(36)}${randomBytes(3).toString('hex')}`;
	}

	get(endpoint: string, query: Query = {}, as: Creds | null = this.admin): Promise<Res> {
		return this.api.get(endpoint, query, as);
	}

	post(endpoint: string, body: unknown = {}, as: Creds | null = this.admin): Promise<Res> {
		return this.api.post(endpoint, body, as);
	}

	async login(user: string, password: string): Promise<Creds> {
		const res = await this.api.post<{ data: { userId: string; authToken: string } }>('login', { user, password });
		if (res.status !== 200) throw new Error(`login of ${user} failed: ${res.status} ${JSON.stringify(res.body)}`);
		return { 'X-User-Id': res.body.data.userId, 'X-Auth-Token': res.body.data.authToken };
	}

	/** An account made through users.create (as Rocket.Chat's test helper does), logged in. */
	async createUser(data: Record<string, unknown> = {}): Promise<TestUser> {
		const username = (data.username as string | undefined) ?? this.unique('user.test');
		const password = (data.password as string | undefined) ?? 'password';
		const email = (data.email as string | undefined) ?? `${username}@rocket.chat`;
		const res = await this.post('users.create', { name: username, ...data, username, password, email });
		if (res.status !== 200) throw new Error(`users.create failed: ${res.status} ${JSON.stringify(res.body)}`);
		const user = res.body.user as { _id: string; active?: boolean };
		const creds = user.active === false ? { 'X-User-Id': user._id, 'X-Auth-Token': '' } : await this.login(username, password);
		return { _id: user._id, username, password, email, creds };
	}

	async createRoom(type: 'c' | 'p', data: Record<string, unknown> = {}, as: Creds = this.admin): Promise<{ _id: string; name: string }> {
		const name = (data.name as string | undefined) ?? this.unique(type === 'c' ? 'channel.test' : 'group.test');
		const res = await this.post(type === 'c' ? 'channels.create' : 'groups.create', { ...data, name }, as);
		if (res.status !== 200) throw new Error(`room creation failed: ${res.status} ${JSON.stringify(res.body)}`);
		return (type === 'c' ? res.body.channel : res.body.group) as { _id: string; name: string };
	}

	/** A plain message, as the RC tests' sendSimpleMessage leaves one (here through chat.postMessage). */
	async message(
		roomId: string,
		text = 'Sample message',
		as: Creds = this.admin,
		extra: Record<string, unknown> = {},
	): Promise<{ _id: string; rid: string }> {
		const res = await this.post('chat.postMessage', { roomId, text, ...extra }, as);
		if (res.status !== 200) throw new Error(`chat.postMessage failed: ${res.status} ${JSON.stringify(res.body)}`);
		return res.body.message as { _id: string; rid: string };
	}

	/** permissions.update, remembering the first roles seen so `restorePermissions` puts them back. */
	async setPermission(id: string, roles: string[]): Promise<void> {
		if (!this.restore.has(id)) {
			const all = await this.get('permissions.listAll');
			const current = (all.body.update as Array<{ _id: string; roles: string[] }>).find((p) => p._id === id);
			if (!current) throw new Error(`no permission ${id}`);
			this.restore.set(id, current.roles);
		}
		const res = await this.post('permissions.update', { permissions: [{ _id: id, roles }] });
		if (res.status !== 200) throw new Error(`permissions.update failed: ${res.status} ${JSON.stringify(res.body)}`);
	}

	async restorePermissions(): Promise<void> {
		const permissions = [...this.restore].map(([_id, roles]) => ({ _id, roles }));
		this.restore.clear();
		if (permissions.length > 0) await this.post('permissions.update', { permissions });
	}

	async stop(): Promise<void> {
		await this.restorePermissions();
		await this.stopServer?.();
	}
}

let shared: Promise<Fidelity> | undefined;

async function connect(): Promise<Fidelity> {
	const external = process.env.FIDELITY_URL;
	if (external) {
		const api = new Api(external);
		const username = process.env.ADMIN_USERNAME ?? 'admin';
		const password = process.env.ADMIN_PASSWORD ?? 'admin-sandbox-password';
		const fx = new Fidelity(api, { username, password, 'X-User-Id': '', 'X-Auth-Token': '' });
		Object.assign(fx.admin, await fx.login(username, password));
		return fx;
	}
	const sandbox = new Sandbox({ port: 0, install: false });
	const info = await sandbox.start();
	const api = new Api(info.url);
	const fx = new Fidelity(
		api,
		{ username: info.admin.username, password: info.admin.password, 'X-User-Id': '', 'X-Auth-Token': '' },
		() => sandbox.stop(),
	);
	Object.assign(fx.admin, await fx.login(info.admin.username, info.admin.password));
	return fx;
}

/** The shared server; the first family to ask starts it. */
export function fidelity(): Promise<Fidelity> {
	shared ??= connect();
	return shared;
}

after(async () => {
	if (shared) await (await shared).stop();
	shared = undefined;
});
