import { DesiredStateBusy, DesiredStore, SnapshotBody } from '../features/sync/desiredStore';
import { previewGroup } from '../features/sync/preview';
import { requestRunAfterPush } from '../features/sync/schedule';
import { RUN_BUDGET_MS, SyncRunner } from '../features/sync/SyncRunner';
import { refusedRoles, roleRefusalText } from '../core/security/roles';
import { DesiredGroup, DesiredPerson } from '../core/sync/types';
import { EndpointSpec, errors, Reply, RequestContext } from './frontDoor';
import {
	errorReply,
	EXTERNAL_ID_PATTERN,
	group,
	GROUP_KEY_PATTERN,
	JsonSchema,
	personAtPath,
	ROLE_NAME_PATTERN,
	roleMembers,
	snapshot,
	summary,
} from '../contract/schemas';

/** Time a dry run requested over the API may take (reading every room of a large org takes a while). */
const DRY_RUN_BUDGET_MS = 20_000;

const groupReply: JsonSchema = {
	type: 'object',
	required: ['group', 'plan'],
	properties: {
		group: { type: 'string', description: 'The group key.' },
		desired: { description: 'The group as last sent (absent after `DELETE`).', ...group },
		room: {
			type: 'object',
			nullable: true,
			description: 'The private room the group maps to, once created.',
			properties: { roomId: { type: 'string' }, name: { type: 'string' } },
		},
		plan: {
			...summary,
			description: 'What the next sync will change for this group: its room, members and room roles, and accounts for its members.',
		},
	},
};

const acceptedReply = (what: string): JsonSchema => ({
	type: 'object',
	description: `${what} stored; a sync run follows shortly (see \`GET status\`).`,
});

const snapshotReply: JsonSchema = {
	type: 'object',
	required: ['people', 'groups', 'roles', 'excluded', 'changed'],
	properties: {
		people: { type: 'integer' },
		groups: { type: 'integer' },
		roles: { type: 'integer' },
		excluded: { type: 'integer' },
		changed: { type: 'integer', description: 'Records written or removed: 0 when the snapshot equals what was stored.' },
	},
};

const syncReply: JsonSchema = {
	type: 'object',
	required: ['dryRun', 'plan'],
	properties: {
		dryRun: { type: 'boolean' },
		plan: { ...summary, description: 'Everything the sync has to change now (at most 1000 conflicts listed; see `conflictCount`).' },
		applied: {
			...summary,
			description:
				'What this request applied. Failed operations are listed in its `conflicts` with a reason starting with `failed:`; ' +
				'they are retried by a later pass.',
		},
		halted: {
			type: 'string',
			description:
				'Why the safety valve stopped the run before writing (it waits for `/integration sync confirm` or a safe desired state).',
		},
		outcome: {
			enum: ['applied', 'finished', 'halted', 'busy', 'reading', 'failed', 'dry-run'],
			description:
				'`finished`: the plan is fully applied. `applied`: one bounded chunk was applied and the rest continues in scheduled runs. ' +
				'`busy`: another run is applying (the plan shown is a dry run). `reading`: the rooms of a large org are still being read.',
		},
		remaining: { type: 'integer', description: 'Operations left to apply after this request.' },
		continuesAt: { type: 'string', format: 'date-time', description: 'When the next scheduled run continues.' },
		conflictCount: { type: 'integer' },
		fingerprint: { type: 'string', description: 'Fingerprint of the plan (what `/integration sync confirm` confirms).' },
	},
};

interface PersonBody extends Omit<DesiredPerson, 'externalId'> {
	externalId?: string;
	photoUrl?: string;
}

/**
 * The desired state (`groups/{key}`, `roles/{roleName}`, `people/{externalId}`, `snapshot`) and `sync`.
 * Writes store small records and schedule a sync run; they never wait for Rocket.Chat.
 */
