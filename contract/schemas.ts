/**
 * JSON schemas of the external API (the contract in docs/external-api): the front door validates
 * every body with them, and the OpenAPI description is generated from them, so the two cannot drift.
 */
export type JsonSchema = Record<string, unknown>;

const NO_CONTROL = '^[^\\u0000-\\u001f\\u007f]*$';

export const EXTERNAL_ID_PATTERN = '^[^\\u0000-\\u001f\\u007f/]{1,128}$';
export const GROUP_KEY_PATTERN = '^[A-Za-z0-9._:@-]{1,128}$';
export const ROLE_NAME_PATTERN = '^[A-Za-z0-9._ -]{1,64}$';

export const externalId: JsonSchema = { type: 'string', minLength: 1, maxLength: 128, pattern: EXTERNAL_ID_PATTERN };
const name: JsonSchema = { type: 'string', minLength: 1, maxLength: 200, pattern: NO_CONTROL };
const email: JsonSchema = { type: 'string', minLength: 3, maxLength: 254, pattern: '^[^\\s@]+@[^\\s@]+$' };
const httpUrl: JsonSchema = { type: 'string', maxLength: 2048, pattern: '^https?://[^\\s]+$' };

export const person: JsonSchema = {
	type: 'object',
	additionalProperties: false,
	required: ['externalId', 'firstName', 'lastName', 'email'],
	properties: {
		externalId,
		firstName: name,
		lastName: name,
		email,
		emailVerified: { type: 'boolean' },
		nickName: { type: 'string', maxLength: 100, pattern: NO_CONTROL },
		photoUrl: { anyOf: [httpUrl, { type: 'string', maxLength: 0 }, { type: 'null' }] },
		active: { type: 'boolean' },
	},
};

/** The body of `PUT people/{externalId}`: a Person whose `externalId` may be left out (the path names the person). */
export const personAtPath: JsonSchema = {
	...person,
	required: ['firstName', 'lastName', 'email'],
	properties: {
		...(person.properties as Record<string, JsonSchema>),
		externalId: { ...externalId, description: 'Optional: the path names the person. When present it must equal the path.' },
	},
};

export const groupMember: JsonSchema = {
	type: 'object',
	additionalProperties: false,
	required: ['externalId'],
	properties: { externalId, role: { enum: ['member', 'leader'] } },
};

export const group: JsonSchema = {
	type: 'object',
	additionalProperties: false,
	required: ['name', 'members'],
	properties: {
		name,
		topic: { type: 'string', maxLength: 1000 },
		active: { type: 'boolean' },
		members: { type: 'array', maxItems: 50_000, items: groupMember },
	},
};

export const roleMembers: JsonSchema = {
	type: 'object',
	additionalProperties: false,
	required: ['members'],
	properties: { members: { type: 'array', maxItems: 200_000, items: externalId } },
};

export const snapshot: JsonSchema = {
	type: 'object',
	additionalProperties: false,
	required: ['people', 'groups'],
	properties: {
		people: { type: 'array', maxItems: 500_000, items: person },
		groups: { type: 'object', maxProperties: 100_000, propertyNames: { pattern: GROUP_KEY_PATTERN }, additionalProperties: group },
		roles: {
			type: 'object',
			maxProperties: 1000,
			propertyNames: { pattern: ROLE_NAME_PATTERN },
			additionalProperties: { type: 'array', maxItems: 200_000, items: externalId },
		},
		excluded: { type: 'array', maxItems: 200_000, items: externalId },
	},
};

export const triggers: JsonSchema = {
	type: 'object',
	additionalProperties: false,
	required: ['triggers'],
	properties: {
		triggers: {
			type: 'array',
			maxItems: 1000,
			items: {
				type: 'object',
				additionalProperties: false,
				required: ['pattern', 'responses'],
				properties: {
					pattern: { type: 'string', minLength: 1, maxLength: 500 },
					responses: { type: 'array', minItems: 1, maxItems: 20, items: { type: 'string', minLength: 1, maxLength: 1000 } },
					enabled: { type: 'boolean' },
				},
			},
		},
	},
};

// ---------------------------------------------------------------- responses

export const errorReply: JsonSchema = {
	type: 'object',
	required: ['error'],
	properties: {
		error: { type: 'string' },
		details: { type: 'array', items: { type: 'object', properties: { field: { type: 'string' }, message: { type: 'string' } } } },
		reference: { type: 'string' },
		limit: { type: 'integer' },
	},
};

export const ssoToken: JsonSchema = {
	type: 'object',
	required: ['userId', 'username', 'loginToken', 'resumeUrl'],
	properties: { userId: { type: 'string' }, username: { type: 'string' }, loginToken: { type: 'string' }, resumeUrl: { type: 'string' } },
};

export const summary: JsonSchema = {
	type: 'object',
	properties: {
		createRooms: { type: 'integer' },
		deleteRooms: { type: 'integer' },
		addMembers: { type: 'integer' },
		removeMembers: { type: 'integer' },
		setLeaders: { type: 'integer' },
		unsetLeaders: { type: 'integer' },
		setModerators: { type: 'integer' },
		unsetModerators: { type: 'integer' },
		addRoles: { type: 'integer' },
		removeRoles: { type: 'integer' },
		createUsers: { type: 'integer' },
		updateProfiles: { type: 'integer' },
		deactivateUsers: { type: 'integer' },
		reactivateUsers: { type: 'integer' },
		conflicts: {
			type: 'array',
			items: { type: 'object', properties: { externalId: { type: 'string' }, reason: { type: 'string' } } },
		},
	},
};

export const pointsEntry: JsonSchema = {
	type: 'object',
	required: ['username', 'points'],
	properties: { externalId: { type: 'string' }, username: { type: 'string' }, points: { type: 'integer' } },
};
