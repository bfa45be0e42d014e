#!/usr/bin/env node
// `node scripts/mocha-spec.mjs <spec files...> [-- <mocha options>]`: runs mocha with the project's
// settings (.mocharc.json) on the given spec files only. Mocha adds spec files named on its command
// line to those of its configuration instead of replacing them, so this writes a configuration
// with the given spec (under .build/) and runs mocha with it.
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

import { ROOT } from '../sandbox/engines/engines.mjs';

const argv = process.argv.slice(2);
const dash = argv.indexOf('--');
const spec = dash < 0 ? argv : argv.slice(0, dash);
const extra = dash < 0 ? [] : argv.slice(dash + 1);
if (spec.length === 0) {
	process.stderr.write('usage: node scripts/mocha-spec.mjs <spec files...> [-- <mocha options>]\n');
	process.exit(2);
}
const base = JSON.parse(readFileSync(join(ROOT, '.mocharc.json'), 'utf8'));
mkdirSync(join(ROOT, '.build'), { recursive: true });
const config = join(ROOT, '.build', `mocharc.${process.pid}.json`);
writeFileSync(config, JSON.stringify({ ...base, spec }, null, '\t'));
const r = spawnSync(process.execPath, [join(ROOT, 'node_modules', 'mocha', 'bin', 'mocha.js'), '--config', config, ...extra], {
	cwd: ROOT,
	stdio: 'inherit',
});
rmSync(config, { force: true });
process.exit(r.status ?? 1);
