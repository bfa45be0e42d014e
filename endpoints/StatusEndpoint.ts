import { historyFigures } from '../features/history/admin';
import { recentErrors as latestErrors } from '../features/admin/log';
import { syncStatus } from '../features/sync/status';
import { EndpointSpec, Reply, RequestContext } from './frontDoor';
import { JsonSchema } from '../contract/schemas';

const RECENT_ERRORS = 10;

const statusReply: JsonSchema = {
	type: 'object',
	required: ['sync', 'recentErrors'],
	properties: {
		sync: {
			type: 'object',
			description:
				'The last run (`lastRun`, any kind), the last finished pass (`lastPass`: a pass applies the whole plan ' +
				'over one or more runs, with counts by operation kind, failures and conflicts), the pass in progress ' +
				'(`current`, with `remaining` operations), whether the safety valve halted the sync (`halted`, with its ' +
				'reasons and the plan fingerprint to confirm), and `nextRunAt`.',
		},
		history: {
			type: 'object',
			nullable: true,
			description: 'Chat history outbox: depth, oldest undelivered message, last error, dead letters.',
		},
		recentErrors: {
			type: 'array',
			items: {
				type: 'object',
				properties: {
					reference: { type: 'string' },
					at: { type: 'string' },
					event: { type: 'string' },
					externalId: { type: 'string' },
					message: { type: 'string' },
				},
			},
		},
	},
};

/** `GET status`: the sync's last run and pending work, the chat-history outbox, and recent errors. */
export function statusSpec(): EndpointSpec {
	return {
		path: 'status',
		operations: [
			{
				method: 'get',
				id: 'getStatus',
				summary: 'Last sync times and counts, pending work, next run, chat-history outbox depth, recent errors.',
				responses: { 200: { description: 'The status.', schema: statusReply } },
				handle: getStatus,
			},
		],
	};
}

async function getStatus(ctx: RequestContext): Promise<Reply> {
	const reader = ctx.read.getPersistenceReader();
	const [sync, history, log] = await Promise.all([
		syncStatus(reader, ctx.config),
		historyFigures(reader).catch(() => null),
		latestErrors(reader, RECENT_ERRORS),
	]);
	const recentErrors = log.map((e) => ({
		reference: e.reference,
		at: new Date(e.ts).toISOString(),
		event: e.event,
		...(e.externalId ? { externalId: e.externalId } : {}),
		message: e.message,
	}));
	return { status: 200, body: { sync, history, recentErrors } };
}
