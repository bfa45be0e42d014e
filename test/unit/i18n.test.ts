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
