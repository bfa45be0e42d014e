import { EndpointSpec } from './frontDoor';

/** `GET ping`: checks the key and that the app answers (for the system of record's health checks). */
export function pingSpec(version: string): EndpointSpec {
	return {
		path: 'ping',
		operations: [
			{
				method: 'get',
				id: 'ping',
				summary: 'Check the API key and that the app is up.',
				responses: {
					200: {
						description: 'The app is up and the key is accepted.',
						schema: {
							type: 'object',
							required: ['ok', 'version'],
							properties: { ok: { type: 'boolean' }, version: { type: 'string' } },
						},
					},
				},
				async handle() {
					return { status: 200, body: { ok: true, version } };
				},
			},
		],
	};
}
