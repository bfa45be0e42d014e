/**
 * OpenAPI entries of the SCIM 2.0 paths (`scim/v2/...`), merged into the app's OpenAPI document. The
 * resource bodies are those of RFC 7643; the document names the schemas the `Schemas` endpoint serves.
 */
type Json = Record<string, unknown>;

const SCIM_JSON = 'application/scim+json';

const ref = (name: string): Json => ({ $ref: `#/components/schemas/${name}` });
const content = (schema: Json): Json => ({ [SCIM_JSON]: { schema }, 'application/json': { schema } });

const error = (description: string): Json => ({ description, content: content(ref('ScimError')) });
const standard: Record<string, Json> = {
	'401': error('Missing or wrong SCIM token (the API keys are not accepted here).'),
};

const q = (name: string, description: string, schema: Json = { type: 'string' }): Json => ({
	name,
	in: 'query',
	required: false,
	description,
	schema,
});
const projectionParams = [
	q('attributes', 'Comma-separated attributes to return (id and schemas always are).'),
	q('excludedAttributes', 'Comma-separated attributes to leave out (e.g. `members` on Groups).'),
];
const listParams = [
	q('filter', 'RFC 7644 filter: eq, ne, co, sw, ew, pr, gt, ge, lt, le, and, or, not, brackets, value paths.'),
	q('startIndex', '1-based index of the first result.', { type: 'integer', minimum: 1 }),
	q('count', 'Results per page (at most 200; 0 gives only totalResults).', { type: 'integer', minimum: 0, maximum: 200 }),
	...projectionParams,
];
const idParam = { name: 'id', in: 'path', required: true, schema: { type: 'string' } };
const ifMatch = {
	name: 'If-Match',
	in: 'header',
	required: false,
	description: 'The ETag the change is based on (else 412).',
	schema: { type: 'string' },
};

function resourcePaths(kind: 'User' | 'Group', plural: string): Record<string, Json> {
	const body = { required: true, content: content(ref(kind)) };
	const one = (status: string, description: string): Json => ({ [status]: { description, content: content(ref(kind)) } });
	const patchReply =
		kind === 'User'
			? one('200', 'The User after the change.')
			: {
					'204': {
						description: 'Changed (the Group is returned, with 200, only when attributes or excludedAttributes is given).',
					},
					...one('200', 'The Group after the change.'),
				};
	return {
		[`/scim/v2/${plural}`]: {
			get: {
				operationId: `scimList${plural}`,
				summary: `List or filter ${plural}.`,
				parameters: listParams,
				responses: {
					'200': { description: 'A ListResponse.', content: content(ref('ScimListResponse')) },
					'400': error('invalidFilter or invalidValue.'),
					...standard,
				},
			},
			post: {
				operationId: `scimCreate${kind}`,
				summary:
					`Create a ${kind} (201 with Location and ETag).` +
					(kind === 'User' ? ' The account follows with the next sync, which is scheduled at once.' : ''),
				requestBody: body,
				responses: {
					...one('201', 'Created.'),
					'400': error('invalidValue or invalidSyntax; nothing stored.'),
					'409': error('uniqueness: userName or externalId (Users), displayName (Groups) already taken.'),
					'415': error(
						'The body was sent as application/scim+json, which Rocket.Chat does not pass to apps: send application/json.',
					),
					...standard,
				},
			},
		},
		[`/scim/v2/${plural}/.search`]: {
			post: {
				operationId: `scimSearch${plural}`,
				summary: `Search ${plural} with a SearchRequest body.`,
				requestBody: { required: true, content: content(ref('ScimSearchRequest')) },
				responses: {
					'200': { description: 'A ListResponse.', content: content(ref('ScimListResponse')) },
					'400': error('invalidFilter or invalidSyntax.'),
					...standard,
				},
			},
		},
		[`/scim/v2/${plural}/{id}`]: {
			get: {
				operationId: `scimGet${kind}`,
				summary: `One ${kind} (ETag; 304 for a matching If-None-Match).`,
				parameters: [idParam, ...projectionParams],
				responses: {
					...one('200', `The ${kind}.`),
					'304': { description: 'Not modified.' },
					'404': error('No such resource.'),
					...standard,
				},
			},
			put: {
				operationId: `scimReplace${kind}`,
				summary: `Replace a ${kind}.`,
				parameters: [idParam, ifMatch],
				requestBody: body,
				responses: {
					...one('200', 'Replaced.'),
					'400': error('Invalid.'),
					'404': error('No such resource.'),
					'409': error('uniqueness.'),
					'412': error('If-Match does not match.'),
					...standard,
				},
			},
			patch: {
				operationId: `scimPatch${kind}`,
				summary:
					`Change a ${kind} with a PatchOp (add, replace, remove; any case; paths with value filters).` +
					(kind === 'Group' ? ' One member change writes O(1) records whatever the size of the group.' : ''),
				parameters: [idParam, ifMatch],
				requestBody: { required: true, content: content(ref('ScimPatchOp')) },
				responses: {
					...patchReply,
					'400': error('invalidPath, invalidValue, noTarget, mutability.'),
					'404': error('No such resource.'),
					'412': error('If-Match does not match.'),
					...standard,
				},
			},
			delete: {
				operationId: `scimDelete${kind}`,
				summary:
					kind === 'User'
						? 'Delete a User: 404 from then on; the Rocket.Chat account is deactivated, never deleted.'
						: 'Delete a Group: its room is deleted by the next sync when "delete inactive groups" is on.',
				parameters: [idParam, ifMatch],
				responses: {
					'204': { description: 'Deleted.' },
					'404': error('No such resource.'),
					'412': error('If-Match does not match.'),
					...standard,
				},
			},
		},
	};
}

