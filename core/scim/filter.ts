/**
 * SCIM filters (RFC 7644 §3.4.2.2): parsed with `scim2-parse-filter`, then checked against the attributes
 * the app implements and compiled into a predicate over a resource as it is returned. Strings compare
 * case-insensitively unless the attribute is caseExact; dateTime attributes compare as instants; booleans
 * allow only `eq`, `ne` and `pr`. Any unknown attribute, bad syntax or operator that makes no sense for the
 * attribute's type is an `invalidFilter` error.
 */
import { Filter, parse } from 'scim2-parse-filter';

import { AttrDef, findAttr, ResourceKind, resolvePath } from './attributes';
import { invalidFilter } from './types';

export type Resource = Record<string, unknown>;
export type Predicate = (r: Resource) => boolean;

/** Filters longer than this are refused (they are typed by people or generated from a single value). */
export const MAX_FILTER_LENGTH = 4096;

/** An `eq` on an indexed attribute that every match must satisfy (used to avoid a full scan). */
export interface IndexHint {
	readonly path: string;
	readonly value: string;
}

export interface CompiledFilter {
	readonly test: Predicate;
	/** `eq` conditions on these paths that are required by the whole filter (top level or inside a top-level `and`). */
	readonly hints: ReadonlyArray<IndexHint>;
	/** Canonical paths the filter reads. */
	readonly paths: ReadonlySet<string>;
}

export function parseFilter(text: string): Filter {
	if (text.length > MAX_FILTER_LENGTH) throw invalidFilter(`the filter is longer than ${MAX_FILTER_LENGTH} characters`);
	if (text.trim() === '') throw invalidFilter('the filter is empty');
	let ast: Filter;
	try {
		ast = parse(text);
	} catch (err) {
		throw invalidFilter(`the filter is not valid: ${err instanceof Error ? err.message : 'syntax error'}`);
	}
	if (!ast || typeof ast !== 'object') throw invalidFilter('the filter is not valid');
	return ast;
}

export function compileFilter(kind: ResourceKind, text: string): CompiledFilter {
	const ast = parseFilter(text);
	const paths = new Set<string>();
	const test = compile(kind, ast, undefined, paths);
	return { test, hints: hintsOf(kind, ast), paths };
}

/** Compiles a filter relative to one element of a multi-valued complex attribute (`emails[type eq "work"]`). */
export function compileValueFilter(kind: ResourceKind, parent: AttrDef, ast: Filter): Predicate {
	return compile(kind, ast, parent, new Set());
}

function compile(kind: ResourceKind, f: Filter, parent: AttrDef | undefined, paths: Set<string>): Predicate {
	switch (f.op) {
		case 'and': {
			const parts = (f as { filters: Filter[] }).filters.map((x) => compile(kind, x, parent, paths));
			return (r) => parts.every((p) => p(r));
		}
		case 'or': {
			const parts = (f as { filters: Filter[] }).filters.map((x) => compile(kind, x, parent, paths));
			return (r) => parts.some((p) => p(r));
		}
		case 'not': {
			const inner = compile(kind, (f as { filter: Filter }).filter, parent, paths);
			return (r) => !inner(r);
		}
		case '[]': {
			if (parent) throw invalidFilter('a value path cannot be nested inside another');
			const vp = f as { attrPath: string; valFilter: Filter };
			const { resolved, extension } = resolvePath(kind, vp.attrPath);
			if (!resolved || resolved.sub || resolved.attr.type !== 'complex') throw unknown(vp.attrPath, extension);
			paths.add(resolved.path);
			const inner = compile(kind, vp.valFilter, resolved.attr, paths);
			const name = resolved.attr.name;
			return (r) => elements(r[name]).some((e) => inner(e));
		}
		default:
			return comparison(kind, f, parent, paths);
	}
}

function unknown(path: string, extension: boolean): Error {
	return invalidFilter(extension ? `the schema of "${path}" is not implemented` : `unknown attribute "${path}"`);
}

function comparison(
	kind: ResourceKind,
	f: { op: string; attrPath: string; compValue?: unknown },
	parent: AttrDef | undefined,
	paths: Set<string>,
): Predicate {
	let getter: (r: Resource) => unknown[];
	let def: AttrDef;
	if (parent) {
		const sub = findAttr(parent.subAttributes, f.attrPath);
		if (!sub) throw invalidFilter(`unknown attribute "${parent.name}.${f.attrPath}"`);
		def = sub;
		getter = (e) => flat([e[sub.name]]);
	} else {
		const { resolved, extension } = resolvePath(kind, f.attrPath);
		if (!resolved) throw unknown(f.attrPath, extension);
		paths.add(resolved.path);
		const { attr, sub } = resolved;
		if (sub) {
			def = sub;
			getter = (r) => flat(elements(r[attr.name]).map((e) => e[sub.name]));
		} else if (attr.type === 'complex') {
			// A complex attribute compared directly: its `value` sub-attribute (RFC 7644 §3.4.2.2).
			const value = findAttr(attr.subAttributes, 'value');
			if (!value) throw invalidFilter(`"${attr.name}" is complex: name one of its sub-attributes`);
			def = value;
			getter = (r) => flat(elements(r[attr.name]).map((e) => e.value));
		} else {
			def = attr;
			getter = (r) => flat([r[attr.name]]);
		}
	}
	const op = f.op.toLowerCase();
	if (op === 'pr') return (r) => getter(r).some((v) => v !== '' && v !== null && v !== undefined);
	const want = f.compValue;
	const test = valueTest(op, def, want, f.attrPath);
	if (op === 'ne') return (r) => !getter(r).some((v) => test(v));
	return (r) => getter(r).some((v) => test(v));
}

