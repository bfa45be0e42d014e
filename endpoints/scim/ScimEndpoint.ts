import { IHttp, IModify, IPersistence, IRead } from '@rocket.chat/apps-engine/definition/accessors';
import { ApiEndpoint, IApiEndpointInfo, IApiRequest, IApiResponse } from '@rocket.chat/apps-engine/definition/api';
import { IApp } from '@rocket.chat/apps-engine/definition/IApp';

import { loadConfig, siteUrl } from '../../adapters/config';
import { resourceTypes, schemas, serviceProviderConfig } from '../../contract/scim/discovery';
import { AppConfig } from '../../core/config';
import { projection, project, Projection } from '../../core/scim/projection';
import { errorBody, invalidSyntax, invalidValue, notFound, SCHEMA_LIST, SCHEMA_SEARCH, ScimError } from '../../core/scim/types';
import { etagOf } from '../../core/scim/user';
import { DEFAULT_COUNT, ListQuery, ListResult, MAX_RESULTS, ScimService } from '../../features/scim/ScimService';
import { keyMatches } from '../frontDoor';

type Method = 'get' | 'post' | 'put' | 'patch' | 'delete' | 'head' | 'options';
type Json = Record<string, unknown>;

/** The SCIM paths under the app's base, each one engine endpoint (a trailing `*` is the resource id). */
export const SCIM_BASE = 'scim/v2';
export const SCIM_PATHS = [
	'ServiceProviderConfig',
	'ResourceTypes',
	'ResourceTypes/*',
	'Schemas',
	'Schemas/*',
	'Users',
	'Users/*',
	'Groups',
	'Groups/*',
].map((p) => `${SCIM_BASE}/${p}`);

const CONTENT_TYPE = 'application/scim+json; charset=utf-8';

interface Reply {
	status: number;
	body?: Json;
	headers?: Record<string, string>;
}

interface Ctx {
	method: Method;
	request: IApiRequest;
	headers: Record<string, string>;
	param?: string;
	config: AppConfig;
	service: ScimService;
	base: string;
	body: () => unknown;
}

/**
 * The SCIM 2.0 service provider (RFC 7644) under `scim/v2/`: its own bearer tokens (the API keys are not
 * accepted), `application/scim+json`, the SCIM error schema. It checks, parses and hands the request to
 * `features/scim`; a rejected request changes nothing.
 */
export class ScimEndpoint extends ApiEndpoint {
	constructor(
		app: IApp,
		public path: string,
	) {
		super(app);
	}

	public get(r: IApiRequest, _e: IApiEndpointInfo, read: IRead, modify: IModify, _h: IHttp, persis: IPersistence): Promise<IApiResponse> {
		return this.dispatch('get', r, read, modify, persis);
	}
	public post(
		r: IApiRequest,
		_e: IApiEndpointInfo,
		read: IRead,
		modify: IModify,
		_h: IHttp,
		persis: IPersistence,
	): Promise<IApiResponse> {
		return this.dispatch('post', r, read, modify, persis);
	}
	public put(r: IApiRequest, _e: IApiEndpointInfo, read: IRead, modify: IModify, _h: IHttp, persis: IPersistence): Promise<IApiResponse> {
		return this.dispatch('put', r, read, modify, persis);
	}
	public patch(
		r: IApiRequest,
		_e: IApiEndpointInfo,
		read: IRead,
		modify: IModify,
		_h: IHttp,
		persis: IPersistence,
	): Promise<IApiResponse> {
		return this.dispatch('patch', r, read, modify, persis);
	}
	public delete(
		r: IApiRequest,
		_e: IApiEndpointInfo,
		read: IRead,
		modify: IModify,
		_h: IHttp,
		persis: IPersistence,
	): Promise<IApiResponse> {
		return this.dispatch('delete', r, read, modify, persis);
	}
	public head(
		r: IApiRequest,
		_e: IApiEndpointInfo,
		read: IRead,
		modify: IModify,
		_h: IHttp,
		persis: IPersistence,
	): Promise<IApiResponse> {
		return this.dispatch('head', r, read, modify, persis);
	}
	public options(
		r: IApiRequest,
		_e: IApiEndpointInfo,
		read: IRead,
		modify: IModify,
		_h: IHttp,
		persis: IPersistence,
	): Promise<IApiResponse> {
		return this.dispatch('options', r, read, modify, persis);
	}

