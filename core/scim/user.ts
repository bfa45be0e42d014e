/**
 * User and Group resources <-> what the app stores, and a User <-> the contract's Person. Requests are
 * read case-insensitively (RFC 7643 §2.1); read-only attributes (`id`, `meta`, `groups`) are ignored, as
 * are attributes of extension schemas the app does not implement. `password` is never stored.
 */
import { DesiredGroup, DesiredPerson } from '../sync/types';
import { findAttr, USER_ATTRIBUTES } from './attributes';
import {
	GroupAttributes,
	invalidSyntax,
	invalidValue,
	SCHEMA_GROUP,
	SCHEMA_USER,
	ScimEmail,
	ScimGroupRecord,
	ScimName,
	ScimPhoto,
	ScimUserRecord,
	UserAttributes,
} from './types';

type Json = Record<string, unknown>;

// eslint-disable-next-line no-control-regex -- the point is to refuse control characters
const NO_CONTROL = /^[^\u0000-\u001f\u007f]*$/;
const EMAIL = /^[^\s@]+@[^\s@]+$/;
// eslint-disable-next-line no-control-regex -- the contract's externalId pattern
const EXTERNAL_ID = /^[^\u0000-\u001f\u007f/]{1,128}$/;
const HTTP_URL = /^https?:\/\/\S+$/i;
/** Core User attributes the app does not implement; a value for them is refused rather than silently dropped. */
const UNSUPPORTED_USER = new Set(['roles', 'entitlements', 'x509certificates']);

export const isObject = (v: unknown): v is Json => v !== null && typeof v === 'object' && !Array.isArray(v);

/** SCIM booleans; identity providers also send "True" / "False" strings (Entra ID does in PATCH). */
export function asBoolean(v: unknown, field: string): boolean {
	if (typeof v === 'boolean') return v;
	if (typeof v === 'string' && /^(true|false)$/i.test(v)) return v.toLowerCase() === 'true';
	throw invalidValue(`${field} must be a boolean`);
}

function str(v: unknown, field: string, max: number, opts: { required?: boolean; pattern?: RegExp } = {}): string | undefined {
	if (v === undefined || v === null || v === '') {
		if (opts.required) throw invalidValue(`${field} is required`);
		return undefined;
	}
	if (typeof v !== 'string') throw invalidValue(`${field} must be a string`);
	if (v.length > max) throw invalidValue(`${field} is longer than ${max} characters`);
	if (!(opts.pattern ?? NO_CONTROL).test(v)) throw invalidValue(`${field} is not valid`);
	return v;
}

/** The body's keys by lower-cased name (schema-URN-prefixed core keys included); extension objects are dropped. */
function lowerKeys(body: Json, schema: string): Map<string, unknown> {
	const out = new Map<string, unknown>();
	const prefix = `${schema.toLowerCase()}:`;
	for (const [k, v] of Object.entries(body)) {
		let key = k.toLowerCase();
		if (key.startsWith(prefix)) key = key.slice(prefix.length);
		else if (key.startsWith('urn:')) continue;
		out.set(key, v);
	}
	return out;
}

type Entry = Map<string, unknown>;

function multi<T>(v: unknown, field: string, max: number, item: (e: Entry, i: number) => T): T[] {
	if (v === undefined || v === null) return [];
	if (!Array.isArray(v)) throw invalidValue(`${field} must be an array`);
	if (v.length > max) throw invalidValue(`${field} has more than ${max} values`);
	return v.map((e, i) => {
		if (!isObject(e)) throw invalidValue(`${field}[${i}] must be an object`);
		return item(new Map(Object.entries(e).map(([k, x]) => [k.toLowerCase(), x])), i);
	});
}

const get = (m: Entry, k: string): unknown => m.get(k);

function optBool(v: unknown, field: string): boolean | undefined {
	return v === undefined || v === null ? undefined : asBoolean(v, field);
}

