/**
 * PATCH (RFC 7644 §3.5.2) as identity providers send it: op names in any case (Entra ID sends `Add`,
 * `Replace`, `Remove`), `replace` without a path whose value holds the attributes (Okta's deactivation),
 * paths with a value filter (`emails[type eq "work"].value`, `members[value eq "id"]`), `remove` of
 * members listed in the value (Entra ID), and booleans as strings ("False").
 *
 * A User PATCH is applied to the User's document, which is then validated as a whole. A Group PATCH is
 * turned into changes of its attributes plus a list of member operations, so that one member change costs
 * O(1) stored records whatever the size of the group.
 */
import { Filter } from 'scim2-parse-filter';

import { AttrDef, findAttr, ResourceKind, resolvePath } from './attributes';
import { compileValueFilter, parseFilter } from './filter';
import { asBoolean, isObject, memberIds } from './user';
import { invalidPath, invalidSyntax, invalidValue, mutability, noTarget, SCHEMA_PATCH, ScimError } from './types';

type Json = Record<string, unknown>;

export type PatchOpName = 'add' | 'replace' | 'remove';

export interface PatchOperation {
	readonly op: PatchOpName;
	readonly path?: string;
	readonly value?: unknown;
}

/** At most this many operations in one PATCH. */
export const MAX_OPERATIONS = 1000;

/** Reads the PatchOp message. */
export function patchOperations(body: unknown): PatchOperation[] {
	if (!isObject(body)) throw invalidSyntax('the body must be a PatchOp message');
	const keys = new Map(Object.entries(body).map(([k, v]) => [k.toLowerCase(), v]));
	const schemas = keys.get('schemas');
	if (!Array.isArray(schemas) || !schemas.some((s) => typeof s === 'string' && s.toLowerCase() === SCHEMA_PATCH.toLowerCase()))
		throw invalidSyntax(`schemas must contain ${SCHEMA_PATCH}`);
	const ops = keys.get('operations');
	if (!Array.isArray(ops) || ops.length === 0) throw invalidSyntax('Operations must be a non-empty array');
	if (ops.length > MAX_OPERATIONS) throw new ScimError(400, `more than ${MAX_OPERATIONS} operations`, 'tooMany');
	return ops.map((o, i) => {
		if (!isObject(o)) throw invalidSyntax(`Operations[${i}] must be an object`);
		const m = new Map(Object.entries(o).map(([k, v]) => [k.toLowerCase(), v]));
		const op = typeof m.get('op') === 'string' ? (m.get('op') as string).toLowerCase() : '';
		if (op !== 'add' && op !== 'replace' && op !== 'remove') throw invalidSyntax(`Operations[${i}].op must be add, replace or remove`);
		const path = m.get('path');
		if (path !== undefined && path !== null && (typeof path !== 'string' || path.trim() === ''))
			throw invalidPath(`Operations[${i}].path must be a string`);
		const out: { op: PatchOpName; path?: string; value?: unknown } = { op };
		if (typeof path === 'string') out.path = path;
		if (m.has('value')) out.value = m.get('value');
		if (op !== 'remove' && out.value === undefined) throw invalidValue(`Operations[${i}] (${op}) needs a value`);
		if (op === 'remove' && out.path === undefined) throw noTarget(`Operations[${i}] (remove) needs a path`);
		return out;
	});
}

/** A parsed PATCH path: `attr`, `attr.sub`, `attr[filter]` or `attr[filter].sub`. */
export interface PatchPath {
	readonly attr: AttrDef;
	readonly sub?: AttrDef;
	readonly filter?: Filter;
	/** The path names an extension schema the app does not implement: the operation is ignored. */
	readonly ignored?: boolean;
}

export function parsePath(kind: ResourceKind, raw: string): PatchPath {
	const m = /^([^[\]]+?)(?:\[(.*)\](?:\.([A-Za-z$][\w$-]*))?)?$/s.exec(raw.trim());
	if (!m) throw invalidPath(`"${raw}" is not a valid path`);
	const [, head, filterText, subAfter] = m;
	const { resolved, extension } = resolvePath(kind, head);
	if (!resolved) {
		if (extension) return { attr: { name: head, type: 'string', description: '' }, ignored: true };
		throw invalidPath(`unknown attribute "${head}"`);
	}
	if (filterText === undefined) return { attr: resolved.attr, sub: resolved.sub };
	if (resolved.sub || !resolved.attr.multiValued) throw invalidPath(`"${head}" cannot take a value filter`);
	let filter: Filter;
	try {
		filter = parseFilter(filterText);
	} catch (err) {
		throw invalidPath(`the filter of "${raw}" is not valid${err instanceof ScimError ? `: ${err.detail}` : ''}`);
	}
	let sub: AttrDef | undefined;
	if (subAfter !== undefined) {
		sub = findAttr(resolved.attr.subAttributes, subAfter);
		if (!sub) throw invalidPath(`unknown attribute "${resolved.attr.name}.${subAfter}"`);
	}
	return { attr: resolved.attr, sub, filter };
}

