import { siteUrl } from '../adapters/config';
import { EndpointSpec } from './frontDoor';
import { buildOpenApi } from './openapi';

/** `GET openapi.json` (no auth): the OpenAPI description of every endpoint, built from their specs. */
export function openApiSpec(appId: string, all: () => ReadonlyArray<EndpointSpec>): EndpointSpec {
	return {
		path: 'openapi.json',
		operations: [
			{
				method: 'get',
				id: 'getOpenApi',
				summary: 'The OpenAPI 3 description of this API.',
				auth: false,
				responses: { 200: { description: 'The OpenAPI document.', schema: { type: 'object' } } },
				async handle(ctx) {
					const base = await siteUrl(ctx.read, ctx.config.rocketChat.siteUrl);
					return { status: 200, body: buildOpenApi(all(), `${base}/api/apps/public/${appId}`) };
				},
			},
		],
	};
}
