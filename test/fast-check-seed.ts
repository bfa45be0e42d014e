/**
 * One fixed fast-check seed for the whole run, printed, so a property that fails in CI fails the
 * same way on any machine: `FC_SEED=<seed> npm test` (or `npm run test:unit`) replays a run, and a
 * different seed explores other inputs. fast-check's own failure report adds the seed and the
 * `path` of the shrunk counterexample.
 */
import fc from 'fast-check';

const DEFAULT_SEED = 20261204;

function seedFromEnv(): number {
	const raw = process.env.FC_SEED;
	if (raw === undefined || raw.trim() === '') return DEFAULT_SEED;
	const seed = Number(raw);
	if (!Number.isSafeInteger(seed)) throw new Error(`FC_SEED must be an integer, got "${raw}"`);
	return seed;
}

export const FAST_CHECK_SEED = seedFromEnv();

fc.configureGlobal({ ...fc.readConfigureGlobal(), seed: FAST_CHECK_SEED });

export const mochaHooks = {
	beforeAll(): void {
		process.stdout.write(`fast-check seed ${FAST_CHECK_SEED} (replay or vary with FC_SEED=<seed>)\n`);
	},
};