function valueTest(op: string, def: AttrDef, want: unknown, path: string): (v: unknown) => boolean {
	if (want === null) {
		if (op !== 'eq' && op !== 'ne') throw invalidFilter(`"${op}" cannot compare with null`);
		// `eq null`: never matches a present value (so `ne null` is "present").
		return () => false;
	}
	switch (def.type) {
		case 'boolean': {
			if (op !== 'eq' && op !== 'ne') throw invalidFilter(`"${op}" does not apply to the boolean "${path}"`);
			if (typeof want !== 'boolean') throw invalidFilter(`"${path}" is a boolean: compare it with true or false`);
			return (v) => v === want;
		}
		case 'dateTime': {
			if (['co', 'sw', 'ew'].includes(op)) throw invalidFilter(`"${op}" does not apply to the dateTime "${path}"`);
			const t = typeof want === 'string' ? Date.parse(want) : NaN;
			if (!Number.isFinite(t)) throw invalidFilter(`"${path}" is a dateTime: compare it with an xsd:dateTime string`);
			return (v) => {
				const x = typeof v === 'string' ? Date.parse(v) : NaN;
				return Number.isFinite(x) && compareOrder(op, x - t);
			};
		}
		case 'complex':
			throw invalidFilter(`"${path}" is complex: name one of its sub-attributes`);
		default: {
			if (typeof want !== 'string') throw invalidFilter(`"${path}" is a string: compare it with a quoted string`);
			const fold = def.caseExact ? (s: string) => s : (s: string) => s.toLowerCase();
			const w = fold(want);
			const str = (v: unknown): string | undefined => (typeof v === 'string' ? fold(v) : undefined);
			switch (op) {
				case 'eq':
				case 'ne':
					return (v) => str(v) === w;
				case 'co':
					return (v) => str(v)?.includes(w) === true;
				case 'sw':
					return (v) => str(v)?.startsWith(w) === true;
				case 'ew':
					return (v) => str(v)?.endsWith(w) === true;
				case 'gt':
				case 'ge':
				case 'lt':
				case 'le':
					return (v) => {
						const s = str(v);
						return s !== undefined && compareOrder(op, s < w ? -1 : s > w ? 1 : 0);
					};
				default:
					throw invalidFilter(`unknown operator "${op}"`);
			}
		}
	}
}

function compareOrder(op: string, diff: number): boolean {
	switch (op) {
		case 'eq':
		case 'ne':
			return diff === 0;
		case 'gt':
			return diff > 0;
		case 'ge':
			return diff >= 0;
		case 'lt':
			return diff < 0;
		case 'le':
			return diff <= 0;
		default:
			throw invalidFilter(`unknown operator "${op}"`);
	}
}

function elements(v: unknown): Resource[] {
	if (Array.isArray(v)) return v.filter((e): e is Resource => e !== null && typeof e === 'object');
	return v !== null && typeof v === 'object' ? [v as Resource] : [];
}

function flat(values: unknown[]): unknown[] {
	const out: unknown[] = [];
	for (const v of values) {
		if (Array.isArray(v)) out.push(...(v as unknown[]));
		else if (v !== undefined) out.push(v);
	}
	return out;
}

/** `eq` conditions every match must satisfy: the filter itself, or the children of a top-level `and`. */
function hintsOf(kind: ResourceKind, f: Filter): IndexHint[] {
	const conds = f.op === 'and' ? (f as { filters: Filter[] }).filters : [f];
	const out: IndexHint[] = [];
	for (const c of conds) {
		if (c.op.toLowerCase() === 'eq') {
			const cmp = c as { attrPath: string; compValue: unknown };
			if (typeof cmp.compValue !== 'string') continue;
			const { resolved } = resolvePath(kind, cmp.attrPath);
			if (resolved)
				out.push({
					path: resolved.sub || resolved.attr.type !== 'complex' ? resolved.path : `${resolved.path}.value`,
					value: cmp.compValue,
				});
		} else if (c.op === '[]') {
			const vp = c as { attrPath: string; valFilter: Filter };
			const inner = vp.valFilter;
			if (inner.op.toLowerCase() !== 'eq') continue;
			const cmp = inner as { attrPath: string; compValue: unknown };
			if (typeof cmp.compValue !== 'string') continue;
			const { resolved } = resolvePath(kind, `${vp.attrPath}.${cmp.attrPath}`);
			if (resolved) out.push({ path: resolved.path, value: cmp.compValue });
		}
	}
	return out;
}
