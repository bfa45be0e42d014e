/**
 * SCIM discovery (RFC 7644 §4, RFC 7643 §5-7): ServiceProviderConfig, ResourceTypes and Schemas. They
 * advertise exactly what is implemented: PATCH, filters (with `maxResults`), ETags; no bulk, no sort, no
 * password change. The Schemas are generated from the same attribute definitions the filters and
 * projections use (`core/scim/attributes.ts`), so they cannot drift.
 */
import { AttrDef, GROUP_ATTRIBUTES, ResourceKind, USER_ATTRIBUTES } from '../../core/scim/attributes';
import { SCHEMA_GROUP, SCHEMA_RESOURCE_TYPE, SCHEMA_SCHEMA, SCHEMA_SPC, SCHEMA_USER } from '../../core/scim/types';

type Json = Record<string, unknown>;

export interface DiscoveryOptions {
	/** Absolute base of the SCIM API, for `meta.location`. */
	base: string;
	/** Largest page of a list or search. */
	maxResults: number;
	/** Documentation of the app's SCIM support. */
	documentationUri?: string;
}

export function serviceProviderConfig(o: DiscoveryOptions): Json {
	return {
		schemas: [SCHEMA_SPC],
		...(o.documentationUri ? { documentationUri: o.documentationUri } : {}),
		patch: { supported: true },
		bulk: { supported: false, maxOperations: 0, maxPayloadSize: 0 },
		filter: { supported: true, maxResults: o.maxResults },
		changePassword: { supported: false },
		sort: { supported: false },
		etag: { supported: true },
		authenticationSchemes: [
			{
				type: 'oauthbearertoken',
				name: 'Bearer token',
				description: 'A long-lived bearer token set in the app settings (SCIM tokens): "Authorization: Bearer <token>".',
				primary: true,
			},
		],
		meta: { resourceType: 'ServiceProviderConfig', location: `${o.base}/ServiceProviderConfig` },
	};
}

const RESOURCE_TYPES: ReadonlyArray<{ id: ResourceKind; endpoint: string; schema: string; description: string }> = [
	{
		id: 'User',
		endpoint: '/Users',
		schema: SCHEMA_USER,
		description: 'A person: a Rocket.Chat account the app creates and keeps in sync.',
	},
	{
		id: 'Group',
		endpoint: '/Groups',
		schema: SCHEMA_GROUP,
		description: 'A group of Users: a private room the app creates and keeps in sync.',
	},
];

export function resourceTypes(o: DiscoveryOptions): Json[] {
	return RESOURCE_TYPES.map((t) => ({
		schemas: [SCHEMA_RESOURCE_TYPE],
		id: t.id,
		name: t.id,
		endpoint: t.endpoint,
		description: t.description,
		schema: t.schema,
		schemaExtensions: [],
		meta: { resourceType: 'ResourceType', location: `${o.base}/ResourceTypes/${t.id}` },
	}));
}

function attribute(a: AttrDef): Json {
	const out: Json = {
		name: a.name,
		type: a.type,
		multiValued: a.multiValued ?? false,
		description: a.description,
		required: a.required ?? false,
		caseExact: a.caseExact ?? false,
		mutability: a.mutability ?? 'readWrite',
		returned: a.returned ?? 'default',
		uniqueness: a.uniqueness ?? 'none',
	};
	if (a.canonicalValues) out.canonicalValues = [...a.canonicalValues];
	if (a.referenceTypes) out.referenceTypes = [...a.referenceTypes];
	if (a.subAttributes) out.subAttributes = a.subAttributes.map(attribute);
	return out;
}

/** The schema's own attributes (`id`, `externalId` and `meta` are common attributes, not part of a schema). */
const own = (defs: ReadonlyArray<AttrDef>): AttrDef[] => defs.filter((d) => d.name !== 'id' && d.name !== 'meta');

export function schemas(o: DiscoveryOptions): Json[] {
	return [
		{ id: SCHEMA_USER, name: 'User', description: 'User Account', attributes: own(USER_ATTRIBUTES).map(attribute) },
		{ id: SCHEMA_GROUP, name: 'Group', description: 'Group', attributes: own(GROUP_ATTRIBUTES).map(attribute) },
	].map((s) => ({ schemas: [SCHEMA_SCHEMA], ...s, meta: { resourceType: 'Schema', location: `${o.base}/Schemas/${s.id}` } }));
}
