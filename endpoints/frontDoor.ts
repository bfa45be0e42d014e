import { createHash, timingSafeEqual } from 'crypto';

import { IHttp, IModify, IPersistence, IRead } from '@rocket.chat/apps-engine/definition/accessors';
import { ApiEndpoint, IApiEndpointInfo, IApiRequest, IApiResponse } from '@rocket.chat/apps-engine/definition/api';
import { IApp } from '@rocket.chat/apps-engine/definition/IApp';

import { loadConfig } from '../adapters/config';
import { AppConfig } from '../core/config';
import { JsonSchema } from '../contract/schemas';
import { describeErrors, validatorFor } from '../contract/validate';

export type HttpMethod = 'get' | 'post' | 'put' | 'delete';
/** Every method the engine can route to an endpoint; those without an operation answer 405. */
type AnyMethod = HttpMethod | 'patch' | 'head' | 'options';

export interface Reply {
	status: number;
	body?: unknown;
	headers?: Record<string, string>;
}

export interface RequestContext<B = unknown> {
	request: IApiRequest;
	/** The validated JSON body (undefined for operations without one). */
	body: B;
	/** The path parameter of a `<base>/*` endpoint (e.g. the group key), or undefined. */
	param?: string;
	query: Record<string, string>;
	config: AppConfig;
	read: IRead;
	modify: IModify;
	http: IHttp;
	persis: IPersistence;
	app: IApp;
}

export interface Operation<B = unknown> {
	method: HttpMethod;
	/** Operation id and summary for the OpenAPI description. */
	id: string;
	summary: string;
	/** Every call but openapi.json needs the bearer key. */
	auth?: boolean;
	body?: JsonSchema;
	/** Query parameters: name -> schema of the (string) value. */
	query?: Record<string, { schema: JsonSchema; description: string; required?: boolean }>;
	responses: Record<number, { description: string; schema?: JsonSchema }>;
	handle(ctx: RequestContext<B>): Promise<Reply>;
}

export interface EndpointSpec {
	/** The engine path: a fixed path, or `<base>/*` for one path parameter. */
	path: string;
	/** The path parameter's name in the contract and OpenAPI (`groups/{key}` -> `key`). */
	paramName?: string;
	/** Pattern the path parameter must match. */
	paramPattern?: string;
	operations: Operation[];
}

/** The contract's error replies. Nothing beyond the error code is revealed. */
export const errors = {
	unauthorized: (): Reply => ({ status: 401, body: { error: 'unauthorized' } }),
	invalid: (details: Array<{ field: string; message: string }>): Reply => ({ status: 400, body: { error: 'invalid-request', details } }),
	tooLarge: (limit: number): Reply => ({ status: 413, body: { error: 'payload-too-large', limit } }),
	notFound: (): Reply => ({ status: 404, body: { error: 'not-found' } }),
	methodNotAllowed: (allowed: string[]): Reply => ({
		status: 405,
		body: { error: 'method-not-allowed' },
		headers: { Allow: allowed.map((m) => m.toUpperCase()).join(', ') },
	}),
};

/** Constant-time check of a presented bearer key against every configured key (rotation). */
export function keyMatches(presented: string, keys: ReadonlyArray<string>): boolean {
	const p = createHash('sha256').update(presented, 'utf8').digest();
	let ok = false;
	for (const key of keys) {
		const k = createHash('sha256').update(key, 'utf8').digest();
		// No early exit: every key is compared, so timing does not tell which one matched.
		if (timingSafeEqual(p, k) && key.length > 0) ok = true;
	}
	return ok;
}

function bearer(headers: Record<string, string>): string | undefined {
	const raw = headers.authorization ?? headers.Authorization;
	if (typeof raw !== 'string') return undefined;
	const m = /^Bearer\s+(\S+)\s*$/i.exec(raw);
	return m ? m[1] : undefined;
}

/**
 * The external API's front door: every endpoint of the app extends it. It checks the bearer key
 * (constant time, several keys), the body size, parses and validates the JSON body against the
 * operation's schema with a compiled validator, and answers with the contract's error shapes.
 * Only then does the operation run; a rejected request changes nothing.
 */
export class FrontDoorEndpoint extends ApiEndpoint {
	public path: string;

	constructor(
		app: IApp,
		readonly spec: EndpointSpec,
	) {
		super(app);
		this.path = spec.path;
	}