function discoveryPath(path: string, id: string, summary: string): Record<string, Json> {
	return {
		[`/scim/v2/${path}`]: {
			get: {
				operationId: id,
				summary,
				responses: { '200': { description: summary, content: content({ type: 'object' }) }, ...standard },
			},
		},
	};
}

const schemas: Record<string, Json> = {
	ScimError: {
		type: 'object',
		required: ['schemas', 'status'],
		properties: {
			schemas: { type: 'array', items: { type: 'string', enum: ['urn:ietf:params:scim:api:messages:2.0:Error'] } },
			status: { type: 'string' },
			scimType: { type: 'string' },
			detail: { type: 'string' },
		},
	},
	User: {
		type: 'object',
		description: 'RFC 7643 §4.1 User (see GET scim/v2/Schemas for the attributes implemented).',
		required: ['userName'],
		properties: {
			schemas: { type: 'array', items: { type: 'string' } },
			id: { type: 'string', readOnly: true },
			externalId: { type: 'string', description: "The push API's externalId of the same person; set at creation only." },
			userName: { type: 'string' },
			name: {
				type: 'object',
				properties: { givenName: { type: 'string' }, familyName: { type: 'string' }, formatted: { type: 'string' } },
			},
			displayName: { type: 'string' },
			nickName: { type: 'string' },
			emails: {
				type: 'array',
				items: {
					type: 'object',
					properties: {
						value: { type: 'string' },
						type: { type: 'string' },
						primary: { type: 'boolean' },
						verified: { type: 'boolean' },
					},
				},
			},
			photos: {
				type: 'array',
				items: {
					type: 'object',
					properties: { value: { type: 'string' }, type: { type: 'string' }, primary: { type: 'boolean' } },
				},
			},
			active: { type: 'boolean' },
			meta: { type: 'object', readOnly: true },
		},
	},
	Group: {
		type: 'object',
		description: 'RFC 7643 §4.2 Group: a private room named after displayName.',
		required: ['displayName'],
		properties: {
			schemas: { type: 'array', items: { type: 'string' } },
			id: { type: 'string', readOnly: true },
			externalId: { type: 'string' },
			displayName: { type: 'string' },
			members: {
				type: 'array',
				items: {
					type: 'object',
					required: ['value'],
					properties: { value: { type: 'string' }, $ref: { type: 'string' }, type: { type: 'string' } },
				},
			},
			meta: { type: 'object', readOnly: true },
		},
	},
	ScimListResponse: {
		type: 'object',
		properties: {
			schemas: { type: 'array', items: { type: 'string' } },
			totalResults: { type: 'integer' },
			startIndex: { type: 'integer' },
			itemsPerPage: { type: 'integer' },
			Resources: { type: 'array', items: { type: 'object' } },
		},
	},
	ScimPatchOp: {
		type: 'object',
		required: ['schemas', 'Operations'],
		properties: {
			schemas: { type: 'array', items: { type: 'string', enum: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'] } },
			Operations: {
				type: 'array',
				items: { type: 'object', required: ['op'], properties: { op: { type: 'string' }, path: { type: 'string' }, value: {} } },
			},
		},
	},
	ScimSearchRequest: {
		type: 'object',
		required: ['schemas'],
		properties: {
			schemas: { type: 'array', items: { type: 'string' } },
			filter: { type: 'string' },
			attributes: { type: 'array', items: { type: 'string' } },
			excludedAttributes: { type: 'array', items: { type: 'string' } },
			startIndex: { type: 'integer' },
			count: { type: 'integer' },
		},
	},
};

/** SCIM paths, their security scheme and schemas, to merge into the OpenAPI document. */
export function scimOpenApi(): { paths: Record<string, Json>; schemas: Record<string, Json>; securityScheme: Json } {
	const paths: Record<string, Json> = {
		...discoveryPath('ServiceProviderConfig', 'scimServiceProviderConfig', 'What the SCIM service provider implements.'),
		...discoveryPath('ResourceTypes', 'scimResourceTypes', 'The resource types (User, Group).'),
		...discoveryPath('ResourceTypes/{id}', 'scimResourceType', 'One resource type.'),
		...discoveryPath('Schemas', 'scimSchemas', 'The schemas of the attributes implemented.'),
		...discoveryPath('Schemas/{id}', 'scimSchema', 'One schema, by its URN.'),
		...resourcePaths('User', 'Users'),
		...resourcePaths('Group', 'Groups'),
	};
	// Every SCIM path uses the SCIM token, not the API keys.
	for (const item of Object.values(paths)) for (const op of Object.values(item)) (op as Json).security = [{ scimToken: [] }];
	for (const path of ['/scim/v2/ResourceTypes/{id}', '/scim/v2/Schemas/{id}']) (paths[path].get as Json).parameters = [idParam];
	return {
		paths,
		schemas,
		securityScheme: { type: 'http', scheme: 'bearer', description: 'One of the SCIM tokens set in the app settings (not an API key).' },
	};
}