/** Validates the attributes of a User (POST, PUT, or the result of a PATCH). */
export function userAttributes(body: unknown): UserAttributes {
	if (!isObject(body)) throw invalidSyntax('the body must be a JSON object');
	const m = lowerKeys(body, SCHEMA_USER);
	for (const [k, v] of m) {
		if (UNSUPPORTED_USER.has(k) && Array.isArray(v) && v.length > 0)
			throw invalidValue(`${k} is not supported: roles are assigned only through the push API's roles allowlist`);
	}
	const userName = str(m.get('username'), 'userName', 256, { required: true }) as string;
	const externalId = str(m.get('externalid'), 'externalId', 128, { pattern: EXTERNAL_ID });
	let name: ScimName | undefined;
	const rawName = m.get('name');
	if (rawName !== undefined && rawName !== null) {
		if (!isObject(rawName)) throw invalidValue('name must be an object');
		const n = new Map(Object.entries(rawName).map(([k, x]) => [k.toLowerCase(), x]));
		name = {};
		for (const sub of findAttr(USER_ATTRIBUTES, 'name')?.subAttributes ?? []) {
			const value = str(n.get(sub.name.toLowerCase()), `name.${sub.name}`, 200);
			if (value !== undefined) (name as Record<string, string>)[sub.name] = value;
		}
	}
	const emails = multi<ScimEmail>(m.get('emails'), 'emails', 20, (e, i) => {
		const value = str(get(e, 'value'), `emails[${i}].value`, 254, { required: true, pattern: EMAIL }) as string;
		const out: ScimEmail = { value };
		const type = str(get(e, 'type'), `emails[${i}].type`, 64);
		if (type) out.type = type;
		const primary = optBool(get(e, 'primary'), `emails[${i}].primary`);
		if (primary !== undefined) out.primary = primary;
		const verified = optBool(get(e, 'verified'), `emails[${i}].verified`);
		if (verified !== undefined) out.verified = verified;
		return out;
	});
	if (emails.filter((e) => e.primary).length > 1) throw invalidValue('at most one of emails may be primary');
	const photos = multi<ScimPhoto>(m.get('photos'), 'photos', 10, (e, i) => {
		const value = str(get(e, 'value'), `photos[${i}].value`, 2048, { required: true, pattern: HTTP_URL }) as string;
		const out: ScimPhoto = { value };
		const type = str(get(e, 'type'), `photos[${i}].type`, 64);
		if (type) out.type = type;
		const primary = optBool(get(e, 'primary'), `photos[${i}].primary`);
		if (primary !== undefined) out.primary = primary;
		return out;
	});
	const attrs: UserAttributes = {
		userName,
		emails,
		photos,
		active: m.get('active') === undefined || m.get('active') === null ? true : asBoolean(m.get('active'), 'active'),
	};
	if (externalId !== undefined) attrs.externalId = externalId;
	if (name && Object.keys(name).length > 0) attrs.name = name;
	const displayName = str(m.get('displayname'), 'displayName', 200);
	if (displayName !== undefined) attrs.displayName = displayName;
	const nickName = str(m.get('nickname'), 'nickName', 100);
	if (nickName !== undefined) attrs.nickName = nickName;
	// The person must be derivable (names and an e-mail address): refuse now rather than fail at sync time.
	personOf(attrs, 'check');
	return attrs;
}

/** Validates the attributes of a Group (members are handled separately). */
export function groupAttributes(body: unknown): GroupAttributes & { members?: string[] } {
	if (!isObject(body)) throw invalidSyntax('the body must be a JSON object');
	const m = lowerKeys(body, SCHEMA_GROUP);
	const displayName = str(m.get('displayname'), 'displayName', 200, { required: true }) as string;
	if (displayName.trim() === '') throw invalidValue('displayName is required');
	const out: GroupAttributes & { members?: string[] } = { displayName };
	const externalId = str(m.get('externalid'), 'externalId', 128, { pattern: EXTERNAL_ID });
	if (externalId !== undefined) out.externalId = externalId;
	if (m.has('members') && m.get('members') !== null) out.members = memberIds(m.get('members'));
	return out;
}

/** Member ids of a `members` value (`[{"value": id}, ...]`, or one such object). */
export function memberIds(v: unknown): string[] {
	const list = Array.isArray(v) ? v : [v];
	if (list.length > 50_000) throw invalidValue('members has more than 50000 values');
	const ids: string[] = [];
	for (const [i, e] of list.entries()) {
		if (!isObject(e)) throw invalidValue(`members[${i}] must be an object with a value`);
		const entry = new Map(Object.entries(e).map(([k, x]) => [k.toLowerCase(), x]));
		const value = entry.get('value');
		if (typeof value !== 'string' || value === '' || value.length > 128) throw invalidValue(`members[${i}].value must be a User id`);
		const type = entry.get('type');
		if (type !== undefined && type !== null && (typeof type !== 'string' || type.toLowerCase() !== 'user'))
			throw invalidValue(`members[${i}]: only Users can be members`);
		ids.push(value);
	}
	return [...new Set(ids)];
}

function primaryOf<T extends { primary?: boolean }>(list: ReadonlyArray<T>): T | undefined {
	return list.find((e) => e.primary) ?? list[0];
}

