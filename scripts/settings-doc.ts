/**
 * Generates the configuration reference of README.md from the settings declaration
 * (settings/settings.ts) and their English texts (i18n/en.json), between the markers
 * `<!-- settings:start -->` and `<!-- settings:end -->`.
 *
 *   npx tsx scripts/settings-doc.ts           rewrites README.md
 *   npx tsx scripts/settings-doc.ts --check   exits 1 when README.md is out of date
 *
 * test/unit/readme.test.ts runs the check, so the README cannot drift from the settings.
 */
import { ISetting } from '@rocket.chat/apps-engine/definition/settings/ISetting';
import { SettingType } from '@rocket.chat/apps-engine/definition/settings/SettingType';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as prettier from 'prettier';

import { SettingSection, settings } from '../settings/settings';

export const ROOT = join(__dirname, '..');
export const README = join(ROOT, 'README.md');
export const START = '<!-- settings:start -->';
export const END = '<!-- settings:end -->';

type Texts = Record<string, string>;

function englishTexts(): Texts {
	return JSON.parse(readFileSync(join(ROOT, 'i18n', 'en.json'), 'utf8')) as Texts;
}

/** Makes a text safe inside a Markdown table cell. */
function cell(text: string): string {
	return text.replace(/\\/g, '\\\\').replace(/\|/g, '\\|').replace(/</g, '&lt;').replace(/\r?\n/g, ' ');
}

function typeOf(s: ISetting): string {
	switch (s.type) {
		case SettingType.BOOLEAN:
			return 'on/off';
		case SettingType.NUMBER:
			return 'number';
		case SettingType.PASSWORD:
			return s.multiline ? 'secret, one per line' : 'secret';
		case SettingType.STRING:
			return s.multiline ? 'text, several lines' : 'text';
		default:
			return String(s.type);
	}
}

function defaultOf(s: ISetting): string {
	const v: unknown = s.packageValue;
	if (typeof v === 'boolean') return v ? 'on' : 'off';
	if (typeof v === 'number') return String(v);
	if (v === undefined || v === null || v === '') return '(empty)';
	return `\`${typeof v === 'string' ? v : JSON.stringify(v)}\``;
}

/** The configuration reference, one table per section, in declaration order. */
export function renderSettingsReference(texts: Texts = englishTexts()): string {
	const text = (key: string): string => {
		const value = texts[key];
		if (typeof value !== 'string' || value.trim() === '') throw new Error(`i18n/en.json has no text for "${key}"`);
		return value;
	};
	const out: string[] = [];
	for (const section of Object.values(SettingSection)) {
		const inSection = settings.filter((s) => s.section === section);
		if (inSection.length === 0) continue;
		out.push(`#### ${text(section)}`, '');
		out.push('| Setting | Id | Type | Default | Description |', '| --- | --- | --- | --- | --- |');
		for (const s of inSection) {
			const description = s.i18nDescription ? text(s.i18nDescription) : '';
			out.push(`| ${cell(text(s.i18nLabel))} | \`${s.id}\` | ${typeOf(s)} | ${defaultOf(s)} | ${cell(description)} |`);
		}
		out.push('');
	}
	const orphans = settings.filter((s) => !(Object.values(SettingSection) as string[]).includes(s.section ?? ''));
	if (orphans.length > 0) throw new Error(`settings without a known section: ${orphans.map((s) => s.id).join(', ')}`);
	return out.join('\n').trimEnd();
}

/** README.md with its configuration reference regenerated and the whole file formatted by Prettier. */
export async function renderReadme(current: string, texts: Texts = englishTexts()): Promise<string> {
	const start = current.indexOf(START);
	const end = current.indexOf(END);
	if (start < 0 || end < start) throw new Error(`README.md must contain ${START} followed by ${END}`);
	const next = `${current.slice(0, start + START.length)}\n\n${renderSettingsReference(texts)}\n\n${current.slice(end)}`;
	const options = (await prettier.resolveConfig(README)) ?? {};
	return prettier.format(next, { ...options, filepath: README });
}

async function main(): Promise<void> {
	const check = process.argv.includes('--check');
	const current = readFileSync(README, 'utf8');
	const next = await renderReadme(current);
	if (next === current) {
		process.stdout.write('README.md configuration reference is up to date\n');
		return;
	}
	if (check) {
		process.stderr.write('README.md configuration reference is out of date: run `npx tsx scripts/settings-doc.ts`\n');
		process.exitCode = 1;
		return;
	}
	writeFileSync(README, next);
	process.stdout.write('README.md configuration reference updated\n');
}

if (require.main === module) {
	main().catch((err: unknown) => {
		process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
		process.exitCode = 1;
	});
}
