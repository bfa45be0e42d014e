import { leaderboardPage, pointsOf } from '../features/chatbot/leaderboard';
import { ExternalIdLookup, PeopleLookup } from '../features/accounts/people';
import { EndpointSpec, errors, Reply, RequestContext } from './frontDoor';
import { errorReply, EXTERNAL_ID_PATTERN, JsonSchema, pointsEntry } from '../contract/schemas';

export const DEFAULT_TOP = 10;
export const MAX_TOP = 1000;

const rankedEntry: JsonSchema = {
	...pointsEntry,
	required: ['username', 'points', 'rank'],
	properties: { ...(pointsEntry.properties as Record<string, unknown>), rank: { type: 'integer', minimum: 1 } },
};

const leaderboardReply: JsonSchema = {
	type: 'object',
	required: ['leaderboard', 'offset', 'count', 'total'],
	properties: {
		leaderboard: { type: 'array', items: rankedEntry },
		offset: { type: 'integer' },
		count: { type: 'integer', description: 'Entries in this page.' },
		total: { type: 'integer', description: 'People on the whole leaderboard.' },
	},
};

const intQuery = (digits: number): JsonSchema => ({ type: 'string', pattern: `^[0-9]{1,${digits}}$` });

/** The lookup the endpoints use; a parameter so another people map can stand in. */
export type LookupFactory = (ctx: RequestContext) => ExternalIdLookup;
const defaultLookup: LookupFactory = (ctx) => new PeopleLookup(ctx.read.getPersistenceReader());

/**
 * `GET points?top=N&offset=M`: the leaderboard, a page of it (competition ranks: ties share a rank), with the externalId
 * of the people the system of record knows. `GET points/{externalId}`: one person's points.
 */
export function pointsSpecs(lookup: LookupFactory = defaultLookup): EndpointSpec[] {
	return [
		{
			path: 'points',
			operations: [
				{
					method: 'get',
					id: 'getLeaderboard',
					summary: 'The chat points leaderboard, highest first.',
					query: {
						top: { schema: intQuery(4), description: `Entries to return, 1 to ${MAX_TOP} (default ${DEFAULT_TOP}).` },
						offset: { schema: intQuery(7), description: 'Entries to skip, for the next pages (default 0).' },
					},
					responses: { 200: { description: 'A page of the leaderboard.', schema: leaderboardReply } },
					handle: (ctx) => getLeaderboard(ctx, lookup(ctx)),
				},
			],
		},
		{
			path: 'points/*',
			paramName: 'externalId',
			paramPattern: EXTERNAL_ID_PATTERN,
			operations: [
				{
					method: 'get',
					id: 'getPoints',
					summary: "A person's chat points.",
					responses: {
						200: {
							description: 'The points of the person.',
							schema: { ...pointsEntry, required: ['externalId', 'username', 'points'] },
						},
						404: { description: '`not-found`: no person with this externalId has an account.', schema: errorReply },
					},
					handle: (ctx) => getPoints(ctx, lookup(ctx)),
				},
			],
		},
	];
}

async function getLeaderboard(ctx: RequestContext, lookup: ExternalIdLookup): Promise<Reply> {
	const top = ctx.query.top === undefined ? DEFAULT_TOP : Number(ctx.query.top);
	if (!(top >= 1 && top <= MAX_TOP)) return errors.invalid([{ field: 'top', message: `must be between 1 and ${MAX_TOP}` }]);
	const offset = ctx.query.offset === undefined ? 0 : Number(ctx.query.offset);
	const { entries, total } = await leaderboardPage(ctx.read, offset, top);
	const externalIds = await lookup.externalIdsOf(entries.map((e) => e.userId));
	const leaderboard = entries.map((e) => {
		const externalId = externalIds.get(e.userId);
		return externalId === undefined
			? { username: e.username, points: e.points, rank: e.rank }
			: { externalId, username: e.username, points: e.points, rank: e.rank };
	});
	return { status: 200, body: { leaderboard, offset, count: leaderboard.length, total } };
}

async function getPoints(ctx: RequestContext, lookup: ExternalIdLookup): Promise<Reply> {
	const externalId = ctx.param as string;
	const person = await lookup.userIdOf(externalId);
	if (!person) return errors.notFound();
	const [points, user] = await Promise.all([pointsOf(ctx.read, person.userId), ctx.read.getUserReader().getById(person.userId)]);
	return { status: 200, body: { externalId, username: user?.username ?? person.username, points } };
}