function isReadOnly(def: AttrDef): boolean {
	return def.mutability === 'readOnly';
}

/** A value for an attribute: booleans may arrive as strings; anything else is validated with the whole document. */
function coerce(def: AttrDef, v: unknown, field: string): unknown {
	if (def.type === 'boolean' && v !== null && v !== undefined) return asBoolean(v, field);
	return v;
}

// ---------------------------------------------------------------------------------------------- Users

/**
 * Applies a User PATCH to the User's document (see `userDocument`) and returns the new document; the
 * caller validates it as a whole (`userAttributes`), so a PATCH that leaves an invalid User changes nothing.
 */
export function applyUserPatch(doc: Json, ops: ReadonlyArray<PatchOperation>): Json {
	const out = structuredCloneJson(doc);
	for (const op of ops) {
		if (op.path === undefined) {
			if (!isObject(op.value)) throw invalidValue(`${op.op} without a path needs an object of attributes`);
			for (const [key, value] of Object.entries(op.value)) {
				const lower = key.toLowerCase();
				if (lower === 'id' || lower === 'meta' || lower === 'schemas' || lower === 'password') continue;
				if (isObject(value) && /^urn:/i.test(key)) {
					// `"urn:...:User": {...}` carries core attributes; any other schema is an unimplemented extension.
					const { resolved } = resolvePath('User', `${key}:userName`);
					if (resolved) applyUserPatchInPlace(out, [{ op: op.op, value }]);
					continue;
				}
				applyOne(out, 'User', op.op, parsePath('User', key), value);
			}
			continue;
		}
		applyOne(out, 'User', op.op, parsePath('User', op.path), op.value);
	}
	return out;
}

function applyUserPatchInPlace(doc: Json, ops: ReadonlyArray<PatchOperation>): void {
	const next = applyUserPatch(doc, ops);
	for (const k of Object.keys(doc)) delete doc[k];
	Object.assign(doc, next);
}

function structuredCloneJson(doc: Json): Json {
	return JSON.parse(JSON.stringify(doc)) as Json;
}