	private async dispatch(
		method: Method,
		request: IApiRequest,
		read: IRead,
		modify: IModify,
		persis: IPersistence,
	): Promise<IApiResponse> {
		let reply: Reply;
		try {
			reply = await this.handle(method, request, read, modify, persis);
		} catch (err) {
			if (err instanceof ScimError) reply = { status: err.status, body: errorBody(err) };
			else {
				const reference = `scim-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`;
				this.app
					.getLogger()
					.error(`${this.path} ${method}: unexpected error [${reference}]: ${err instanceof Error ? err.message : String(err)}`);
				reply = { status: 500, body: errorBody(new ScimError(500, `internal error (reference ${reference})`)) };
			}
		}
		return {
			status: reply.status,
			headers: { 'Content-Type': CONTENT_TYPE, 'Cache-Control': 'no-store', ...(reply.headers ?? {}) },
			content: reply.body ?? {},
		};
	}

	private async handle(method: Method, request: IApiRequest, read: IRead, modify: IModify, persis: IPersistence): Promise<Reply> {
		const { config } = await loadConfig(read);
		const headers: Record<string, string> = {};
		for (const [k, v] of Object.entries(request.headers ?? {})) headers[k.toLowerCase()] = String(v);
		const token = /^Bearer\s+(\S+)\s*$/i.exec(headers.authorization ?? '')?.[1];
		if (!token || !keyMatches(token, config.scim.tokens))
			return {
				status: 401,
				body: errorBody(new ScimError(401, 'missing or invalid bearer token')),
				headers: { 'WWW-Authenticate': 'Bearer realm="SCIM"' },
			};

		const declared = Number(headers['content-length']);
		if (Number.isFinite(declared) && declared > config.api.maxBodyBytes)
			throw new ScimError(413, `the body is larger than ${config.api.maxBodyBytes} bytes`);

		let param: string | undefined;
		if (this.path.endsWith('/*')) {
			param = request.params?.['0'];
			if (typeof param !== 'string' || param === '' || param.includes('/')) throw notFound('no such resource');
		}
		const base = `${await siteUrl(read, config.rocketChat.siteUrl)}/api/apps/public/${this.app.getID()}/${SCIM_BASE}`;
		const service = new ScimService({ read, modify, persis, base });
		const body = (): unknown => requestBody(request, headers, config.api.maxBodyBytes);
		const ctx: Ctx = { method, request, headers, param, config, service, base, body };
		const route = this.path.slice(SCIM_BASE.length + 1);
		switch (route) {
			case 'ServiceProviderConfig':
				only(ctx, ['get']);
				return { status: 200, body: serviceProviderConfig(discovery(base)) };
			case 'ResourceTypes':
				only(ctx, ['get']);
				return { status: 200, body: listBody(resourceTypes(discovery(base)), 1) };
			case 'ResourceTypes/*': {
				only(ctx, ['get']);
				const t = resourceTypes(discovery(base)).find((x) => x.id === param);
				if (!t) throw notFound(`no resource type ${param}`);
				return { status: 200, body: t };
			}
			case 'Schemas':
				only(ctx, ['get']);
				return { status: 200, body: listBody(schemas(discovery(base)), 1) };
			case 'Schemas/*': {
				only(ctx, ['get']);
				const s = schemas(discovery(base)).find((x) => x.id === param);
				if (!s) throw notFound(`no schema ${param}`);
				return { status: 200, body: s };
			}
			case 'Users':
				return this.collection(ctx, 'User');
			case 'Users/*':
				return param === '.search' ? this.search(ctx, 'User') : this.member(ctx, 'User', param as string);
			case 'Groups':
				return this.collection(ctx, 'Group');
			case 'Groups/*':
				return param === '.search' ? this.search(ctx, 'Group') : this.member(ctx, 'Group', param as string);
			default:
				throw notFound('no such resource');
		}
	}

