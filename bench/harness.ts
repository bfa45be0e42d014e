/**
 * Benchmark plumbing: every benchmark is a check that can fail.
 *
 * Each `bench/*.bench.ts` module exports `benchmarks`, a list of `Benchmark`s. A benchmark measures a
 * value and, wherever a peer exists (the naive algorithm, the bare endpoint, the feature switched off),
 * a baseline in the same run, so its target is a ratio that does not depend on the machine. A
 * constant appears only as a target (`on: 'value'`), for figures with no peer: counts, or a budget
 * the runtime imposes. `bench/run.ts` compares every result with its target, prints a table, writes
 * bench/results.json and exits 1 on any miss, failed check or error.
 *
 * Two sizes: `npm run bench` (full sizes, the targets of the issues) and `npm run bench:smoke` (small
 * sizes, run by CI, with `target.smoke`: scaled for inputs too small to hide fixed costs, yet tight
 * enough that a regression of an order of magnitude misses it). `run(ctx)` reads `ctx.smoke` to pick
 * its sizes. Correctness checks (the fast path gives the same answer as the naive one, nothing is
 * written twice...) go in `checks`; a false check or a thrown error fails the benchmark at any size.
 */
export type Direction = '<=' | '>=';

export interface Target {
	/** What is compared: `ratio` = value / baseline (both measured in this run), or the `value` itself. */
	on: 'ratio' | 'value';
	/** `<=`: the figure must not exceed the target (times, counts); `>=`: it must reach it (throughput). */
	direction: Direction;
	/** Target of a full run (`npm run bench`). */
	full: number;
	/** Target at smoke sizes (`npm run bench:smoke`). */
	smoke: number;
}

export interface BenchContext {
	/** Small sizes for CI (`npm run bench:smoke`). */
	smoke: boolean;
}

export interface Measurement {
	value: number;
	/** The peer measured in the same run; null where none exists (then `target.on` must be `value`). */
	baseline: number | null;
	/** Correctness checks of this run: any false one fails the benchmark. */
	checks?: Record<string, boolean>;
	/** Extra figures (counts, sizes, other ratios) that explain the result. */
	details?: Record<string, number | string>;
}

export interface Benchmark {
	name: string;
	unit: string;
	/** What the baseline is, in a few words ("each RegExp in turn", "history off"); omitted when none. */
	baselineIs?: string;
	target: Target;
	run(ctx: BenchContext): Promise<Measurement>;
}

/** One line of bench/results.json. */
export interface BenchResult {
	name: string;
	value: number | null;
	unit: string;
	baseline: number | null;
	ratio: number | null;
	target: { on: Target['on']; direction: Direction; value: number };
	pass: boolean;
	mode: 'full' | 'smoke';
	/** Why it failed: the missed target, the false checks, or the error thrown. */
	failure?: string;
	checks?: Record<string, boolean>;
	details?: Record<string, number | string>;
	seconds: number;
}

/** Compares a measurement with its target; pure, so the runner's verdicts are unit-tested. */
export function judge(
	b: Pick<Benchmark, 'target'>,
	m: Measurement,
	smoke: boolean,
): Pick<BenchResult, 'ratio' | 'target' | 'pass' | 'failure'> {
	const goal = smoke ? b.target.smoke : b.target.full;
	const target = { on: b.target.on, direction: b.target.direction, value: goal };
	const ratio = m.baseline === null || m.baseline === 0 ? null : m.value / m.baseline;
	const figure = b.target.on === 'ratio' ? ratio : m.value;
	const failures: string[] = [];
	if (figure === null || !Number.isFinite(figure)) failures.push(`no ${b.target.on} to compare (baseline ${String(m.baseline)})`);
	else if (b.target.direction === '<=' ? !(figure <= goal) : !(figure >= goal))
		failures.push(`${b.target.on} ${fmt(figure)} misses the target ${b.target.direction} ${fmt(goal)}`);
	const falseChecks = Object.entries(m.checks ?? {})
		.filter(([, ok]) => !ok)
		.map(([name]) => name);
	if (falseChecks.length > 0) failures.push(`check failed: ${falseChecks.join(', ')}`);
	return { ratio, target, pass: failures.length === 0, ...(failures.length > 0 ? { failure: failures.join('; ') } : {}) };
}

export function fmt(n: number | null): string {
	if (n === null) return '-';
	if (!Number.isFinite(n)) return String(n);
	const a = Math.abs(n);
	if (a >= 100) return n.toFixed(0);
	if (a >= 0.001 || a === 0) return Number(n.toPrecision(3)).toString();
	return n.toExponential(2);
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

/**
 * Median microseconds per call of `a` and of `b`, timed in alternating rounds (a b, b a, ...), so both
 * see the same machine load: on a shared machine the ratio stays meaningful when the absolute times
 * do not. `statistic: 'min'` takes the fastest round instead: for comparing the same code on two input
 * sizes (is it linear?), where a garbage collection or another process landing in one round says
 * nothing about the code.
 */
export function timeBoth(
	a: () => unknown,
	b: () => unknown,
	opts: { rounds?: number; perRound?: number; warmup?: number; statistic?: 'median' | 'min' } = {},
): readonly [number, number] {
	const rounds = opts.rounds ?? 15;
	const perRound = opts.perRound ?? 1;
	const warmup = opts.warmup ?? 2;
	const once = (fn: () => unknown): number => {
		const t0 = process.hrtime.bigint();
		for (let i = 0; i < perRound; i++) fn();
		return Number(process.hrtime.bigint() - t0) / 1000 / perRound;
	};
	for (let i = 0; i < warmup; i++) {
		once(a);
		once(b);
	}
	const ta: number[] = [];
	const tb: number[] = [];
	for (let r = 0; r < rounds; r++) {
		if (r % 2 === 0) {
			ta.push(once(a));
			tb.push(once(b));
		} else {
			tb.push(once(b));
			ta.push(once(a));
		}
	}
	const stat = opts.statistic === 'min' ? (xs: number[]) => Math.min(...xs) : median;
	return [stat(ta), stat(tb)];
}

export function median(values: number[]): number {
	const s = [...values].sort((a, b) => a - b);
	const mid = s.length >> 1;
	return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}

export function percentile(values: number[], p: number): number {
	const s = [...values].sort((a, b) => a - b);
	return s[Math.min(s.length - 1, Math.floor(p * s.length))];
}

export function round(n: number, digits = 3): number {
	const f = 10 ** digits;
	return Math.round(n * f) / f;
}