function applyOne(doc: Json, kind: ResourceKind, op: PatchOpName, path: PatchPath, value: unknown): void {
	if (path.ignored) return;
	const { attr, sub, filter } = path;
	const name = attr.name;
	if (isReadOnly(attr) || (sub && isReadOnly(sub))) {
		if (attr.name === 'id' || attr.name === 'meta') throw mutability(`${attr.name} is read-only`);
		throw mutability(`${attr.name}${sub ? `.${sub.name}` : ''} is read-only`);
	}
	if (attr.mutability === 'immutable' && op !== 'add') {
		if (op === 'remove' || doc[name] !== value) throw mutability(`${name} cannot change once set`);
	}
	if (attr.mutability === 'immutable' && op === 'add' && doc[name] !== undefined && doc[name] !== value)
		throw mutability(`${name} cannot change once set`);

	if (attr.type !== 'complex') {
		if (op === 'remove') delete doc[name];
		else doc[name] = coerce(attr, value, name);
		return;
	}

	if (!attr.multiValued) {
		// `name` and `name.givenName`.
		const current = isObject(doc[name]) ? doc[name] : {};
		if (sub) {
			if (op === 'remove') delete current[sub.name];
			else current[sub.name] = coerce(sub, value, `${name}.${sub.name}`);
			doc[name] = current;
			return;
		}
		if (op === 'remove') {
			delete doc[name];
			return;
		}
		if (!isObject(value)) throw invalidValue(`${name} must be an object`);
		doc[name] = { ...current, ...lowerToCanonical(attr, value) };
		return;
	}

	// Multi-valued complex (emails, photos).
	const list: Json[] = Array.isArray(doc[name]) ? (doc[name] as Json[]) : [];
	if (filter) {
		const test = compileValueFilter(kind, attr, filter);
		const matching = list.filter((e) => test(e));
		if (op === 'remove') {
			if (sub) for (const e of matching) delete e[sub.name];
			else doc[name] = list.filter((e) => !test(e));
			return;
		}
		if (matching.length === 0) {
			// Entra ID replaces `emails[type eq "work"].value` on users that have no work address: add one.
			const seed = equalityOf(filter);
			if (!seed) throw noTarget(`no value of ${name} matches the filter`);
			const created: Json = { [seed.attr]: seed.value };
			if (sub) created[sub.name] = coerce(sub, value, `${name}.${sub.name}`);
			else if (isObject(value)) Object.assign(created, lowerToCanonical(attr, value));
			else throw invalidValue(`${name} values must be objects`);
			doc[name] = [...list, created];
			return;
		}
		for (const e of matching) {
			if (sub) e[sub.name] = coerce(sub, value, `${name}.${sub.name}`);
			else if (isObject(value)) Object.assign(e, lowerToCanonical(attr, value));
			else throw invalidValue(`${name} values must be objects`);
		}
		doc[name] = list;
		return;
	}
	if (sub) {
		// `emails.value` without a filter: every value.
		if (op === 'remove') for (const e of list) delete e[sub.name];
		else for (const e of list) e[sub.name] = coerce(sub, value, `${name}.${sub.name}`);
		doc[name] = list;
		return;
	}
	if (op === 'remove') {
		if (value === undefined) delete doc[name];
		else {
			const drop = new Set((Array.isArray(value) ? value : [value]).map((v) => (isObject(v) ? String(v.value) : String(v))));
			doc[name] = list.filter((e) => !drop.has(String(e.value)));
		}
		return;
	}
	const incoming = (Array.isArray(value) ? value : [value]).map((v) => {
		if (!isObject(v)) throw invalidValue(`${name} values must be objects`);
		return lowerToCanonical(attr, v);
	});
	if (op === 'replace') {
		doc[name] = incoming;
		return;
	}
	// add: new values are appended; a value already there is updated. A new primary unsets the old one.
	const merged = [...list];
	for (const v of incoming) {
		if (v.primary === true) for (const e of merged) delete e.primary;
		const same = merged.find((e) => e.value === v.value);
		if (same) Object.assign(same, v);
		else merged.push(v);
	}
	doc[name] = merged;
}

/** A complex value with its sub-attribute names made canonical (`Value` -> `value`); unknown ones kept as sent. */
function lowerToCanonical(attr: AttrDef, v: Json): Json {
	const out: Json = {};
	for (const [k, x] of Object.entries(v)) {
		const sub = findAttr(attr.subAttributes, k);
		out[sub ? sub.name : k] = sub ? coerce(sub, x, `${attr.name}.${sub.name}`) : x;
	}
	return out;
}

/** `type eq "work"` (alone): the element such a filter would select, to create one when none exists. */
function equalityOf(f: Filter): { attr: string; value: string } | undefined {
	if (f.op !== 'eq') return undefined;
	const c = f as { attrPath: string; compValue: unknown };
	return typeof c.compValue === 'string' && /^[A-Za-z]+$/.test(c.attrPath)
		? { attr: c.attrPath.toLowerCase(), value: c.compValue }
		: undefined;
}

// ---------------------------------------------------------------------------------------------- Groups

export type MemberOp =
	| { readonly kind: 'add'; readonly ids: ReadonlyArray<string> }
	| { readonly kind: 'remove'; readonly ids: ReadonlyArray<string> }
	| { readonly kind: 'replace'; readonly ids: ReadonlyArray<string> }
	| { readonly kind: 'removeAll' }
	/** Remove the members a filter selects, when the filter is not a plain list of ids. */
	| { readonly kind: 'removeWhere'; readonly test: (member: Json) => boolean };

export interface GroupPatch {
	displayName?: string;
	externalId?: string | null;
	members: MemberOp[];
}

