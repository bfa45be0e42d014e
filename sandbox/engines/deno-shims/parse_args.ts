// Local stand-in for jsr:@std/cli/parse-args, which the Apps-Engine Deno runtime imports from JSR
// (unreachable here). It covers what the runtime passes: `--name value` pairs and bare flags;
// numeric values become numbers, as in the standard library's default behaviour.
export function parseArgs(args: string[]): Record<string, unknown> & { _: string[] } {
	const out: Record<string, unknown> & { _: string[] } = { _: [] };
	for (let i = 0; i < args.length; i++) {
		const arg = args[i];
		if (!arg.startsWith('--')) {
			out._.push(arg);
			continue;
		}
		const body = arg.slice(2);
		const eq = body.indexOf('=');
		let key: string;
		let value: unknown;
		if (eq >= 0) {
			key = body.slice(0, eq);
			value = body.slice(eq + 1);
		} else if (i + 1 < args.length && !args[i + 1].startsWith('--')) {
			key = body;
			value = args[++i];
		} else {
			key = body;
			value = true;
		}
		if (typeof value === 'string' && value !== '' && /^-?\d+(\.\d+)?$/.test(value)) {
			value = Number(value);
		}
		out[key] = value;
	}
	return out;
}
