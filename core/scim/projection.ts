/**
 * `attributes` and `excludedAttributes` (RFC 7644 §3.4.2.5 / §3.9): which attributes a read returns.
 * `id` and `schemas` are always returned; names are case-insensitive and may carry the schema URN.
 */
import { ResourceKind, resolvePath } from './attributes';
import { invalidValue } from './types';

type Json = Record<string, unknown>;

export interface Projection {
	/** Top attribute -> sub-attributes wanted (empty set: the whole attribute). Undefined: every attribute. */
	readonly include?: ReadonlyMap<string, ReadonlySet<string>>;
	readonly exclude: ReadonlyMap<string, ReadonlySet<string>>;
}

const ALWAYS = new Set(['id', 'schemas']);

function parseList(kind: ResourceKind, raw: string | undefined): Map<string, Set<string>> | undefined {
	if (raw === undefined) return undefined;
	if (raw.length > 2000) throw invalidValue('the attribute list is too long');
	const out = new Map<string, Set<string>>();
	for (const item of raw.split(',')) {
		const name = item.trim();
		if (name === '') continue;
		const { resolved } = resolvePath(kind, name);
		// Attributes the resource does not have select nothing.
		if (!resolved) continue;
		const subs = out.get(resolved.attr.name) ?? new Set<string>();
		if (resolved.sub) subs.add(resolved.sub.name);
		else subs.add('*');
		out.set(resolved.attr.name, subs);
	}
	return out;
}

export function projection(kind: ResourceKind, attributes?: string, excludedAttributes?: string): Projection {
	const include = parseList(kind, attributes);
	const exclude = parseList(kind, excludedAttributes) ?? new Map<string, Set<string>>();
	return include && include.size > 0 ? { include, exclude } : { exclude };
}

/** Whether a projection returns (some of) attribute `name`: lets a reader skip loading what is not returned. */
export function returns(p: Projection, name: string): boolean {
	if (p.exclude.get(name)?.has('*')) return false;
	return !p.include || p.include.has(name) || ALWAYS.has(name);
}

export function project(resource: Json, p: Projection): Json {
	const out: Json = {};
	for (const [key, value] of Object.entries(resource)) {
		if (ALWAYS.has(key)) {
			out[key] = value;
			continue;
		}
		let v: unknown = value;
		if (p.include) {
			const subs = p.include.get(key);
			if (!subs) continue;
			if (!subs.has('*')) v = pick(v, subs, true);
		}
		const ex = p.exclude.get(key);
		if (ex) {
			if (ex.has('*')) continue;
			v = pick(v, ex, false);
		}
		out[key] = v;
	}
	return out;
}

function pick(value: unknown, subs: ReadonlySet<string>, keep: boolean): unknown {
	const one = (o: unknown): unknown => {
		if (o === null || typeof o !== 'object') return o;
		const out: Json = {};
		for (const [k, x] of Object.entries(o as Json)) if (subs.has(k) === keep) out[k] = x;
		return out;
	};
	return Array.isArray(value) ? value.map(one) : one(value);
}
