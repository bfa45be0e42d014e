import { expect } from 'chai';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

import { NUMBER_BOUNDS } from '../../core/config';
import { Setting, SettingSection, settings } from '../../settings/settings';

const I18N_DIR = join(__dirname, '..', '..', 'i18n');

/** The languages the app ships; file names as Rocket.Chat expects them (`i18n/<lang>.json`). */
const LANGUAGES = ['en', 'de', 'fr', 'es', 'pt-BR'] as const;

/**
 * Values that may legitimately read the same in English and in another language (technical terms,
 * product names). Keep this list short: anything else identical to English is an untranslated copy.
 */
// Command syntax and pure placeholder templates read the same in every language.
const SAME_AS_ENGLISH_ALLOWED = new Set<string>([
	'API',
	'URL',
	'CORS',
	'Chatbot',
	'Rocket.Chat',
	'Configuration',
	'help | status | ...',
	'{setting}: {reason}',
]);

/** Placeholders the server interpolates (`__name__`) or that i18next understands (`{{name}}`). */
function placeholders(text: string): string[] {
	return [...text.matchAll(/__([A-Za-z0-9_]+?)__|\{\{\s*([A-Za-z0-9_.]+)\s*\}\}/g)].map((m) => m[0].replace(/\s+/g, '')).sort();
}

function load(lang: string): Record<string, unknown> {
	return JSON.parse(readFileSync(join(I18N_DIR, `${lang}.json`), 'utf8')) as Record<string, unknown>;
}

const files = Object.fromEntries(LANGUAGES.map((lang) => [lang, load(lang)])) as Record<
	(typeof LANGUAGES)[number],
	Record<string, unknown>
>;
const english = files.en;

const requiredKeys = [
	...Object.values(Setting).flatMap((id) => [id, `${id}_description`]),
	...Object.values(SettingSection),
	...settings.flatMap((s) => [s.i18nLabel, s.i18nDescription ?? '']).filter((k) => k !== ''),
];

describe('i18n', () => {
	it('ships exactly the supported languages', () => {
		const onDisk = readdirSync(I18N_DIR)
			.filter((f) => f.endsWith('.json'))
			.map((f) => f.slice(0, -'.json'.length))
			.sort();
		expect(onDisk).to.deep.equal([...LANGUAGES].sort());
	});

	for (const lang of LANGUAGES) {
		describe(lang, () => {
			const file = files[lang];

			it('is a flat object of non-empty strings', () => {
				for (const [key, value] of Object.entries(file)) {
					expect(value, `${lang}: ${key}`).to.be.a('string');
					expect((value as string).trim(), `${lang}: ${key}`).to.not.equal('');
					expect(value, `${lang}: ${key} has stray whitespace`).to.equal((value as string).trim());
				}
			});

			it('has exactly the keys of en.json', () => {
				const keys = Object.keys(file).sort();
				const englishKeys = Object.keys(english).sort();
				expect(
					keys.filter((k) => !englishKeys.includes(k)),
					`${lang}: keys not in en.json`,
				).to.deep.equal([]);
				expect(
					englishKeys.filter((k) => !keys.includes(k)),
					`${lang}: keys missing`,
				).to.deep.equal([]);
			});

			it('labels and describes every setting and labels every section', () => {
				const missing = requiredKeys.filter((k) => {
					const value = file[k];
					return typeof value !== 'string' || value.trim() === '';
				});
				expect(missing, `${lang}: missing entries`).to.deep.equal([]);
			});

			it('keeps the placeholders of every English text', () => {
				for (const [key, value] of Object.entries(english)) {
					expect(placeholders(String(file[key])), `${lang}: ${key}`).to.deep.equal(placeholders(String(value)));
				}
			});

			it('states the bounds and default of every numeric setting', () => {
				for (const s of settings) {
					const bounds = NUMBER_BOUNDS[s.id as Setting];
					if (!bounds) continue;
					const text = String(file[`${s.id}_description`]);
					const [min, max, fallback] = bounds;
					for (const n of [min, max, fallback]) {
						expect(text, `${lang}: ${s.id}_description should mention ${n}`).to.match(new RegExp(`(^|[^0-9])${n}([^0-9]|$)`));
					}
				}
			});

			if (lang !== 'en') {
				it('translates every text (nothing left in English)', () => {
					const copies = Object.entries(english)
						.filter(([key, value]) => file[key] === value && !SAME_AS_ENGLISH_ALLOWED.has(String(value)))
						.map(([key]) => key);
					expect(copies, `${lang}: identical to English`).to.deep.equal([]);
				});
			}
		});
	}

	it('states every default in English exactly as settings/settings.ts declares it', () => {
		for (const s of settings) {
			const text = String(english[`${s.id}_description`]);
			if (typeof s.packageValue === 'boolean') {
				expect(text, s.id).to.contain(`Default: ${s.packageValue ? 'on' : 'off'}.`);
			} else if (typeof s.packageValue === 'number') {
				expect(text, s.id).to.contain(`Default: ${s.packageValue}`);
				const bounds = NUMBER_BOUNDS[s.id as Setting];
				expect(bounds, `${s.id} has bounds in core/config.ts`).to.not.equal(undefined);
				if (bounds) {
					expect(text, s.id).to.contain(`Between ${bounds[0]} and ${bounds[1]}`);
					expect(bounds[2], `${s.id}: default in core/config.ts`).to.equal(s.packageValue);
				}
			} else if (typeof s.packageValue === 'string' && s.packageValue !== '') {
				expect(text, s.id).to.contain(`Default: ${s.packageValue}.`);
			}
		}
	});
});