export function syncSpecs(): EndpointSpec[] {
	return [
		{
			path: 'groups/*',
			paramName: 'key',
			paramPattern: GROUP_KEY_PATTERN,
			operations: [
				{
					method: 'put',
					id: 'putGroup',
					summary: 'Set the desired state of one group (its private room, members and leaders).',
					body: group,
					responses: { 202: { description: 'Stored; the plan for this group is what the next sync does.', schema: groupReply } },
					handle: (ctx) => putGroup(ctx as RequestContext<DesiredGroup>),
				},
				{
					method: 'get',
					id: 'getGroup',
					summary: 'The desired state of a group, the room it maps to, and its pending plan.',
					responses: {
						200: { description: 'The group.', schema: groupReply },
						404: { description: '`not-found`: no such group and no room for it.', schema: errorReply },
					},
					handle: getGroup,
				},
				{
					method: 'delete',
					id: 'deleteGroup',
					summary:
						'The group is gone: its room is deleted by the next sync when "delete inactive groups" is on, ' +
						'otherwise left as it is and no longer managed.',
					responses: {
						202: { description: 'Removed from the desired state.', schema: groupReply },
						404: { description: '`not-found`: no such group.', schema: errorReply },
					},
					handle: deleteGroup,
				},
			],
		},
		{
			path: 'roles/*',
			paramName: 'roleName',
			paramPattern: ROLE_NAME_PATTERN,
			operations: [
				{
					method: 'put',
					id: 'putRole',
					summary:
						'The Rocket.Chat role of this exact name is given to exactly these people ' +
						'(a role missing on the server is reported as a conflict, never created). Only roles of the ' +
						'"roles the system of record may assign" setting; never admin, bot or app.',
					body: roleMembers,
					responses: {
						400: {
							description:
								'`invalid-request`: the role is not one the system of record may assign (named in `details`); nothing is stored.',
							schema: errorReply,
						},
						202: {
							description: 'Stored.',
							schema: {
								...acceptedReply('The role list'),
								properties: { role: { type: 'string' }, members: { type: 'integer' } },
							},
						},
					},
					handle: (ctx) => putRole(ctx as RequestContext<{ members: string[] }>),
				},
			],
		},
		{
			path: 'people/*',
			paramName: 'externalId',
			paramPattern: EXTERNAL_ID_PATTERN,
			operations: [
				{
					method: 'put',
					id: 'putPerson',
					summary:
						"Set a person's profile (names, e-mail, photo, active). The path names the person: the body may leave " +
						'`externalId` out, and if it carries one, it must equal the path (else 400).',
					body: personAtPath,
					responses: {
						202: {
							description: 'Stored.',
							schema: { ...acceptedReply('The person'), properties: { externalId: { type: 'string' } } },
						},
					},
					handle: (ctx) => putPerson(ctx as RequestContext<PersonBody>),
				},
			],
		},
		{
			path: 'snapshot',
			operations: [
				{
					method: 'post',
					id: 'postSnapshot',
					summary:
						'The whole desired state at once; it replaces everything pushed before. ' +
						'Only what differs is stored, so resending the same org changes nothing. Every role named must be one the ' +
						'system of record may assign (setting), or the whole snapshot is refused.',
					body: snapshot,
					responses: {
						400: {
							description:
								'`invalid-request`: the body is invalid, or names a role the sync may not assign (`roles.<name>`); nothing is stored.',
							schema: errorReply,
						},
						202: { description: 'Stored; a sync run follows when anything changed.', schema: snapshotReply },
						503: { description: '`busy`: another snapshot was being stored for too long; send again.', schema: errorReply },
					},
					handle: (ctx) => postSnapshot(ctx as RequestContext<SnapshotBody>),
				},
			],
		},
		{
			path: 'sync',
			operations: [
				{
					method: 'post',
					id: 'runSync',
					summary:
						'Run a sync now. A dry run returns the plan and writes nothing. Otherwise the request applies one bounded chunk ' +
						'(a few seconds of work) and, for a large org, schedules the rest in background runs: `remaining` and `continuesAt` ' +
						'say so, and `GET status` follows the progress. The safety valve may halt the run before any write (`halted`).',
					query: { dryRun: { schema: { enum: ['true', 'false'] }, description: 'Plan only, write nothing (default false).' } },
					responses: {
						200: { description: 'The plan, and what was applied.', schema: syncReply },
						502: {
							description: '`sync-failed`: the run could not start (REST API not configured, pull feed unusable...).',
							schema: errorReply,
						},
					},
					handle: runSync,
				},
			],
		},
	];
}

async function putGroup(ctx: RequestContext<DesiredGroup>): Promise<Reply> {
	const key = ctx.param as string;
	const reader = ctx.read.getPersistenceReader();
	await new DesiredStore(reader, ctx.persis).putGroup(key, ctx.body);
	await requestRunAfterPush(reader, ctx.modify, ctx.persis);
	const preview = await previewGroup(ctx.read, ctx.config, key);
	return { status: 202, body: groupBody(key, preview) };
}

async function getGroup(ctx: RequestContext): Promise<Reply> {
	const key = ctx.param as string;
	const preview = await previewGroup(ctx.read, ctx.config, key);
	if (!preview) return errors.notFound();
	return { status: 200, body: groupBody(key, preview) };
}

