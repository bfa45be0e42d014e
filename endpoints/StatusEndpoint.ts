import { historyFigures } from '../features/history/admin';
import { recentErrors as latestErrors } from '../features/admin/log';
import { MAX_PLAN_PAGE, pendingPlan } from '../features/admin/service';
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
		pendingPlan: {
			type: 'object',
			nullable: true,
			description:
				'The plan waiting for an administrator, by name: the halted plan (`halted` with its reasons; confirm it by its ' +
				'`fingerprint`), else the last dry run. `byKind` counts every change; `items` is one page (`offset`, `count`, ' +
				'`total`), changes that take something away first. Null when no plan is pending.',
			required: ['fingerprint', 'source', 'total', 'byKind', 'offset', 'count', 'items'],
			properties: {
				fingerprint: { type: 'string' },
				source: { type: 'string', enum: ['halt', 'dry-run'] },
				at: { type: 'string' },
				halted: {
					type: 'object',
					nullable: true,
					properties: { reasons: { type: 'array', items: { type: 'string' } }, since: { type: 'string' } },
				},
				total: { type: 'integer', description: 'Changes in the plan.' },
				byKind: { type: 'object', additionalProperties: { type: 'integer' } },
				conflictCount: { type: 'integer' },
				offset: { type: 'integer' },
				count: { type: 'integer' },
				listed: { type: 'integer', description: 'Changes listed by name (the first 20,000 at most); `items` pages through them.' },
				items: {
					type: 'array',
					items: {
						type: 'object',
						required: ['kind', 'who'],
						properties: {
							kind: { type: 'string', description: 'Operation: deactivateUser, removeMember, addMember, addRole, ...' },
							who: { type: 'string', description: "The person's name (the room's, for room changes)." },
							externalId: { type: 'string' },
							username: { type: 'string' },
							target: { type: 'string', description: 'The room or role concerned.' },
							reason: { type: 'string' },
						},
					},
				},
			},
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
				summary:
					'Last sync times and counts, pending work, the pending plan by name (paged with `offset` and `count`), next run, ' +
					'chat-history outbox depth, recent errors.',
				query: {
					offset: {
						schema: { type: 'string', pattern: '^[0-9]{1,7}$' },
						description: 'First item of `pendingPlan.items` (default 0).',
					},
					count: {
						schema: { type: 'string', pattern: '^[0-9]{1,4}$' },
						description: `Items of \`pendingPlan\` per page (default 50, at most ${MAX_PLAN_PAGE}).`,
					},
				},
				responses: { 200: { description: 'The status.', schema: statusReply } },
				handle: getStatus,
			},
		],
	};
}

async function getStatus(ctx: RequestContext): Promise<Reply> {
	const reader = ctx.read.getPersistenceReader();
	const [sync, history, log, plan] = await Promise.all([
		syncStatus(reader, ctx.config),
		historyFigures(reader).catch(() => null),
		latestErrors(reader, RECENT_ERRORS),
		pendingPlan(ctx.read, ctx.query.offset, ctx.query.count, 50),
	]);
	const pending = plan
		? {
				fingerprint: plan.fingerprint,
				source: plan.source,
				at: new Date(plan.at).toISOString(),
				halted: plan.halted ? { reasons: plan.halted.reasons, since: new Date(plan.halted.since).toISOString() } : null,
				total: plan.total,
				byKind: plan.byKind,
				conflictCount: plan.conflictCount,
				offset: plan.page.offset,
				count: plan.page.count,
				listed: plan.page.total,
				items: plan.page.items,
			}
		: null;
	const recentErrors = log.map((e) => ({
		reference: e.reference,
		at: new Date(e.ts).toISOString(),
		event: e.event,
		...(e.externalId ? { externalId: e.externalId } : {}),
		message: e.message,
	}));
	return { status: 200, body: { sync, pendingPlan: pending, history, recentErrors } };
}
