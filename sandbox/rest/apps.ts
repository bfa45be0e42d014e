/**
 * The app-facing routes of a Rocket.Chat server: the apps' own HTTP endpoints
 * (`/api/apps/public/<app id>/...`), UI Kit interactions, the apps admin calls the official CLI
 * uses to deploy, and `/api/info`.
 */
import { badRequest, forbidden, matchPath, RestError, RestRequest } from '../http';
import type { Route, RouteContext } from '../sandbox';
import { serverInfo } from './misc';

/** Parses a multipart/form-data body into its fields (the CLI uploads the zip this way). */
export function parseMultipart(req: RestRequest): Map<string, { filename?: string; data: Buffer }> {
	const ct = req.headers['content-type'] ?? '';
	const m = /boundary=(?:"([^"]+)"|([^;]+))/i.exec(ct);
	if (!m) throw badRequest('Expected multipart/form-data', 'error-invalid-body');
	const boundary = Buffer.from(`--${m[1] ?? m[2]}`);
	const out = new Map<string, { filename?: string; data: Buffer }>();
	const raw = req.rawBody;
	let pos = raw.indexOf(boundary);
	while (pos >= 0) {
		const start = pos + boundary.length;
		if (raw.slice(start, start + 2).toString() === '--') break;
		const headerEnd = raw.indexOf('\r\n\r\n', start);
		if (headerEnd < 0) break;
		const headers = raw.slice(start, headerEnd).toString('utf8');
		const next = raw.indexOf(boundary, headerEnd + 4);
		if (next < 0) break;
		const data = raw.slice(headerEnd + 4, next - 2);
		const name = /name="([^"]*)"/i.exec(headers)?.[1];
		const filename = /filename="([^"]*)"/i.exec(headers)?.[1];
		if (name) out.set(name, { filename, data });
		pos = next;
	}
	return out;
}

/** The permissions the uploader accepted (the form's `permissions` JSON), when it sent them. */
function grantedPermissions(form: Map<string, { data: Buffer }>): Array<{ name: string }> | undefined {
	const raw = form.get('permissions')?.data.toString('utf8');
	if (!raw) return undefined;
	try {
		const parsed = JSON.parse(raw) as unknown;
		return Array.isArray(parsed) ? (parsed as Array<{ name: string }>) : undefined;
	} catch {
		throw badRequest('The permissions field is not valid JSON');
	}
}

/** Runs an install or update, answering a failure as Rocket.Chat's API does: 400 with the error's message. */
async function failureAs400<T>(run: () => Promise<T>): Promise<T> {
	try {
		return await run();
	} catch (err) {
		if (err instanceof RestError) throw err;
		throw new RestError(400, { success: false, error: err instanceof Error ? err.message : String(err) });
	}
}

function requireManageApps(ctx: RouteContext): void {
	if (!ctx.req.user || !ctx.world.hasPermission(ctx.req.user._id, 'manage-apps')) throw forbidden();
}

async function appDescription(ctx: RouteContext, appId: string): Promise<Record<string, unknown> | undefined> {
	const stored = ctx.world.appStorage.get(appId);
	if (!stored) return undefined;
	const info = stored.info as Record<string, unknown>;
	const status = await ctx.sandbox.primary().engine.status(appId);
	return { ...info, status, languages: Object.keys((stored.languageContent as Record<string, unknown>) ?? {}) };
}

