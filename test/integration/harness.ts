/**
 * Test harness over the sandbox: start and stop it, act as a person or an admin through the REST
 * API, call the app's endpoints, run due jobs, and wait for effects with a deadline (listeners are
 * fire-and-forget in Rocket.Chat, so tests wait for what a listener does, never a fixed time).
 *
 * No silent crash: after every test, a root hook (root-hooks.ts) checks every running harness for
 * errors reported since the previous check: an `error` line in the app's logs, an error the engine
 * swallowed and the server logged (`world.serverErrors`: a listener, command, endpoint or job that
 * threw), or a call refused for a missing permission (`world.permissionErrors`). Any such error fails
 * the test, unless the test declared it with `h.expectErrors(/pattern/)`; a declared pattern that
 * nothing matched fails it too.
 */
import { adversarialFromEnv, seedFromEnv } from '../../sandbox/adversary';
import { httpRequest } from '../../sandbox/http-client';
import { Sandbox, SandboxInfo, SandboxOptions } from '../../sandbox/sandbox';

export interface Credentials {
	userId: string;
	authToken: string;
}

export interface HttpResult<T = Record<string, unknown>> {
	status: number;
	headers: Record<string, string>;
	body: T;
}

/** An error reported by the sandbox: see `Harness.newErrors`. */
export interface ReportedError {
	kind: 'app-log' | 'server' | 'permission';
	text: string;
}

export class Harness {
	/** Every started harness not yet stopped (the root hooks check them after each test). */
	static readonly live = new Set<Harness>();
	private expected: RegExp[] = [];
	private checked = { appLog: 0, server: 0, permission: 0 };

	private constructor(
		readonly sandbox: Sandbox,
		readonly info: SandboxInfo,
	) {}

	/**
	 * Starts a sandbox. A cluster (`instances` >= 2) runs in adversarial mode unless the options or
	 * `SANDBOX_ADVERSARIAL=0` say otherwise; its seed is printed (`SANDBOX_SEED=<seed>` draws the same delays).
	 */
	static async start(options: SandboxOptions = {}): Promise<Harness> {
		const cluster = (options.instances ?? 1) >= 2;
		const adversarial = options.adversarial ?? (adversarialFromEnv(cluster) ? seedFromEnv() : false);
		const sandbox = new Sandbox({ port: 0, ...options, adversarial });
		if (sandbox.adversary) {
			process.stdout.write(
				`      [sandbox: ${options.instances ?? 1} instance(s), adversarial scheduling, SANDBOX_SEED=${sandbox.adversary.seed}]\n`,
			);
		}
		try {
			const info = await sandbox.start();
			const h = new Harness(sandbox, info);
			Harness.live.add(h);
			return h;
		} catch (err) {
			await sandbox.stop();
			throw err;
		}
	}

	/**
	 * Declares the errors the current test causes on purpose (a refused REST call the app logs, a job
	 * made to fail): each reported error must match one of the patterns, and each pattern at least one
	 * error. Holds until the after-each check, for errors since the previous check (so errors of a
	 * `before` hook count with the first test).
	 */
	expectErrors(...patterns: RegExp[]): void {
		this.expected.push(...patterns);
	}

	/** Errors reported since the last check: app log lines of severity error, server errors, permission errors. */
	newErrors(): ReportedError[] {
		const w = this.world;
		const out: ReportedError[] = [];
		for (const entry of w.appLogs as Array<{
			seq: number;
			method?: string;
			entries?: Array<{ severity?: string; args?: unknown[] }>;
		}>) {
			if (entry.seq <= this.checked.appLog) continue;
			for (const line of entry.entries ?? []) {
				if (line.severity !== 'error') continue;
				const text = (line.args ?? []).map((a) => (typeof a === 'string' ? a : JSON.stringify(a))).join(' ');
				out.push({ kind: 'app-log', text: `${entry.method ?? '?'}: ${text}` });
			}
		}
		for (const e of w.serverErrors.slice(this.checked.server)) out.push({ kind: 'server', text: `${e.source}: ${e.message}` });
		for (const e of w.permissionErrors.slice(this.checked.permission)) out.push({ kind: 'permission', text: e.message });
		return out;
	}

	/**
	 * The after-each check: the errors since the last check must be exactly the expected ones. Resets
	 * the expectations and moves the watermark, whatever the outcome.
	 */
	checkErrors(): void {
		const errors = this.newErrors();
		const expected = this.expected;
		this.expected = [];
		this.checked = {
			appLog: this.world.appLogCount,
			server: this.world.serverErrors.length,
			permission: this.world.permissionErrors.length,
		};
		const unexpected = errors.filter((e) => !expected.some((p) => p.test(e.text)));
		const unmet = expected.filter((p) => !errors.some((e) => p.test(e.text)));
		if (unexpected.length === 0 && unmet.length === 0) return;
		const lines = [
			...unexpected.map((e) => `unexpected ${e.kind} error: ${e.text.slice(0, 500)}`),
			...unmet.map((p) => `expected an error matching ${String(p)}, none was reported`),
		];
		throw new Error(`The sandbox reported errors the test did not declare (h.expectErrors):\n${lines.join('\n')}`);
	}

	get url(): string {
		return this.info.url;
	}

	get appId(): string {
		return this.sandbox.requireAppId();
	}

	get world() {
		return this.sandbox.world;
	}