/**
 * The contract's Person for a User (`personKey` is its externalId). `check` only validates: a User whose
 * names or e-mail cannot be derived is refused at write time.
 */
export function personOf(u: UserAttributes & { personKey?: string }, mode: 'map' | 'check' = 'map'): DesiredPerson {
	let firstName = u.name?.givenName?.trim();
	let lastName = u.name?.familyName?.trim();
	if (!firstName || !lastName) {
		const full = (u.name?.formatted ?? u.displayName ?? '').trim().split(/\s+/).filter(Boolean);
		if (!firstName && full.length > 0) firstName = full.length > 1 ? full.slice(0, -1).join(' ') : full[0];
		if (!lastName && full.length > 1) lastName = full[full.length - 1];
	}
	if (!firstName) throw invalidValue('name.givenName is required (or name.formatted / displayName to derive it)');
	if (!lastName) throw invalidValue('name.familyName is required (or name.formatted / displayName to derive it)');
	const primary = primaryOf(u.emails);
	const email = primary?.value ?? (EMAIL.test(u.userName) ? u.userName : undefined);
	if (!email) throw invalidValue('an e-mail address is required: emails, or a userName that is an e-mail address');
	if (mode === 'check' && email.length > 254) throw invalidValue('the e-mail address is too long');
	const photo = primaryOf(u.photos);
	const person: {
		-readonly [K in keyof DesiredPerson]: DesiredPerson[K];
	} = { externalId: u.personKey ?? u.externalId ?? '', firstName, lastName, email };
	if (primary?.verified !== undefined) person.emailVerified = primary.verified;
	if (u.nickName) person.nickName = u.nickName;
	if (photo) person.photoUrl = photo.value;
	person.active = u.active;
	return person;
}

const iso = (ms: number): string => new Date(ms).toISOString();

/** The ETag of a resource (weak: it tells versions apart, not bytes). */
export const etagOf = (version: string): string => `W/"${version}"`;

/** A stored User as the resource RFC 7643 describes (every attribute; projection is separate). */
export function userResource(u: ScimUserRecord, location: string): Json {
	const r: Json = { schemas: [SCHEMA_USER], id: u.id };
	if (u.externalId !== undefined) r.externalId = u.externalId;
	r.userName = u.userName;
	if (u.name) r.name = { ...u.name };
	if (u.displayName !== undefined) r.displayName = u.displayName;
	if (u.nickName !== undefined) r.nickName = u.nickName;
	if (u.emails.length > 0) r.emails = u.emails.map((e) => ({ ...e }));
	if (u.photos.length > 0) r.photos = u.photos.map((p) => ({ ...p }));
	r.active = u.active;
	r.meta = { resourceType: 'User', created: iso(u.created), lastModified: iso(u.lastModified), location, version: etagOf(u.version) };
	return r;
}

export function groupResource(
	g: ScimGroupRecord,
	location: string,
	members?: ReadonlyArray<{ value: string; $ref: string; display?: string }>,
): Json {
	const r: Json = { schemas: [SCHEMA_GROUP], id: g.id };
	if (g.externalId !== undefined) r.externalId = g.externalId;
	r.displayName = g.displayName;
	if (members)
		r.members = members.map((m) => ({ value: m.value, $ref: m.$ref, type: 'User', ...(m.display ? { display: m.display } : {}) }));
	r.meta = { resourceType: 'Group', created: iso(g.created), lastModified: iso(g.lastModified), location, version: etagOf(g.version) };
	return r;
}

/** The editable document of a User, for PATCH (canonical attribute names, no read-only ones). */
export function userDocument(u: UserAttributes): Json {
	const d: Json = { userName: u.userName, active: u.active };
	if (u.externalId !== undefined) d.externalId = u.externalId;
	if (u.name) d.name = { ...u.name };
	if (u.displayName !== undefined) d.displayName = u.displayName;
	if (u.nickName !== undefined) d.nickName = u.nickName;
	if (u.emails.length > 0) d.emails = u.emails.map((e) => ({ ...e }));
	if (u.photos.length > 0) d.photos = u.photos.map((p) => ({ ...p }));
	return d;
}

/** The desired group of a SCIM Group: its room is named after displayName; members are people keys. */
export function desiredGroupOf(g: ScimGroupRecord, memberKeys: ReadonlyArray<string>): DesiredGroup {
	return { name: g.displayName, members: memberKeys.map((externalId) => ({ externalId })) };
}

/** The desired-state key of a SCIM Group (fits the push API's group key pattern, so status and logs show it alike). */
export const groupKeyOf = (groupId: string): string => `scim-${groupId}`;
