import { loadTriggerSet, newTriggerId, saveTriggerSet } from '../features/chatbot/triggerSet';
import { Trigger, TriggerError } from '../core/chatbot/triggers';
import { EndpointSpec, errors, Reply, RequestContext } from './frontDoor';
import { JsonSchema, triggers as triggersBody } from '../contract/schemas';

interface TriggersBody {
	triggers: Array<{ pattern: string; responses: string[]; enabled?: boolean }>;
}

const triggerSetReply: JsonSchema = {
	type: 'object',
	required: ['triggers', 'version'],
	properties: {
		version: { type: 'integer', description: 'Increases with every change of the set (0: the built-in default set).' },
		updatedAt: { type: 'integer', description: 'When the set was last changed (ms since the epoch; 0 for the default set).' },
		triggers: {
			type: 'array',
			items: {
				type: 'object',
				required: ['id', 'pattern', 'responses', 'enabled'],
				properties: {
					id: { type: 'string' },
					pattern: { type: 'string' },
					responses: { type: 'array', items: { type: 'string' } },
					enabled: { type: 'boolean' },
				},
			},
		},
	},
};

const savedReply: JsonSchema = {
	type: 'object',
	required: ['count', 'version'],
	properties: { count: { type: 'integer', description: 'Triggers in the new set.' }, version: { type: 'integer' } },
};

/**
 * `PUT triggers` replaces the chat trigger set (the system of record's list of defined values); the whole set is
 * validated first, and a set with any invalid trigger is refused with the offending indexes, changing nothing.
 * `GET triggers` returns the set in force.
 */
export function triggersSpec(): EndpointSpec {
	return {
		path: 'triggers',
		operations: [
			{
				method: 'get',
				id: 'getTriggers',
				summary: 'The chat trigger set in force.',
				responses: { 200: { description: 'The trigger set.', schema: triggerSetReply } },
				handle: getTriggers,
			},
			{
				method: 'put',
				id: 'replaceTriggers',
				summary:
					'Replace the chat trigger set. Patterns are RE2 regular expressions, matched case-insensitively anywhere in a message; ' +
					'backreferences, lookaround and patterns that match an empty message are refused. Replies may use {name} and {username}.',
				body: triggersBody,
				responses: { 200: { description: 'The set was replaced.', schema: savedReply } },
				handle: (ctx) => putTriggers(ctx as RequestContext<TriggersBody>),
			},
		],
	};
}

async function getTriggers(ctx: RequestContext): Promise<Reply> {
	const set = await loadTriggerSet(ctx.read.getPersistenceReader());
	return { status: 200, body: { version: set.version, updatedAt: set.updatedAt, triggers: set.triggers } };
}

async function putTriggers(ctx: RequestContext<TriggersBody>): Promise<Reply> {
	const reader = ctx.read.getPersistenceReader();
	const current = await loadTriggerSet(reader);
	// A trigger sent again with the same pattern keeps its id, so an admin's open editor still addresses it.
	const idsByPattern = new Map<string, string[]>();
	for (const t of current.triggers) idsByPattern.set(t.pattern, [...(idsByPattern.get(t.pattern) ?? []), t.id]);
	const triggers: Trigger[] = ctx.body.triggers.map((t, i) => ({
		id: idsByPattern.get(t.pattern)?.shift() ?? newTriggerId(i),
		pattern: t.pattern,
		responses: t.responses,
		enabled: t.enabled !== false,
	}));
	const saved = await saveTriggerSet(ctx.persis, reader, triggers, 'api');
	if (!saved.ok) return errors.invalid(saved.errors.map(detailOf));
	return { status: 200, body: { count: saved.set.triggers.length, version: saved.set.version } };
}

function detailOf(e: TriggerError): { field: string; message: string } {
	if (e.index === undefined) return { field: 'triggers', message: e.message };
	const part = e.code.includes('response') ? 'responses' : 'pattern';
	return { field: `triggers.${e.index}.${part}`, message: e.message };
}