	/** `GET` (list with filter and paging) and `POST` (create) on `Users` or `Groups`. */
	private async collection(ctx: Ctx, kind: Kind): Promise<Reply> {
		only(ctx, ['get', 'post']);
		const ops = resourceOps(ctx.service, kind);
		const p = projectionOf(ctx, kind);
		if (ctx.method === 'post') {
			const { record, resource } = await ops.create(ctx.body());
			return {
				status: 201,
				body: project(resource, p),
				headers: { Location: ops.location(record.id), ETag: etagOf(record.version) },
			};
		}
		return listReply(await ops.list(listQuery(ctx.request.query ?? {}), p), p);
	}

	/** `GET` (with `If-None-Match`), `PUT`, `PATCH` and `DELETE` (with `If-Match`) on one User or Group. */
	private async member(ctx: Ctx, kind: Kind, id: string): Promise<Reply> {
		only(ctx, ['get', 'put', 'patch', 'delete']);
		const ops = resourceOps(ctx.service, kind);
		const ifMatch = ctx.headers['if-match'];
		const p = projectionOf(ctx, kind);
		switch (ctx.method) {
			case 'get': {
				const { record, resource } = await ops.get(id, p);
				const etag = etagOf(record.version);
				if (ctx.headers['if-none-match'] === etag) return { status: 304, headers: { ETag: etag } };
				return { status: 200, body: project(resource, p), headers: { ETag: etag, 'Content-Location': ops.location(id) } };
			}
			case 'put': {
				const { record, resource } = await ops.replace(id, ctx.body(), ifMatch);
				return { status: 200, body: project(resource, p), headers: { ETag: etagOf(record.version) } };
			}
			case 'patch': {
				const q = ctx.request.query ?? {};
				const asked = q.attributes !== undefined || q.excludedAttributes !== undefined;
				const { record, resource } = await ops.patch(id, ctx.body(), ifMatch, p, asked);
				if (!resource) return { status: 204, headers: { ETag: etagOf(record.version) } };
				return { status: 200, body: project(resource, p), headers: { ETag: etagOf(record.version) } };
			}
			default:
				await ops.remove(id, ifMatch);
				return { status: 204 };
		}
	}

	/** `POST .search` (RFC 7644 §3.4.3): the query in a SearchRequest body. */
	private async search(ctx: Ctx, kind: Kind): Promise<Reply> {
		only(ctx, ['post']);
		const raw = ctx.body();
		if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) throw invalidSyntax('the body must be a SearchRequest');
		const b = new Map(Object.entries(raw as Json).map(([k, v]) => [k.toLowerCase(), v]));
		const schemasSent = b.get('schemas');
		if (!Array.isArray(schemasSent) || !schemasSent.includes(SCHEMA_SEARCH))
			throw invalidSyntax(`schemas must contain ${SCHEMA_SEARCH}`);
		if (b.has('sortby')) throw invalidValue('sorting is not supported');
		const text = (key: string): string | undefined => {
			const v = b.get(key.toLowerCase());
			if (v === undefined || v === null) return undefined;
			if (Array.isArray(v) && v.every((x) => typeof x === 'string')) return v.join(',');
			if (typeof v === 'string') return v;
			if (typeof v === 'number') return String(v);
			throw invalidValue(`${key} has the wrong type`);
		};
		const q = listQuery({ filter: text('filter'), startIndex: text('startIndex'), count: text('count') });
		const p = projection(kind, text('attributes'), text('excludedAttributes'));
		return listReply(await resourceOps(ctx.service, kind).list(q, p), p);
	}
}

type Kind = 'User' | 'Group';

/** What the endpoint asks of the service for one resource type; the HTTP side is the same for both. */
interface ResourceOps {
	list(q: ListQuery, p: Projection): Promise<ListResult>;
	create(body: unknown): Promise<{ record: { id: string; version: string }; resource: Json }>;
	get(id: string, p: Projection): Promise<{ record: { version: string }; resource: Json }>;
	replace(id: string, body: unknown, ifMatch?: string): Promise<{ record: { version: string }; resource: Json }>;
	/** The resource is left out when the answer is a 204. */
	patch(
		id: string,
		body: unknown,
		ifMatch: string | undefined,
		p: Projection,
		asked: boolean,
	): Promise<{ record: { version: string }; resource?: Json }>;
	remove(id: string, ifMatch?: string): Promise<void>;
	location(id: string): string;
}