	public get(
		req: IApiRequest,
		_info: IApiEndpointInfo,
		read: IRead,
		modify: IModify,
		http: IHttp,
		persis: IPersistence,
	): Promise<IApiResponse> {
		return this.dispatch('get', req, read, modify, http, persis);
	}
	public post(
		req: IApiRequest,
		_info: IApiEndpointInfo,
		read: IRead,
		modify: IModify,
		http: IHttp,
		persis: IPersistence,
	): Promise<IApiResponse> {
		return this.dispatch('post', req, read, modify, http, persis);
	}
	public put(
		req: IApiRequest,
		_info: IApiEndpointInfo,
		read: IRead,
		modify: IModify,
		http: IHttp,
		persis: IPersistence,
	): Promise<IApiResponse> {
		return this.dispatch('put', req, read, modify, http, persis);
	}
	public delete(
		req: IApiRequest,
		_info: IApiEndpointInfo,
		read: IRead,
		modify: IModify,
		http: IHttp,
		persis: IPersistence,
	): Promise<IApiResponse> {
		return this.dispatch('delete', req, read, modify, http, persis);
	}
	public patch(
		req: IApiRequest,
		_info: IApiEndpointInfo,
		read: IRead,
		modify: IModify,
		http: IHttp,
		persis: IPersistence,
	): Promise<IApiResponse> {
		return this.dispatch('patch', req, read, modify, http, persis);
	}
	public head(
		req: IApiRequest,
		_info: IApiEndpointInfo,
		read: IRead,
		modify: IModify,
		http: IHttp,
		persis: IPersistence,
	): Promise<IApiResponse> {
		return this.dispatch('head', req, read, modify, http, persis);
	}
	public options(
		req: IApiRequest,
		_info: IApiEndpointInfo,
		read: IRead,
		modify: IModify,
		http: IHttp,
		persis: IPersistence,
	): Promise<IApiResponse> {
		return this.dispatch('options', req, read, modify, http, persis);
	}

	private async dispatch(
		method: AnyMethod,
		request: IApiRequest,
		read: IRead,
		modify: IModify,
		http: IHttp,
		persis: IPersistence,
	): Promise<IApiResponse> {
		try {
			return toResponse(await this.handle(method, request, read, modify, http, persis));
		} catch (err) {
			const reference = `req-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`;
			this.app
				.getLogger()
				.error(`${this.spec.path} ${method}: unexpected error [${reference}]: ${err instanceof Error ? err.message : String(err)}`);
			return toResponse({ status: 500, body: { error: 'internal-error', reference } });
		}
	}

	private async handle(
		method: AnyMethod,
		request: IApiRequest,
		read: IRead,
		modify: IModify,
		http: IHttp,
		persis: IPersistence,
	): Promise<Reply> {
		const op = this.spec.operations.find((o) => o.method === method);
		const { config } = await loadConfig(read);
		const headers = lowerKeys(request.headers ?? {});
		const auth = op ? op.auth !== false : this.spec.operations.some((o) => o.auth !== false);
		if (auth) {
			const key = bearer(headers);
			if (!key || !keyMatches(key, config.api.keys)) return errors.unauthorized();
		}
		if (!op) return errors.methodNotAllowed(this.spec.operations.map((o) => o.method));

		const declared = Number(headers['content-length']);
		if (Number.isFinite(declared) && declared > config.api.maxBodyBytes) return errors.tooLarge(config.api.maxBodyBytes);

		let param: string | undefined;
		if (this.spec.paramName) {
			param = request.params?.['0'] ?? request.params?.[this.spec.paramName];
			if (typeof param !== 'string' || param.length === 0 || param.includes('/')) return errors.notFound();
			if (this.spec.paramPattern && !new RegExp(this.spec.paramPattern).test(param)) {
				return errors.invalid([{ field: this.spec.paramName, message: `must match ${this.spec.paramPattern}` }]);
			}
		}

		const query: Record<string, string> = {};
		for (const [name, q] of Object.entries(op.query ?? {})) {
			const value = request.query?.[name];
			if (value === undefined) {
				if (q.required) return errors.invalid([{ field: name, message: 'is required' }]);
				continue;
			}
			const v = validatorFor(q.schema);
			if (typeof value !== 'string' || !v(value))
				return errors.invalid([{ field: name, message: describeErrors(v.errors)[0]?.message ?? 'is invalid' }]);
			query[name] = value;
		}

		let body: unknown = undefined;
		if (op.body) {
			let content: unknown = request.content;
			if (typeof content === 'string') {
				if (content.length > config.api.maxBodyBytes) return errors.tooLarge(config.api.maxBodyBytes);
				try {
					content = content.trim() === '' ? undefined : JSON.parse(content);
				} catch {
					return errors.invalid([{ field: '(body)', message: 'is not valid JSON' }]);
				}
			} else if (content !== undefined && !Number.isFinite(declared)) {
				// No Content-Length (chunked): measure what was received.
				if (JSON.stringify(content).length > config.api.maxBodyBytes) return errors.tooLarge(config.api.maxBodyBytes);
			}
			if (content === undefined) return errors.invalid([{ field: '(body)', message: 'is required' }]);
			const validate = validatorFor(op.body);
			if (!validate(content)) return errors.invalid(describeErrors(validate.errors));
			body = content;
		}

		return op.handle({ request, body, param, query, config, read, modify, http, persis, app: this.app });
	}
}

function lowerKeys(h: Record<string, string>): Record<string, string> {
	const out: Record<string, string> = {};
	for (const [k, v] of Object.entries(h)) out[k.toLowerCase()] = v;
	return out;
}

function toResponse(reply: Reply): IApiResponse {
	return {
		status: reply.status,
		headers: { 'Content-Type': 'application/json', 'Cache-Control': 'no-store', ...(reply.headers ?? {}) },
		content: reply.body ?? {},
	};
}
