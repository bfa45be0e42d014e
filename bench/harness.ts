/**
 * Benchmark plumbing. Each `bench/*.bench.ts` module exports `benchmarks`, a list of measurements;
 * each measurement returns its value and a baseline measured in the same run, so a target is a
 * ratio anyone can check in bench/results.json, not an absolute time that depends on the machine.
 */
export interface BenchResult {
	name: string;
	value: number;
	unit: string;
	baseline: number;
	ratio: number;
	/** Optional extra figures (counts, sizes) that explain the result. */
	details?: Record<string, number | string>;
}

export interface Benchmark {
	name: string;
	unit: string;
	run(): Promise<{ value: number; baseline: number; details?: Record<string, number | string> }>;
}

/** Median time per call in microseconds of `fn`, over `rounds` rounds of `perRound` calls. */
export function timePerCall(fn: () => unknown, opts: { rounds?: number; perRound?: number; warmup?: number } = {}): number {
	const rounds = opts.rounds ?? 15;
	const perRound = opts.perRound ?? 1;
	const warmup = opts.warmup ?? 3;
	for (let i = 0; i < warmup * perRound; i++) fn();
	const samples: number[] = [];
	for (let r = 0; r < rounds; r++) {
		const t0 = process.hrtime.bigint();
		for (let i = 0; i < perRound; i++) fn();
		samples.push(Number(process.hrtime.bigint() - t0) / 1000 / perRound);
	}
	return median(samples);
}

/** Same as timePerCall for async work, calls run one after another. */
export async function timePerCallAsync(
	fn: () => Promise<unknown>,
	opts: { rounds?: number; perRound?: number; warmup?: number } = {},
): Promise<number> {
	const rounds = opts.rounds ?? 15;
	const perRound = opts.perRound ?? 1;
	const warmup = opts.warmup ?? 3;
	for (let i = 0; i < warmup * perRound; i++) await fn();
	const samples: number[] = [];
	for (let r = 0; r < rounds; r++) {
		const t0 = process.hrtime.bigint();
		for (let i = 0; i < perRound; i++) await fn();
		samples.push(Number(process.hrtime.bigint() - t0) / 1000 / perRound);
	}
	return median(samples);
}

export function median(values: number[]): number {
	const s = [...values].sort((a, b) => a - b);
	const mid = s.length >> 1;
	return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}