	get admin(): Credentials {
		return { userId: this.info.admin.userId, authToken: this.info.admin.authToken };
	}

	/** Stops the sandbox; errors reported after the last test's check (in `after` hooks) fail the stop. */
	async stop(): Promise<void> {
		let leftover: string | undefined;
		if (Harness.live.delete(this)) {
			await this.sandbox.quiesce();
			try {
				this.checkErrors();
			} catch (err) {
				leftover = err instanceof Error ? err.message : String(err);
			}
		}
		await this.sandbox.stop();
		if (leftover) throw new Error(leftover);
	}

	/** A raw HTTP call to the sandbox. */
	async http<T = Record<string, unknown>>(
		method: string,
		path: string,
		options: { body?: unknown; headers?: Record<string, string>; raw?: string } = {},
	): Promise<HttpResult<T>> {
		const headers: Record<string, string> = { ...(options.headers ?? {}) };
		let body: string | undefined = options.raw;
		if (options.body !== undefined) {
			body = JSON.stringify(options.body);
			headers['Content-Type'] ??= 'application/json';
		}
		const res = await httpRequest(new URL(`${this.url}${path}`), method, headers, body, 60_000);
		const text = res.body;
		let parsed: unknown = text;
		try {
			parsed = text ? JSON.parse(text) : undefined;
		} catch {
			// not JSON: keep the text
		}
		return { status: res.status, headers: res.headers, body: parsed as T };
	}

	/** A Rocket.Chat REST call (`/api/v1/<endpoint>`) as the given user (the admin by default). */
	async rest<T = Record<string, unknown>>(
		method: 'GET' | 'POST',
		endpoint: string,
		params?: Record<string, unknown>,
		as: Credentials | null = this.admin,
	): Promise<HttpResult<T>> {
		const headers: Record<string, string> = as ? { 'X-User-Id': as.userId, 'X-Auth-Token': as.authToken } : {};
		if (method === 'GET') {
			const search = params
				? new URLSearchParams(
						Object.entries(params).map(([k, v]): [string, string] => [k, typeof v === 'string' ? v : JSON.stringify(v)]),
					)
				: undefined;
			const qs = search ? `?${search.toString()}` : '';
			return this.http<T>('GET', `/api/v1/${endpoint}${qs}`, { headers });
		}
		return this.http<T>('POST', `/api/v1/${endpoint}`, { headers, body: params ?? {} });
	}

	/** Calls one of the app's endpoints with the configured API key (or the one given; null for none). */
	async app<T = Record<string, unknown>>(
		method: string,
		path: string,
		body?: unknown,
		options: { key?: string | null; instance?: number; raw?: string } = {},
	): Promise<HttpResult<T>> {
		const headers: Record<string, string> = {};
		const key = options.key === undefined ? this.info.apiKey : options.key;
		if (key !== null) headers.Authorization = `Bearer ${key}`;
		if (options.instance) headers['X-Sandbox-Instance'] = String(options.instance);
		return this.http<T>(method, `/api/apps/public/${this.appId}/${path}`, { body, headers, raw: options.raw });
	}

	/** Creates a person with a password and logs them in. */
	async createUser(
		username: string,
		extra: { name?: string; email?: string; roles?: string[] } = {},
	): Promise<{ userId: string; username: string; creds: Credentials }> {
		const password = `pw-${username}-123456`;
		const user = this.world.createUser({
			username,
			name: extra.name ?? username,
			email: extra.email ?? `${username}@example.org`,
			password,
			roles: extra.roles,
			verified: true,
		});
		return { userId: user._id, username, creds: { userId: user._id, authToken: this.world.createLoginToken(user._id) } };
	}

	/** Creates a room (private by default) with the given members; the admin owns it. */
	createRoom(name: string, memberUsernames: string[] = [], type: 'c' | 'p' = 'p'): string {
		return this.world.createRoom({ name, type, creatorId: this.info.admin.userId, memberUsernames })._id;
	}

	async post(roomId: string, text: string, as: Credentials = this.admin, extra: Record<string, unknown> = {}): Promise<HttpResult> {
		return this.rest('POST', 'chat.postMessage', { roomId, text, ...extra }, as);
	}

	async command(roomId: string, command: string, params = '', as: Credentials = this.admin): Promise<HttpResult> {
		return this.rest('POST', 'commands.run', { command, params, roomId }, as);
	}

	/** Chat messages of a room in posting order (system messages such as "joined" left out). */
	messages(roomId: string): Array<{ id: string; text: string; username: string }> {
		const { messages } = this.world.roomHistory(roomId, 0, Number.MAX_SAFE_INTEGER);
		return messages
			.reverse()
			.filter((m) => !m.t)
			.map((m) => ({ id: m._id, text: m.msg, username: m.u.username }));
	}

	runDueJobs(now?: number): Promise<number> {
		return this.sandbox.runDueJobs(now);
	}

	/** Polls `probe` until it returns a truthy value or the deadline passes. */
	async waitFor<T>(probe: () => T | Promise<T>, what = 'condition', timeoutMs = 10_000): Promise<NonNullable<T>> {
		const deadline = Date.now() + timeoutMs;
		let last: unknown;
		for (;;) {
			try {
				const v = await probe();
				if (v) return v;
				last = v;
			} catch (err) {
				last = err;
			}
			if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what} (last: ${String(last)})`);
			await new Promise((r) => setTimeout(r, 10));
		}
	}
}