export function appsRoutes(): Route[] {
	return [
		{
			method: 'GET',
			path: '/api/info',
			auth: false,
			handler: async (ctx) => {
				const expectsApp = ctx.sandbox.options.install !== false;
				const ready = ctx.sandbox.instances.length > 0 && (!expectsApp || (await ctx.sandbox.appStatus()).includes('enabled'));
				if (!ready) return { status: 503, body: { success: false, error: 'starting' } };
				return serverInfo(ctx);
			},
		},
		{
			method: '*',
			path: '/api/apps/public/*',
			auth: false,
			handler: async (ctx) => {
				const rest = ctx.req.params['*'] ?? '';
				const slash = rest.indexOf('/');
				const appId = slash < 0 ? rest : rest.slice(0, slash);
				const subPath = slash < 0 ? '' : rest.slice(slash + 1);
				const inst = ctx.sandbox.pick(ctx.req.headers['x-sandbox-instance']);
				const candidates = ctx.service.apisOf(inst.index).filter((a) => a.appId === appId);
				for (const api of candidates) {
					const params = matchPath(api.path, subPath);
					if (!params) continue;
					const request = {
						method: ctx.req.method.toLowerCase(),
						headers: ctx.req.headers,
						query: ctx.req.query,
						params,
						content: ctx.req.body,
					};
					const result = await inst.engine.executeApi(appId, api.path, request as never);
					return { status: result.status, headers: (result.headers ?? {}) as Record<string, string>, body: result.content };
				}
				return { status: 404, body: { status: 'error', message: 'Not found' } };
			},
		},
		{
			method: 'POST',
			path: '/api/apps/ui.interaction/:appId',
			auth: true,
			handler: async (ctx) => {
				const b = (ctx.req.body ?? {}) as Record<string, unknown>;
				const appId = ctx.req.params.appId;
				const user = ctx.service.userById(ctx.req.user?._id ?? '');
				const room = typeof b.rid === 'string' ? ctx.service.roomById(b.rid) : undefined;
				const message = typeof b.mid === 'string' ? ctx.service.messageById(b.mid) : undefined;
				const payload = {
					type: b.type,
					appId,
					actionId: b.actionId,
					triggerId: b.triggerId ?? `trigger-${Date.now()}`,
					user,
					room,
					message,
					payload: b.payload ?? {},
					container: b.container,
				};
				const result = await ctx.sandbox.pick(ctx.req.headers['x-sandbox-instance']).engine.uiInteraction(payload);
				return { status: 200, body: result ?? { success: true } };
			},
		},
		{
			method: 'GET',
			path: '/api/apps',
			auth: true,
			handler: async (ctx) => {
				requireManageApps(ctx);
				const apps = [];
				for (const id of ctx.world.appStorage.keys()) apps.push(await appDescription(ctx, id));
				return { apps };
			},
		},
		{
			method: 'GET',
			path: '/api/apps/:id',
			auth: true,
			handler: async (ctx) => {
				requireManageApps(ctx);
				const app = await appDescription(ctx, ctx.req.params.id);
				if (!app) return { status: 404, body: { success: false, error: `No App found by the id of: ${ctx.req.params.id}` } };
				return { app };
			},
		},
		{
			method: 'POST',
			path: '/api/apps',
			auth: true,
			handler: async (ctx) => {
				requireManageApps(ctx);
				const form = parseMultipart(ctx.req);
				const zip = form.get('app')?.data;
				if (!zip || zip.length === 0)
					throw new RestError(400, {
						success: false,
						error: 'app_file_error',
						message: 'Failed to get a file to install for the App. ',
					});
				// Rocket.Chat answers an error thrown while installing (e.g. an engine the app's requiredApiVersion excludes)
				// with 400 and its message; an app installed but not enabled is still a success, with its status.
				const appId = await failureAs400(() =>
					ctx.sandbox.installApp(zip, ctx.req.user?._id ?? '', grantedPermissions(form), { requireEnabled: false }),
				);
				ctx.sandbox.appId ??= appId;
				return { app: await appDescription(ctx, appId), implemented: ctx.world.appStorage.get(appId)?.implemented ?? {} };
			},
		},
		{
			method: 'POST',
			path: '/api/apps/:id',
			auth: true,
			handler: async (ctx) => {
				requireManageApps(ctx);
				if (!ctx.world.appStorage.has(ctx.req.params.id))
					return { status: 404, body: { success: false, error: `No App found by the id of: ${ctx.req.params.id}` } };
				const form = parseMultipart(ctx.req);
				const zip = form.get('app')?.data;
				if (!zip || zip.length === 0) throw badRequest('Failed to get a file to install for the App. ');
				// A Community workspace keeps its uploaded private apps but refuses to update them.
				if (ctx.sandbox.options.community) throw new RestError(400, { success: false, error: 'Cannot_Update_Exempt_App' });
				const appId = await failureAs400(() => ctx.sandbox.updateApp(zip, grantedPermissions(form)));
				if (appId !== ctx.req.params.id) throw badRequest('The package is not the app with that id');
				return { app: await appDescription(ctx, appId), implemented: ctx.world.appStorage.get(appId)?.implemented ?? {} };
			},
		},
		{
			method: 'GET',
			path: '/api/apps/:id/settings',
			auth: true,
			handler: async (ctx) => {
				requireManageApps(ctx);
				if (!ctx.world.appStorage.has(ctx.req.params.id))
					return { status: 404, body: { success: false, error: `No App found by the id of: ${ctx.req.params.id}` } };
				const settings = await ctx.sandbox.primary().engine.appSettings(ctx.req.params.id);
				return { settings };
			},
		},
		{
			method: 'POST',
			path: '/api/apps/:id/settings',
			auth: true,
			handler: async (ctx) => {
				requireManageApps(ctx);
				const appId = ctx.req.params.id;
				if (!ctx.world.appStorage.has(appId))
					return { status: 404, body: { success: false, error: `No App found by the id of: ${appId}` } };
				const b = (ctx.req.body ?? {}) as { settings?: unknown };
				if (!Array.isArray(b.settings))
					throw new RestError(400, { success: false, error: 'The settings must be an array of settings' });
				const current = await ctx.sandbox.primary().engine.appSettings(appId);
				const updated: unknown[] = [];
				for (const s of b.settings as Array<Record<string, unknown>>) {
					const id = typeof s?.id === 'string' ? s.id : '';
					const existing = current[id];
					if (!existing) continue;
					if (existing.value === s.value) continue;
					const next = { ...existing, value: s.value, updatedAt: new Date() };
					for (const inst of ctx.sandbox.instances) await inst.engine.updateSetting(appId, next);
					updated.push(next);
				}
				return { updated };
			},
		},
	];
}