async function deleteGroup(ctx: RequestContext): Promise<Reply> {
	const key = ctx.param as string;
	const reader = ctx.read.getPersistenceReader();
	if (!(await new DesiredStore(reader, ctx.persis).deleteGroup(key))) return errors.notFound();
	await requestRunAfterPush(reader, ctx.modify, ctx.persis);
	const preview = await previewGroup(ctx.read, ctx.config, key);
	return { status: 202, body: groupBody(key, preview) };
}

function groupBody(key: string, preview: Awaited<ReturnType<typeof previewGroup>>): Record<string, unknown> {
	const body: Record<string, unknown> = { group: key };
	if (preview?.group) body.desired = preview.group;
	body.room = preview?.room ?? null;
	body.plan = preview?.plan;
	return body;
}

async function putRole(ctx: RequestContext<{ members: string[] }>): Promise<Reply> {
	const name = ctx.param as string;
	const refused = refusedRoles([name], ctx.config.sync.assignableRoles);
	if (refused.length > 0) return errors.invalid([{ field: 'roleName', message: `"${name}" ${roleRefusalText(refused[0].reason)}` }]);
	const reader = ctx.read.getPersistenceReader();
	await new DesiredStore(reader, ctx.persis).putRole(name, ctx.body.members);
	await requestRunAfterPush(reader, ctx.modify, ctx.persis);
	return { status: 202, body: { role: name, members: new Set(ctx.body.members).size } };
}

async function putPerson(ctx: RequestContext<PersonBody>): Promise<Reply> {
	const externalId = ctx.param as string;
	if (ctx.body.externalId !== undefined && ctx.body.externalId !== externalId)
		return errors.invalid([{ field: 'externalId', message: 'must equal the externalId in the path' }]);
	const reader = ctx.read.getPersistenceReader();
	await new DesiredStore(reader, ctx.persis).putPerson({ ...ctx.body, externalId });
	await requestRunAfterPush(reader, ctx.modify, ctx.persis);
	return { status: 202, body: { externalId } };
}

async function postSnapshot(ctx: RequestContext<SnapshotBody>): Promise<Reply> {
	const refused = refusedRoles(Object.keys(ctx.body.roles ?? {}), ctx.config.sync.assignableRoles);
	if (refused.length > 0)
		return errors.invalid(refused.slice(0, 20).map((r) => ({ field: `roles.${r.role}`, message: roleRefusalText(r.reason) })));
	const reader = ctx.read.getPersistenceReader();
	try {
		const r = await new DesiredStore(reader, ctx.persis).replace(ctx.body);
		const changed = r.written + r.removed;
		if (changed > 0) await requestRunAfterPush(reader, ctx.modify, ctx.persis);
		return { status: 202, body: { people: r.people, groups: r.groups, roles: r.roles, excluded: r.excluded, changed } };
	} catch (err) {
		if (err instanceof DesiredStateBusy) return { status: 503, body: { error: 'busy' } };
		throw err;
	}
}

async function runSync(ctx: RequestContext): Promise<Reply> {
	const dryRun = ctx.query.dryRun === 'true';
	const runner = new SyncRunner({ read: ctx.read, modify: ctx.modify, http: ctx.http, persis: ctx.persis, logger: ctx.app.getLogger() });
	let r = await runner.run({ trigger: 'request', dryRun, budgetMs: dryRun ? DRY_RUN_BUDGET_MS : RUN_BUDGET_MS });
	const outcome = r.outcome;
	if (outcome === 'failed') return { status: 502, body: { error: 'sync-failed', reason: r.error ?? 'unknown' } };
	if (!r.plan)
		r = {
			...(await runner.run({ trigger: 'request', dryRun: true, budgetMs: DRY_RUN_BUDGET_MS })),
			outcome,
			...(r.continuesAt ? { continuesAt: r.continuesAt } : {}),
		};
	const body: Record<string, unknown> = { dryRun: r.dryRun || dryRun, plan: r.plan, outcome };
	if (r.applied) body.applied = r.applied;
	if (r.halted) body.halted = r.halted;
	if (r.remaining !== undefined) body.remaining = r.remaining;
	if (r.continuesAt) body.continuesAt = new Date(r.continuesAt).toISOString();
	if (r.conflictCount !== undefined) body.conflictCount = r.conflictCount;
	if (r.fingerprint) body.fingerprint = r.fingerprint;
	return { status: 200, body };
}
