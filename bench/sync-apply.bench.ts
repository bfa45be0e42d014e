/**
 * Applying a 10,000-group org in the sandbox (the real Apps-Engine, the packaged app, Rocket.Chat's REST
 * API over HTTP): the org is pushed with `POST snapshot`, then scheduled runs apply it, each a bounded
 * chunk that schedules the next. Value: the longest processor run (ms), against the 10 s a run may take
 * (a constant target: the run budget, well inside the engine's 30 s call limit; no peer exists). Checks:
 * every room and account created, nothing failed, and a second sync writes nothing. Smoke: 200 groups.
 *
 * Sizes can be overridden for a quick look: SYNC_BENCH_GROUPS, SYNC_BENCH_PEOPLE, SYNC_BENCH_MEMBERS.
 */
import { Harness } from '../test/integration/harness';
import { Benchmark } from './harness';

const sizes = (smoke: boolean) => ({
	GROUPS: Number(process.env.SYNC_BENCH_GROUPS ?? (smoke ? 200 : 10_000)),
	PEOPLE: Number(process.env.SYNC_BENCH_PEOPLE ?? (smoke ? 400 : 20_000)),
	MEMBERS: Number(process.env.SYNC_BENCH_MEMBERS ?? 5),
});
/** The time one run may take (adapters/sync: a run stops applying after its budget, then schedules the next). */
const RUN_LIMIT_MS = 10_000;

interface Phases {
	readMs: number;
	planMs: number;
	applyMs: number;
}
const verbose = process.env.SYNC_BENCH_VERBOSE === '1';
const note = (msg: string) => {
	if (verbose) process.stderr.write(`[sync-apply] ${msg}\n`);
};

function org({ GROUPS, PEOPLE, MEMBERS }: ReturnType<typeof sizes>): Record<string, unknown> {
	const people = Array.from({ length: PEOPLE }, (_, i) => ({
		externalId: `p${i}`,
		firstName: `First${i}`,
		lastName: `Last${i % 997}`,
		email: `p${i}@example.org`,
	}));
	const groups: Record<string, unknown> = {};
	for (let g = 0; g < GROUPS; g++) {
		// Members spread over everyone; the first is the leader.
		const members = Array.from({ length: MEMBERS }, (_, k) => ({
			externalId: `p${(g * MEMBERS + k * 7919) % PEOPLE}`,
			...(k === 0 ? { role: 'leader' } : {}),
		}));
		groups[`g${g}`] = { name: `Group ${g}`, members };
	}
	const roles = {
		Helpers: Array.from({ length: Math.min(500, PEOPLE) }, (_, i) => `p${i * 3}`).filter((id) => Number(id.slice(1)) < PEOPLE),
	};
	return { people, groups, roles };
}

const writeEndpoints = [
	'users.create',
	'users.update',
	'users.setAvatar',
	'users.setActiveStatus',
	'groups.setTopic',
	'groups.addLeader',
	'groups.removeLeader',
	'groups.addModerator',
	'groups.removeModerator',
	'roles.addUserToRole',
	'roles.removeUserFromRole',
];
const writes = (h: Harness) => writeEndpoints.reduce((n, e) => n + (h.world.restCalls.get(`/api/v1/${e}`) ?? 0), 0);

export const benchmarks: Benchmark[] = [
	{
		name: 'sync in the sandbox: applying a 10,000-group org (smoke 200), longest processor run',
		unit: 'ms',
		target: { on: 'value', direction: '<=', full: RUN_LIMIT_MS, smoke: RUN_LIMIT_MS },
		async run({ smoke }) {
			const size = sizes(smoke);
			const { GROUPS, PEOPLE, MEMBERS } = size;
			// A first sync grants a role to a third of the people: the safety valve would hold it for a confirmation
			// (tested in test/integration/sync-safety.test.ts); here the apply is measured.
			const h = await Harness.start({
				settings: { api_max_body_kb: 10240, sync_assignable_roles: 'Helpers', sync_safety_limit_percent: 100 },
			});
			try {
				h.world.createRole('Helpers');
				const body = org(size);
				const t0 = Date.now();
				const pushed = await h.app('POST', 'snapshot', body);
				const pushMs = Date.now() - t0;
				note(`snapshot pushed in ${pushMs} ms: ${pushed.status}`);
				if (pushed.status !== 202)
					throw new Error(`snapshot refused: ${pushed.status} ${JSON.stringify(pushed.body).slice(0, 300)}`);

				const runTimes: number[] = [];
				const maxPhase: Phases = { readMs: 0, planMs: 0, applyMs: 0 };
				const started = Date.now();
				for (;;) {
					// The sync's one-off runs (continuations are due at once, or after a rate-limit wait); other features' jobs are left alone.
					const due = h.world.dueJobs(Date.now() + 120_000).filter((j) => j.processorId.startsWith('sync'));
					if (due.length === 0) break;
					for (const job of due) {
						const t = Date.now();
						await h.sandbox.primary().engine.runJob(job.appId, job.processorId, job.id, job.data);
						h.world.completeJob(job.id, undefined);
						runTimes.push(Date.now() - t);
						const last = (await h.app<{ sync: { lastRun: { phases: Phases | null } | null } }>('GET', 'status')).body.sync
							.lastRun?.phases;
						if (last)
							for (const k of Object.keys(maxPhase) as Array<keyof Phases>) maxPhase[k] = Math.max(maxPhase[k], last[k]);
						note(`run ${runTimes.length}: ${runTimes[runTimes.length - 1]} ms ${JSON.stringify(last)}`);
					}
					if (Date.now() - started > 60 * 60_000) throw new Error('not finished after an hour');
				}
				const totalMs = Date.now() - started;
				const status = (
					await h.app<{
						sync: { lastPass: { runs: number; applied: Record<string, number>; failed: Record<string, number> } | null };
					}>('GET', 'status')
				).body;
				const rooms = [...h.world.rooms.values()].filter((r) => r.t === 'p').length;

				// A second sync: nothing to write.
				const before = writes(h);
				const second = await h.app<{ outcome: string }>('POST', 'sync');
				const secondWrites = writes(h) - before;

				const longest = Math.max(...runTimes);
				const failed = Object.values(status.sync.lastPass?.failed ?? {}).reduce((a, b) => a + b, 0);
				const accounts = status.sync.lastPass?.applied.createUser ?? 0;
				return {
					value: longest,
					baseline: null,
					checks: {
						everyRoomCreated: rooms === GROUPS,
						everyMemberHasAnAccount:
							accounts ===
							new Set(
								Object.values(body.groups as Record<string, { members: Array<{ externalId: string }> }>).flatMap((g) =>
									g.members.map((m) => m.externalId),
								),
							).size,
						nothingFailed: failed === 0,
						secondSyncWritesNothing: secondWrites === 0,
					},
					details: {
						groups: GROUPS,
						people: PEOPLE,
						memberships: GROUPS * MEMBERS,
						snapshotPushMs: pushMs,
						runs: runTimes.length,
						medianRunMs: runTimes.slice().sort((a, b) => a - b)[runTimes.length >> 1],
						totalApplyMs: totalMs,
						longestReadMs: maxPhase.readMs,
						longestPlanMs: maxPhase.planMs,
						roomsCreated: rooms,
						accountsCreated: accounts,
						failed,
						secondSyncOutcome: second.body.outcome,
						secondSyncWrites: secondWrites,
					},
				};
			} finally {
				await h.stop();
			}
		},
	},
];
