import type { IncomingMessage, ServerResponse } from 'node:http';

import type { WUser } from './world/types';

/** Largest request body the sandbox reads (Rocket.Chat's own limits are larger than the app's). */
export const MAX_BODY_BYTES = 50 * 1024 * 1024;

export interface RestRequest {
	method: string;
	path: string;
	query: Record<string, string>;
	headers: Record<string, string>;
	/** Parsed JSON when the body is JSON, the raw text otherwise, undefined when empty. */
	body: unknown;
	rawBody: Buffer;
	params: Record<string, string>;
	user?: WUser;
	/** The caller's address (Rocket.Chat's rate limiter counts calls per address and endpoint). */
	ip?: string;
}

export interface RestResponse {
	status: number;
	headers?: Record<string, string>;
	body?: unknown;
}

/** An HTTP error answered in Rocket.Chat's REST shape. */
export class RestError extends Error {
	constructor(
		readonly status: number,
		readonly body: Record<string, unknown>,
		readonly headers: Record<string, string> = {},
	) {
		const text = body.error ?? body.message;
		super(typeof text === 'string' ? text : String(status));
	}
}

/**
 * A call without valid credentials to an endpoint that needs them. Before Rocket.Chat 8.0 the body also
 * carries `status` and `message` (8.0's `applyBreakingChanges` dropped them).
 */
export const unauthorized = (before8 = true): RestError => {
	const message = 'You must be logged in to do this.';
	return new RestError(401, { success: false, error: message, ...(before8 ? { status: 'error', message } : {}) });
};
/** An endpoint's `permissionsRequired` not met (Rocket.Chat checks them before running the endpoint). */
export const forbidden = (): RestError =>
	new RestError(403, { success: false, error: 'User does not have the permissions required for this action [error-unauthorized]' });
/** `API.v1.forbidden()`: what an endpoint answers itself when the caller may not do this. */
export const forbiddenUnauthorized = (): RestError => new RestError(403, { success: false, error: 'unauthorized' });
/** A `Meteor.Error` (`reason [type]` plus `errorType`), or `API.v1.failure(text)` when no type is given. */
export const badRequest = (error: string, errorType?: string): RestError =>
	new RestError(400, errorType ? { success: false, error: `${error} [${errorType}]`, errorType } : { success: false, error });
/** `API.v1.failure(text, type)`: the text as is, with the type beside it. */
export const failure = (error: string, errorType?: string): RestError =>
	new RestError(400, errorType ? { success: false, error, errorType } : { success: false, error });

export function readBody(req: IncomingMessage, limit = MAX_BODY_BYTES): Promise<Buffer> {
	return new Promise((resolve, reject) => {
		const chunks: Buffer[] = [];
		let size = 0;
		req.on('data', (c: Buffer) => {
			size += c.length;
			if (size > limit) {
				reject(new RestError(413, { success: false, error: 'Request entity too large' }));
				req.destroy();
				return;
			}
			chunks.push(c);
		});
		req.on('end', () => resolve(Buffer.concat(chunks)));
		req.on('error', reject);
	});
}

export function parseBody(raw: Buffer, contentType: string | undefined): unknown {
	if (raw.length === 0) return undefined;
	const text = raw.toString('utf8');
	if ((contentType ?? '').includes('json') || /^\s*[[{]/.test(text)) {
		try {
			return JSON.parse(text);
		} catch {
			return text;
		}
	}
	if ((contentType ?? '').includes('application/x-www-form-urlencoded')) {
		return Object.fromEntries(new URLSearchParams(text));
	}
	return text;
}

export function send(res: ServerResponse, out: RestResponse): void {
	const headers: Record<string, string> = { ...(out.headers ?? {}) };
	let payload: string | Buffer | undefined;
	if (out.body === undefined || out.body === null) payload = undefined;
	else if (Buffer.isBuffer(out.body)) payload = out.body;
	else if (typeof out.body === 'string') {
		payload = out.body;
		if (!Object.keys(headers).some((h) => h.toLowerCase() === 'content-type')) headers['Content-Type'] = 'text/plain; charset=utf-8';
	} else {
		payload = JSON.stringify(out.body);
		if (!Object.keys(headers).some((h) => h.toLowerCase() === 'content-type')) headers['Content-Type'] = 'application/json';
	}
	res.writeHead(out.status, headers);
	res.end(payload);
}

export function lowerHeaders(req: IncomingMessage): Record<string, string> {
	const out: Record<string, string> = {};
	for (const [k, v] of Object.entries(req.headers)) if (v !== undefined) out[k.toLowerCase()] = Array.isArray(v) ? v.join(', ') : v;
	return out;
}

/**
 * Matches an endpoint path against a request path as Express 4 does for the paths apps register:
 * `:name` matches one segment, and a `*` segment matches the rest of the path (as param `0`).
 */
export function matchPath(pattern: string, path: string): Record<string, string> | undefined {
	const p = pattern.replace(/^\/+|\/+$/g, '').split('/');
	const s = path.replace(/^\/+|\/+$/g, '').split('/');
	const params: Record<string, string> = {};
	for (let i = 0; i < p.length; i++) {
		if (p[i] === '*') {
			const rest = s.slice(i).join('/');
			if (rest === '') return undefined;
			const decoded = safeDecode(rest);
			if (decoded === undefined) return undefined;
			params['0'] = decoded;
			return params;
		}
		if (i >= s.length) return undefined;
		if (p[i].startsWith(':')) {
			const decoded = s[i] === '' ? undefined : safeDecode(s[i]);
			if (decoded === undefined) return undefined;
			params[p[i].slice(1)] = decoded;
		} else if (p[i] !== s[i]) return undefined;
	}
	return p.length === s.length ? params : undefined;
}

function safeDecode(s: string): string | undefined {
	try {
		return decodeURIComponent(s);
	} catch {
		return undefined;
	}
}
