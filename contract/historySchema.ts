import { JsonSchema } from './schemas';

/**
 * The body the app POSTs to the chat-history URL (outbound, with the outbound key as bearer), for
 * the OpenAPI description: the contract's fields, plus `event`.
 */
export const chatHistoryBatch: JsonSchema = {
	type: 'object',
	description:
		'Sent by the app to the configured chat-history URL with `Authorization: Bearer <outbound key>`; any 2xx acknowledges the ' +
		'whole batch, anything else (or a timeout after 10 s) is retried later with exponential backoff. Delivery is at least ' +
		'once and in order per room (by `ts`): de-duplicate on (`id`, `event`, `ts`). A batch set aside after the configured ' +
		'attempts comes again, older than what was delivered since, when an administrator runs /integration history retry.',
	required: ['messages'],
	properties: {
		messages: {
			type: 'array',
			items: {
				type: 'object',
				required: ['id', 'roomId', 'roomName', 'userId', 'username', 'text', 'ts', 'event'],
				properties: {
					id: {
						type: 'string',
						description: 'The Rocket.Chat message id (the same for the edits and the deletion of a message).',
					},
					roomId: { type: 'string' },
					roomName: { type: 'string' },
					userId: { type: 'string', description: 'The author of the message.' },
					username: { type: 'string' },
					externalId: { type: 'string', description: "The author's id in the system of record, when the people map knows them." },
					text: { type: 'string', description: 'The text; for an edit the new text, for a deletion empty.' },
					ts: { type: 'string', format: 'date-time', description: 'When it happened: sent, edited or deleted.' },
					event: {
						type: 'string',
						enum: ['created', 'edited', 'deleted'],
						description: 'A new message, an edit of one sent before, or its deletion.',
					},
				},
			},
		},
	},
};