/** Turns a Group PATCH into attribute changes and member operations (applied in order by the caller). */
export function groupPatch(ops: ReadonlyArray<PatchOperation>): GroupPatch {
	const out: GroupPatch = { members: [] };
	const setAttr = (op: PatchOpName, path: PatchPath, value: unknown): void => {
		if (path.ignored) return;
		const { attr, sub, filter } = path;
		switch (attr.name) {
			case 'displayName':
				if (op === 'remove') throw mutability('displayName is required');
				if (typeof value !== 'string' || value.trim() === '' || value.length > 200)
					throw invalidValue('displayName must be a non-empty string');
				out.displayName = value;
				return;
			case 'externalId':
				if (op === 'remove') out.externalId = null;
				else if (typeof value !== 'string' || value === '' || value.length > 128) throw invalidValue('externalId must be a string');
				else out.externalId = value;
				return;
			case 'members':
				if (sub && sub.name !== 'value') throw mutability(`members.${sub.name} cannot be changed`);
				if (filter) {
					if (op !== 'remove') throw invalidPath('members with a filter can only be removed');
					const ids = idsOfValueFilter(filter);
					if (ids) out.members.push({ kind: 'remove', ids });
					else out.members.push({ kind: 'removeWhere', test: compileValueFilter('Group', attr, filter) });
					return;
				}
				if (op === 'remove') {
					if (value === undefined || value === null) out.members.push({ kind: 'removeAll' });
					else out.members.push({ kind: 'remove', ids: memberIds(value) });
					return;
				}
				out.members.push({ kind: op === 'add' ? 'add' : 'replace', ids: value === null ? [] : memberIds(value) });
				return;
			case 'id':
			case 'meta':
				throw mutability(`${attr.name} is read-only`);
			default:
				throw invalidPath(`unknown attribute "${attr.name}"`);
		}
	};
	for (const op of ops) {
		if (op.path !== undefined) {
			setAttr(op.op, parsePath('Group', op.path), op.value);
			continue;
		}
		if (!isObject(op.value)) throw invalidValue(`${op.op} without a path needs an object of attributes`);
		for (const [key, value] of Object.entries(op.value)) {
			const lower = key.toLowerCase();
			// Okta sends the group's id along with a new displayName.
			if (lower === 'id' || lower === 'meta' || lower === 'schemas') continue;
			setAttr(op.op, parsePath('Group', key), value);
		}
	}
	return out;
}

/** `value eq "a"` or `value eq "a" or value eq "b"`: the ids, without reading the group. */
function idsOfValueFilter(f: Filter): string[] | undefined {
	if (f.op === 'eq') {
		const c = f as { attrPath: string; compValue: unknown };
		return c.attrPath.toLowerCase() === 'value' && typeof c.compValue === 'string' ? [c.compValue] : undefined;
	}
	if (f.op === 'or') {
		const ids: string[] = [];
		for (const x of (f as { filters: Filter[] }).filters) {
			const sub = idsOfValueFilter(x);
			if (!sub) return undefined;
			ids.push(...sub);
		}
		return ids;
	}
	return undefined;
}

/**
 * The net membership change of member operations. `current` is needed only when an operation depends on
 * who is a member now (`replace`, `removeAll`, `removeWhere`): see `needsCurrentMembers`.
 */
export function memberDelta(ops: ReadonlyArray<MemberOp>, current?: ReadonlySet<string>): { add: string[]; remove: string[] } {
	// id -> true (member after the ops) / false (not a member); ids not in the map keep their state.
	const state = new Map<string, boolean>();
	const isMember = (id: string): boolean => state.get(id) ?? current?.has(id) ?? false;
	for (const op of ops) {
		switch (op.kind) {
			case 'add':
				for (const id of op.ids) state.set(id, true);
				break;
			case 'remove':
				for (const id of op.ids) state.set(id, false);
				break;
			case 'removeAll':
			case 'replace':
			case 'removeWhere': {
				if (!current) throw new Error('memberDelta: this operation needs the current members');
				const keep = op.kind === 'replace' ? new Set(op.ids) : new Set<string>();
				const everyone = new Set([...current, ...state.keys()]);
				for (const id of everyone) {
					if (!isMember(id)) continue;
					if (op.kind === 'removeWhere') {
						if (op.test({ value: id, type: 'User' })) state.set(id, false);
					} else if (!keep.has(id)) state.set(id, false);
				}
				if (op.kind === 'replace') for (const id of op.ids) state.set(id, true);
				break;
			}
		}
	}
	const add: string[] = [];
	const remove: string[] = [];
	for (const [id, member] of state) {
		const before = current ? current.has(id) : undefined;
		if (member && before !== true) add.push(id);
		if (!member && before !== false) remove.push(id);
	}
	return { add, remove };
}

export function needsCurrentMembers(ops: ReadonlyArray<MemberOp>): boolean {
	return ops.some((o) => o.kind === 'replace' || o.kind === 'removeAll' || o.kind === 'removeWhere');
}