function resourceOps(service: ScimService, kind: Kind): ResourceOps {
	if (kind === 'User')
		return {
			list: (q) => service.listUsers(q),
			create: (body) => service.createUser(body),
			get: (id) => service.getUser(id),
			replace: (id, body, ifMatch) => service.replaceUser(id, body, ifMatch),
			patch: (id, body, ifMatch) => service.patchUser(id, body, ifMatch),
			remove: (id, ifMatch) => service.deleteUser(id, ifMatch),
			location: (id) => service.userLocation(id),
		};
	return {
		list: (q, p) => service.listGroups(q, p),
		create: (body) => service.createGroup(body),
		get: (id, p) => service.getGroup(id, p),
		replace: (id, body, ifMatch) => service.replaceGroup(id, body, ifMatch),
		// 204 (RFC 7644 §3.5.2): a large group is not sent back after every member change, unless asked for.
		patch: async (id, body, ifMatch, p, asked) => {
			const record = await service.patchGroup(id, body, ifMatch);
			return asked ? { record, resource: await service.groupResource(record, p) } : { record };
		},
		remove: (id, ifMatch) => service.deleteGroup(id, ifMatch),
		location: (id) => service.groupLocation(id),
	};
}

function listReply(r: ListResult, p: Projection): Reply {
	return {
		status: 200,
		body: listBody(
			r.resources.map((x) => project(x, p)),
			r.startIndex,
			r.total,
		),
	};
}

function discovery(base: string): { base: string; maxResults: number } {
	return { base, maxResults: MAX_RESULTS };
}

function only(ctx: Ctx, methods: Method[]): void {
	if (!methods.includes(ctx.method)) {
		const err = new ScimError(
			405,
			`${ctx.method.toUpperCase()} is not supported here (use ${methods.map((m) => m.toUpperCase()).join(', ')})`,
		);
		throw err;
	}
}

function projectionOf(ctx: Ctx, kind: Kind): Projection {
	const q = ctx.request.query ?? {};
	const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);
	return projection(kind, str(q.attributes), str(q.excludedAttributes));
}

function listQuery(q: Record<string, unknown>): ListQuery {
	const int = (name: string, v: unknown, fallback: number): number => {
		if (v === undefined || v === null || v === '') return fallback;
		const n = typeof v === 'number' ? v : Number(v);
		if (!Number.isInteger(n)) throw invalidValue(`${name} must be an integer`);
		return n;
	};
	const startIndex = Math.max(1, int('startIndex', q.startIndex, 1));
	const count = Math.min(MAX_RESULTS, Math.max(0, int('count', q.count, DEFAULT_COUNT)));
	const filter = typeof q.filter === 'string' ? q.filter : undefined;
	return { filter, startIndex, count };
}

function listBody(resources: Json[], startIndex: number, total = resources.length): Json {
	return { schemas: [SCHEMA_LIST], totalResults: total, startIndex, itemsPerPage: resources.length, Resources: resources };
}

/**
 * The request's JSON body. Rocket.Chat parses only `application/json` bodies for apps (its body parser
 * leaves any other type, `application/scim+json` included, as an empty object): such a write is refused
 * with 415 and an explanation, never taken as an empty resource.
 */
function requestBody(request: IApiRequest, headers: Record<string, string>, limit: number): unknown {
	let content: unknown = request.content;
	if (typeof content === 'string') {
		if (content.length > limit) throw new ScimError(413, `the body is larger than ${limit} bytes`);
		try {
			content = content.trim() === '' ? undefined : JSON.parse(content);
		} catch {
			throw invalidSyntax('the body is not valid JSON');
		}
	}
	const type = (headers['content-type'] ?? '').split(';')[0].trim().toLowerCase();
	const declared = Number(headers['content-length']);
	const empty = content === undefined || content === null || (typeof content === 'object' && Object.keys(content).length === 0);
	if (empty && type !== 'application/json' && Number.isFinite(declared) && declared > 2)
		throw new ScimError(
			415,
			`Rocket.Chat passes apps only application/json bodies: this ${type || 'untyped'} body was dropped before it reached the app. ` +
				'Send Content-Type: application/json, or have the reverse proxy set it for the SCIM path.',
		);
	if (content === undefined) throw invalidSyntax('a JSON body is required');
	return content;
}

export function scimEndpoints(app: IApp): ScimEndpoint[] {
	return SCIM_PATHS.map((path) => new ScimEndpoint(app, path));
}
