/**
 * The attributes the app implements, per resource type: what filters may name, what `attributes` and
 * `excludedAttributes` select, and what the `Schemas` discovery endpoint describes. Attribute names are
 * case-insensitive (RFC 7643 §2.1); `canonicalPath` maps any spelling, with or without the schema URN, to
 * the canonical one.
 */
import { SCHEMA_GROUP, SCHEMA_USER } from './types';

export type AttrType = 'string' | 'boolean' | 'dateTime' | 'reference' | 'complex';
export type Mutability = 'readOnly' | 'readWrite' | 'immutable' | 'writeOnly';
export type Returned = 'always' | 'default' | 'never' | 'request';
export type Uniqueness = 'none' | 'server' | 'global';

export interface AttrDef {
	readonly name: string;
	readonly type: AttrType;
	readonly description: string;
	readonly multiValued?: boolean;
	readonly required?: boolean;
	readonly caseExact?: boolean;
	readonly mutability?: Mutability;
	readonly returned?: Returned;
	readonly uniqueness?: Uniqueness;
	readonly canonicalValues?: ReadonlyArray<string>;
	readonly referenceTypes?: ReadonlyArray<string>;
	readonly subAttributes?: ReadonlyArray<AttrDef>;
}

export type ResourceKind = 'User' | 'Group';

const meta: AttrDef = {
	name: 'meta',
	type: 'complex',
	mutability: 'readOnly',
	description: 'Resource metadata.',
	subAttributes: [
		{ name: 'resourceType', type: 'string', mutability: 'readOnly', caseExact: true, description: 'User or Group.' },
		{ name: 'created', type: 'dateTime', mutability: 'readOnly', description: 'When the resource was created.' },
		{ name: 'lastModified', type: 'dateTime', mutability: 'readOnly', description: 'When the resource was last changed.' },
		{
			name: 'location',
			type: 'reference',
			referenceTypes: ['uri'],
			mutability: 'readOnly',
			caseExact: true,
			description: 'The URI of the resource.',
		},
		{ name: 'version', type: 'string', mutability: 'readOnly', caseExact: true, description: 'The version (ETag) of the resource.' },
	],
};

const common = (resource: string): AttrDef[] => [
	{
		name: 'id',
		type: 'string',
		caseExact: true,
		mutability: 'readOnly',
		returned: 'always',
		uniqueness: 'server',
		description: `Identifier of the ${resource}, issued by the app.`,
	},
	{
		name: 'externalId',
		type: 'string',
		caseExact: true,
		mutability: resource === 'User' ? 'immutable' : 'readWrite',
		uniqueness: resource === 'User' ? 'server' : 'none',
		description:
			resource === 'User'
				? "The identity provider's id of the person; the same externalId as the push API's Person (both APIs then describe one person). Set at creation only."
				: "The identity provider's id of the group.",
	},
	meta,
];

export const USER_ATTRIBUTES: ReadonlyArray<AttrDef> = [
	...common('User'),
	{
		name: 'userName',
		type: 'string',
		required: true,
		uniqueness: 'server',
		description: 'Unique identifier of the person at the identity provider (case-insensitive), often the e-mail or UPN.',
	},
	{
		name: 'name',
		type: 'complex',
		description: "The person's name: the Rocket.Chat display name is givenName and familyName.",
		subAttributes: [
			{ name: 'formatted', type: 'string', description: 'Full name; used only when givenName or familyName is missing.' },
			{ name: 'familyName', type: 'string', description: "Last name (the Person's lastName)." },
			{ name: 'givenName', type: 'string', description: "First name (the Person's firstName)." },
			{ name: 'middleName', type: 'string', description: 'Stored and returned, not synced.' },
			{ name: 'honorificPrefix', type: 'string', description: 'Stored and returned, not synced.' },
			{ name: 'honorificSuffix', type: 'string', description: 'Stored and returned, not synced.' },
		],
	},
	{ name: 'displayName', type: 'string', description: 'Stored and returned; the Rocket.Chat name is givenName familyName.' },
	{ name: 'nickName', type: 'string', description: "The Rocket.Chat account's nickname." },
	{
		name: 'emails',
		type: 'complex',
		multiValued: true,
		description: "E-mail addresses: the primary one (else the first) is the account's e-mail.",
		subAttributes: [
			{ name: 'value', type: 'string', description: 'The address.' },
			{ name: 'type', type: 'string', canonicalValues: ['work', 'home', 'other'], description: 'Label.' },
			{ name: 'primary', type: 'boolean', description: 'The address used for the account.' },
			{
				name: 'verified',
				type: 'boolean',
				description: "The identity provider verified the address (the Person's emailVerified, for the account's verified flag).",
			},
		],
	},
	{
		name: 'photos',
		type: 'complex',
		multiValued: true,
		description: 'Photo URLs (https): the primary one (else the first) becomes the avatar when photo sync is on.',
		subAttributes: [
			{ name: 'value', type: 'reference', referenceTypes: ['external'], caseExact: true, description: 'URL of the photo.' },
			{ name: 'type', type: 'string', canonicalValues: ['photo', 'thumbnail'], description: 'Label.' },
			{ name: 'primary', type: 'boolean', description: 'The photo used.' },
		],
	},
	{
		name: 'active',
		type: 'boolean',
		description: 'false deactivates the Rocket.Chat account (never deleted); true reactivates an account the app deactivated.',
	},
];

