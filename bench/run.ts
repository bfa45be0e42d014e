/**
 * `npm run bench` / `npm run bench:smoke`: runs every benchmark module under bench/ (or those whose
 * file name contains one of the command-line arguments), judges each result against its target
 * (see harness.ts), prints a table, writes bench/results.json (bench/results-smoke.json with
 * `--smoke`) and exits 1 when any benchmark misses its target, fails a check or throws.
 */
import { readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

import { Benchmark, BenchResult, fmt, judge } from './harness';

async function runOne(b: Benchmark, smoke: boolean): Promise<BenchResult> {
	const t0 = Date.now();
	const base = { name: b.name, unit: b.unit, mode: smoke ? ('smoke' as const) : ('full' as const) };
	try {
		const m = await b.run({ smoke });
		const verdict = judge(b, m, smoke);
		const result: BenchResult = {
			...base,
			value: m.value,
			baseline: m.baseline,
			...verdict,
			seconds: (Date.now() - t0) / 1000,
		};
		if (m.checks) result.checks = m.checks;
		if (m.details) result.details = m.details;
		return result;
	} catch (err) {
		const goal = smoke ? b.target.smoke : b.target.full;
		return {
			...base,
			value: null,
			baseline: null,
			ratio: null,
			target: { on: b.target.on, direction: b.target.direction, value: goal },
			pass: false,
			failure: `error: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`,
			seconds: (Date.now() - t0) / 1000,
		};
	}
}

function table(results: BenchResult[]): string {
	const rows = results.map((r) => [
		r.pass ? 'PASS' : 'FAIL',
		r.name,
		r.value === null ? '-' : `${fmt(r.value)} ${r.unit}`,
		fmt(r.baseline),
		fmt(r.ratio),
		`${r.target.on} ${r.target.direction} ${fmt(r.target.value)}`,
		r.seconds.toFixed(1),
	]);
	const head = ['', 'benchmark', 'value', 'baseline', 'ratio', 'target', 's'];
	const widths = head.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i].length)));
	const line = (cells: string[]) =>
		cells
			.map((c, i) => c.padEnd(widths[i]))
			.join('  ')
			.trimEnd();
	return [line(head), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}

async function main(): Promise<void> {
	const args = process.argv.slice(2);
	const smoke = args.includes('--smoke');
	const filters = args.filter((a) => !a.startsWith('--'));
	const files = readdirSync(__dirname)
		.filter((f) => f.endsWith('.bench.ts'))
		.filter((f) => filters.length === 0 || filters.some((x) => f.includes(x)))
		.sort();
	if (files.length === 0) throw new Error(`no benchmark file matches ${filters.join(', ')}`);
	const results: BenchResult[] = [];
	for (const file of files) {
		const mod = (await import(join(__dirname, file))) as { benchmarks: Benchmark[] };
		for (const b of mod.benchmarks) {
			process.stdout.write(`${smoke ? '[smoke] ' : ''}${b.name} ...`);
			const r = await runOne(b, smoke);
			results.push(r);
			process.stdout.write(
				` ${r.pass ? 'pass' : 'FAIL'}: ${r.value === null ? '-' : fmt(r.value)} ${r.unit}` +
					`${r.baseline === null ? '' : `, baseline ${fmt(r.baseline)}${b.baselineIs ? ` (${b.baselineIs})` : ''}`}` +
					`${r.ratio === null ? '' : `, ratio ${fmt(r.ratio)}`} (${r.seconds.toFixed(1)} s)\n`,
			);
			if (r.failure) process.stdout.write(`  ${r.failure.split('\n').join('\n  ')}\n`);
		}
	}
	const out = join(__dirname, smoke ? 'results-smoke.json' : 'results.json');
	writeFileSync(out, JSON.stringify(results, null, 2) + '\n');
	const failed = results.filter((r) => !r.pass);
	process.stdout.write(`\n${table(results)}\n\n`);
	process.stdout.write(
		`${results.length - failed.length}/${results.length} benchmark(s) met their target; results in bench/${smoke ? 'results-smoke.json' : 'results.json'}\n`,
	);
	if (failed.length > 0) {
		process.stdout.write(`FAILED: ${failed.map((r) => r.name).join('; ')}\n`);
		process.exitCode = 1;
	}
}

main().then(
	// The sandboxes and workers the benchmarks started are stopped by them; exit without waiting for stray handles.
	() => process.exit(process.exitCode ?? 0),
	(err: unknown) => {
		process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
		process.exit(1);
	},
);
