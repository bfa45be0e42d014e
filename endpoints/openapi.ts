import { EndpointSpec, Operation } from './frontDoor';
import { chatHistoryBatch } from '../contract/historySchema';
import { errorReply, JsonSchema } from '../contract/schemas';

/** The contract's version of the external API. */
export const API_VERSION = '1.0.0';

/** OpenAPI path of an engine path: `groups/*` with param `key` -> `/groups/{key}`. */
export function openApiPath(spec: EndpointSpec): string {
	const path = spec.paramName ? spec.path.replace(/\/\*$/, `/{${spec.paramName}}`) : spec.path;
	return `/${path}`;
}

const STANDARD_ERRORS: Record<number, string> = {
	400: 'The body, a query parameter or the path parameter failed validation; nothing was changed.',
	401: 'Missing or wrong API key.',
	413: 'The body is larger than the configured limit.',
};

/** Builds the OpenAPI 3 description of the app's endpoints from their own specs and schemas. */
export function buildOpenApi(specs: ReadonlyArray<EndpointSpec>, serverUrl: string): Record<string, unknown> {
	const paths: Record<string, Record<string, unknown>> = {};
	for (const spec of specs) {
		const item: Record<string, unknown> = {};
		for (const op of spec.operations) item[op.method] = operation(spec, op);
		paths[openApiPath(spec)] = item;
	}
	return {
		openapi: '3.0.3',
		info: {
			title: 'Rocket Integration external API',
			version: API_VERSION,
			description:
				'The contract between Rocket Integration (a Rocket.Chat app) and the system of record: single sign-on, ' +
				'desired state of groups, roles and people, sync, chat points and triggers. Every call but this description ' +
				'needs `Authorization: Bearer <key>` with one of the keys configured in the app. Outbound, the app POSTs chat ' +
				'history to the system of record: see the `ChatHistoryBatch` schema.',
		},
		servers: [{ url: serverUrl }],
		components: {
			securitySchemes: { bearerKey: { type: 'http', scheme: 'bearer', description: 'One of the API keys set in the app settings.' } },
			schemas: { Error: errorReply, ChatHistoryBatch: chatHistoryBatch },
		},
		security: [{ bearerKey: [] }],
		paths,
	};
}

function operation(spec: EndpointSpec, op: Operation): Record<string, unknown> {
	const parameters: unknown[] = [];
	if (spec.paramName) {
		const schema: JsonSchema = { type: 'string' };
		if (spec.paramPattern) schema.pattern = spec.paramPattern;
		parameters.push({ name: spec.paramName, in: 'path', required: true, schema });
	}
	for (const [name, q] of Object.entries(op.query ?? {})) {
		parameters.push({ name, in: 'query', required: q.required ?? false, description: q.description, schema: q.schema });
	}
	const responses: Record<string, unknown> = {};
	for (const [status, r] of Object.entries(op.responses)) {
		responses[status] = r.schema
			? { description: r.description, content: { 'application/json': { schema: r.schema } } }
			: { description: r.description };
	}
	const auth = op.auth !== false;
	const standard = { ...STANDARD_ERRORS };
	if (!op.body) delete standard[413];
	if (!auth) delete standard[401];
	for (const [status, description] of Object.entries(standard)) {
		responses[status] ??= { description, content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } } };
	}
	const out: Record<string, unknown> = { operationId: op.id, summary: op.summary, responses };
	if (parameters.length > 0) out.parameters = parameters;
	if (op.body) out.requestBody = { required: true, content: { 'application/json': { schema: op.body } } };
	if (!auth) out.security = [];
	return out;
}
