/**
 * Generates core/i18nKeys.ts, the type of every i18n key, from i18n/en.json (the app cannot import JSON:
 * the official CLI's compiler does not resolve it). A translator takes only these keys, so a key used
 * anywhere in the app that en.json lacks is a compile error; test/unit/i18n.test.ts checks that every
 * language has exactly the keys of en.json, and that this file is up to date.
 *
 *   npx tsx scripts/i18n-keys.ts           rewrites core/i18nKeys.ts
 *   npx tsx scripts/i18n-keys.ts --check   exits 1 when it is out of date
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as prettier from 'prettier';

export const ROOT = join(__dirname, '..');
export const KEYS_FILE = join(ROOT, 'core', 'i18nKeys.ts');

export function englishKeys(): string[] {
	return Object.keys(JSON.parse(readFileSync(join(ROOT, 'i18n', 'en.json'), 'utf8')) as Record<string, string>).sort();
}

/** The file's text for the given keys. */
export async function renderKeys(keys: ReadonlyArray<string> = englishKeys()): Promise<string> {
	const body = [
		'// Generated from i18n/en.json by `npx tsx scripts/i18n-keys.ts`; do not edit (test/unit/i18n.test.ts checks it).',
		'',
		"/** Every key of the app's texts: what a translator accepts. */",
		`export type I18nKey =\n${keys.map((k) => `\t| ${JSON.stringify(k).replace(/^"|"$/g, "'")}`).join('\n')};`,
		'',
	].join('\n');
	const options = (await prettier.resolveConfig(KEYS_FILE)) ?? {};
	return prettier.format(body, { ...options, filepath: KEYS_FILE });
}

async function main(): Promise<void> {
	const next = await renderKeys();
	const current = readFileSync(KEYS_FILE, { encoding: 'utf8', flag: 'a+' });
	if (process.argv.includes('--check')) {
		if (current !== next) {
			process.stderr.write('core/i18nKeys.ts is out of date: run `npx tsx scripts/i18n-keys.ts`\n');
			process.exit(1);
		}
		return;
	}
	if (current !== next) writeFileSync(KEYS_FILE, next);
}

if (require.main === module) {
	main().catch((err: unknown) => {
		process.stderr.write(`${String(err)}\n`);
		process.exit(1);
	});
}