/** Every TypeScript file of the app (the folders and files scripts/app-sources.json lists). */
function appFiles(): string[] {
	const root = join(__dirname, '..', '..');
	const sources = JSON.parse(readFileSync(join(root, 'scripts', 'app-sources.json'), 'utf8')) as string[];
	const walk = (rel: string): string[] => {
		const abs = join(root, rel);
		if (rel.endsWith('.ts')) return [abs];
		if (rel.includes('.')) return [];
		return readdirSync(abs, { withFileTypes: true }).flatMap((d) => walk(join(rel, d.name)));
	};
	return sources.flatMap(walk).filter((f) => f.endsWith('.ts'));
}

/** The first argument of every `t(...)` call in a source text (balanced parentheses, quotes respected). */
function translateArguments(source: string): string[] {
	const out: string[] = [];
	for (const m of source.matchAll(/\bt\(/g)) {
		let depth = 1;
		let quote: string | null = null;
		let i = (m.index ?? 0) + m[0].length;
		const start = i;
		for (; i < source.length && depth > 0; i++) {
			const c = source[i];
			if (quote) {
				if (c === '\\') i++;
				else if (c === quote) quote = null;
			} else if (c === "'" || c === '"' || c === '`') quote = c;
			else if (c === '(' || c === '{' || c === '[') depth++;
			else if (c === ')' || c === '}' || c === ']') depth--;
			else if (c === ',' && depth === 1) break;
		}
		out.push(source.slice(start, i).trim());
	}
	return out;
}

/**
 * The keys the app names: string literals given to a translator (also in `a ? 'x' : 'y'`), usage keys of
 * sub-commands, and the texts the server renders for commands. Template keys (`rest_error_${kind}`) become
 * patterns; the compiler checks each of their values against core/i18nKeys.ts.
 */
function keysUsedByTheApp(): { keys: Map<string, string>; patterns: Map<string, RegExp> } {
	const keys = new Map<string, string>();
	const patterns = new Map<string, RegExp>();
	for (const file of appFiles()) {
		const source = readFileSync(file, 'utf8');
		const name = file.slice(join(__dirname, '..', '..').length + 1);
		for (const arg of translateArguments(source)) {
			for (const lit of arg.matchAll(/'([a-z][a-z0-9_]*)'/g)) keys.set(lit[1], name);
			for (const tpl of arg.matchAll(/`([^`]*\$\{[^`]*)`/g)) {
				const re = new RegExp(
					`^${tpl[1]
						.split(/\$\{[^}]*\}/)
						.map((part) => part.replace(/[.*+?^$()|[\]\\]/g, '\\$&'))
						.join('[a-zA-Z0-9_-]+')}$`,
				);
				patterns.set(`${tpl[1]} (${name})`, re);
			}
		}
		for (const m of source.matchAll(/(?:usageKey|i18nDescription|i18nParamsExample|i18nLabel)\s*[:=]\s*'([a-z][a-z0-9_]*)'/g))
			keys.set(m[1], name);
	}
	return { keys, patterns };
}

describe('i18n keys the app uses', () => {
	const { keys, patterns } = keysUsedByTheApp();

	it('core/i18nKeys.ts is generated from en.json (run `npx tsx scripts/i18n-keys.ts` to update)', async () => {
		const { KEYS_FILE, renderKeys } = await import('../../scripts/i18n-keys');
		expect(readFileSync(KEYS_FILE, 'utf8') === (await renderKeys()), 'core/i18nKeys.ts is out of date').to.equal(true);
	});

	it('finds the keys named across the app', () => {
		expect(keys.size).to.be.greaterThan(150);
		expect(patterns.size).to.be.greaterThan(3);
	});

	for (const lang of LANGUAGES) {
		it(`every key used anywhere in the app exists in ${lang}`, () => {
			const missing = [...keys].filter(([key]) => typeof files[lang][key] !== 'string').map(([key, file]) => `${key} (${file})`);
			expect(missing).to.deep.equal([]);
			const unmatched = [...patterns].filter(([, re]) => !Object.keys(files[lang]).some((k) => re.test(k))).map(([p]) => p);
			expect(unmatched).to.deep.equal([]);
		});
	}
});
