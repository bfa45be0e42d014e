/**
 * SCIM 2.0 (RFC 7643 / 7644) as the app stores it: a User is a person of the desired state, a Group a
 * group, and each group membership its own small record, so that one member change writes O(1) records
 * whatever the size of the group.
 */

export const SCHEMA_USER = 'urn:ietf:params:scim:schemas:core:2.0:User';
export const SCHEMA_GROUP = 'urn:ietf:params:scim:schemas:core:2.0:Group';
export const SCHEMA_LIST = 'urn:ietf:params:scim:api:messages:2.0:ListResponse';
export const SCHEMA_ERROR = 'urn:ietf:params:scim:api:messages:2.0:Error';
export const SCHEMA_PATCH = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';
export const SCHEMA_SEARCH = 'urn:ietf:params:scim:api:messages:2.0:SearchRequest';
export const SCHEMA_SPC = 'urn:ietf:params:scim:schemas:core:2.0:ServiceProviderConfig';
export const SCHEMA_RESOURCE_TYPE = 'urn:ietf:params:scim:schemas:core:2.0:ResourceType';
export const SCHEMA_SCHEMA = 'urn:ietf:params:scim:schemas:core:2.0:Schema';

export interface ScimEmail {
	value: string;
	type?: string;
	primary?: boolean;
	/** Not in RFC 7643's core schema, but sent by several providers: maps to the Person's `emailVerified`. */
	verified?: boolean;
}

export interface ScimPhoto {
	value: string;
	type?: string;
	primary?: boolean;
}

export interface ScimName {
	givenName?: string;
	familyName?: string;
	formatted?: string;
	middleName?: string;
	honorificPrefix?: string;
	honorificSuffix?: string;
}

/** The writable attributes of a User, as validated from a request. */
export interface UserAttributes {
	userName: string;
	externalId?: string;
	name?: ScimName;
	displayName?: string;
	nickName?: string;
	emails: ScimEmail[];
	photos: ScimPhoto[];
	active: boolean;
}

/** A stored User. */
export interface ScimUserRecord extends UserAttributes {
	id: string;
	/** The desired person's `externalId`: the User's externalId at creation, else its id. Never changes. */
	personKey: string;
	/** ms epoch */
	created: number;
	lastModified: number;
	/** Opaque version (the ETag's value). */
	version: string;
	/** DELETEd: answered 404, but kept so the account stays deactivated (SCIM never deletes accounts). */
	deleted?: boolean;
}

export interface GroupAttributes {
	displayName: string;
	externalId?: string;
}

export interface ScimGroupRecord extends GroupAttributes {
	id: string;
	created: number;
	lastModified: number;
	version: string;
}

/** One membership: user `userId` is a member of group `groupId`. */
export interface ScimMemberRecord {
	groupId: string;
	userId: string;
	at: number;
}

export type ScimType =
	| 'invalidFilter'
	| 'tooMany'
	| 'uniqueness'
	| 'mutability'
	| 'invalidSyntax'
	| 'invalidPath'
	| 'noTarget'
	| 'invalidValue'
	| 'invalidVers'
	| 'sensitive';

/** A SCIM error (RFC 7644 §3.12): thrown by the pure parts, answered by the endpoint. */
export class ScimError extends Error {
	constructor(
		readonly status: number,
		readonly detail: string,
		readonly scimType?: ScimType,
	) {
		super(detail);
		this.name = 'ScimError';
	}
}

export const invalidValue = (detail: string): ScimError => new ScimError(400, detail, 'invalidValue');
export const invalidSyntax = (detail: string): ScimError => new ScimError(400, detail, 'invalidSyntax');
export const invalidPath = (detail: string): ScimError => new ScimError(400, detail, 'invalidPath');
export const invalidFilter = (detail: string): ScimError => new ScimError(400, detail, 'invalidFilter');
export const noTarget = (detail: string): ScimError => new ScimError(400, detail, 'noTarget');
export const mutability = (detail: string): ScimError => new ScimError(400, detail, 'mutability');
export const uniqueness = (detail: string): ScimError => new ScimError(409, detail, 'uniqueness');
export const notFound = (detail: string): ScimError => new ScimError(404, detail);

/** The SCIM error body. */
export function errorBody(err: ScimError): Record<string, unknown> {
	const body: Record<string, unknown> = { schemas: [SCHEMA_ERROR], status: String(err.status), detail: err.detail };
	if (err.scimType) body.scimType = err.scimType;
	return body;
}
