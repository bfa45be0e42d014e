/**
 * `npm run bench`: runs every benchmark module under bench/ (or those whose name contains one of
 * the command-line arguments) and writes bench/results.json.
 */
import { readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

import { Benchmark, BenchResult } from './harness';

async function main(): Promise<void> {
	const filters = process.argv.slice(2);
	const files = readdirSync(__dirname)
		.filter((f) => f.endsWith('.bench.ts'))
		.filter((f) => filters.length === 0 || filters.some((x) => f.includes(x)))
		.sort();
	const results: BenchResult[] = [];
	for (const file of files) {
		const mod = (await import(join(__dirname, file))) as { benchmarks: Benchmark[] };
		for (const b of mod.benchmarks) {
			const { value, baseline, details } = await b.run();
			const result: BenchResult = { name: b.name, value, unit: b.unit, baseline, ratio: baseline === 0 ? NaN : value / baseline };
			if (details) result.details = details;
			results.push(result);
			process.stdout.write(`${b.name}: ${fmt(value)} ${b.unit} (baseline ${fmt(baseline)}, ratio ${fmt(result.ratio)})\n`);
		}
	}
	writeFileSync(join(__dirname, 'results.json'), JSON.stringify(results, null, 2) + '\n');
	process.stdout.write(`${results.length} benchmark(s) written to bench/results.json\n`);
}

function fmt(n: number): string {
	return Number.isFinite(n) ? (Math.abs(n) >= 100 ? n.toFixed(0) : n.toPrecision(3)) : String(n);
}

main().catch((err: unknown) => {
	process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
	process.exit(1);
});