export const GROUP_ATTRIBUTES: ReadonlyArray<AttrDef> = [
	...common('Group'),
	{ name: 'displayName', type: 'string', required: true, description: 'Name of the group; the private room is named after it.' },
	{
		name: 'members',
		type: 'complex',
		multiValued: true,
		description: 'Members: Users of this service provider, by id. Groups as members are not supported.',
		subAttributes: [
			{ name: 'value', type: 'string', caseExact: true, mutability: 'immutable', description: 'The id of a User.' },
			{ name: '$ref', type: 'reference', referenceTypes: ['User'], mutability: 'immutable', description: 'The URI of the User.' },
			{ name: 'type', type: 'string', canonicalValues: ['User'], mutability: 'immutable', description: 'Always User.' },
			{ name: 'display', type: 'string', mutability: 'readOnly', description: 'The userName of the member.' },
		],
	},
];

export const SCHEMA_OF: Readonly<Record<ResourceKind, string>> = { User: SCHEMA_USER, Group: SCHEMA_GROUP };

export function attributesOf(kind: ResourceKind): ReadonlyArray<AttrDef> {
	return kind === 'User' ? USER_ATTRIBUTES : GROUP_ATTRIBUTES;
}

export function findAttr(defs: ReadonlyArray<AttrDef> | undefined, name: string): AttrDef | undefined {
	const lower = name.toLowerCase();
	return defs?.find((d) => d.name.toLowerCase() === lower);
}

/** A path resolved against a resource type: the top attribute and, optionally, one of its sub-attributes. */
export interface ResolvedPath {
	readonly attr: AttrDef;
	readonly sub?: AttrDef;
	/** Canonical dotted path (`emails.value`). */
	readonly path: string;
}

/**
 * Resolves `attr`, `attr.sub`, or either prefixed by the resource's schema URN (`urn:...:User:userName`).
 * Returns undefined for an attribute this resource type does not have; `extension` is true when the path
 * names another schema (an extension the app does not implement).
 */
export function resolvePath(kind: ResourceKind, raw: string): { resolved?: ResolvedPath; extension: boolean } {
	let path = raw.trim();
	const schema = SCHEMA_OF[kind];
	if (path.toLowerCase().startsWith(`${schema.toLowerCase()}:`)) path = path.slice(schema.length + 1);
	else if (/^urn:/i.test(path)) return { extension: true };
	const parts = path.split('.');
	if (parts.length > 2 || parts.some((p) => !/^\$?[A-Za-z][\w-]*$/.test(p))) return { extension: false };
	const attr = findAttr(attributesOf(kind), parts[0]);
	if (!attr) return { extension: false };
	if (parts.length === 1) return { resolved: { attr, path: attr.name }, extension: false };
	const sub = findAttr(attr.subAttributes, parts[1]);
	if (!sub) return { extension: false };
	return { resolved: { attr, sub, path: `${attr.name}.${sub.name}` }, extension: false };
}
