import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import { durationText, newTotalText, refusalText, triggerErrorText } from '../../../features/chatbot/texts';
import { Translate } from '../../../adapters/i18n';
import { Dictionary, LANGUAGES, translate } from '../../../core/i18n';
import { checkPattern, TriggerErrorCode, validateTrigger } from '../../../core/chatbot/triggers';

const ROOT = join(__dirname, '..', '..', '..');
const dictionaries = Object.fromEntries(
	LANGUAGES.map((lang) => [lang, JSON.parse(readFileSync(join(ROOT, 'i18n', `${lang}.json`), 'utf8')) as Dictionary]),
) as Record<(typeof LANGUAGES)[number], Dictionary>;
const en: Translate = (key, params) => translate(dictionaries, 'en', key, params);

/** The chatbot's modules that compose texts (feature, view, commands). */
const SHELL_FILES = [
	'features/chatbot/texts.ts',
	'features/chatbot/pointsReactor.ts',
	'ui/triggersModal.ts',
	'commands/PointsCommand.ts',
	'commands/TriggersCommand.ts',
];

describe('chatbot shell texts', () => {
	it('every key the chatbot shell uses exists in every language', () => {
		const keys = new Set<string>();
		for (const file of SHELL_FILES) {
			const source = readFileSync(join(ROOT, file), 'utf8');
			for (const m of source.matchAll(/\bt\(\s*'([a-z0-9_-]+)'/g)) keys.add(m[1]);
			for (const m of source.matchAll(/i18n(?:Description|ParamsExample) = '([a-z0-9_-]+)'/g)) keys.add(m[1]);
		}
		expect(keys.size).to.be.greaterThan(40);
		for (const lang of LANGUAGES) {
			const missing = [...keys].filter((k) => typeof dictionaries[lang][k] !== 'string');
			expect(missing, lang).to.deep.equal([]);
		}
	});

	it('says remaining times in words, rounded up', () => {
		expect(durationText(en, 200)).to.equal('1 second');
		expect(durationText(en, 45_000)).to.equal('45 seconds');
		expect(durationText(en, 119_001)).to.equal('2 minutes');
		expect(durationText(en, 3_600_000)).to.equal('60 minutes');
		expect(durationText(en, 7_200_000)).to.equal('2 hours');
		expect(durationText(en, 86_400_000)).to.equal('24 hours');
	});

	it('uses the singular for one point only', () => {
		expect(newTotalText(en, 'jane', 1)).to.equal('jane now has 1 point.');
		expect(newTotalText(en, 'jane', -1)).to.equal('jane now has -1 point.');
		expect(newTotalText(en, 'jane', 0)).to.equal('jane now has 0 points.');
		expect(newTotalText(en, 'jane', 12)).to.equal('jane now has 12 points.');
	});

	it('explains every refusal the giver is told about, and none of the silent ones', () => {
		const award = { username: 'jane', delta: 1 as const };
		const receiver = { id: 'u2', username: 'jane' };
		expect(refusalText(en, { award, refusal: { code: 'unknown-user' } })).to.equal(
			'No points for @jane: there is no user with that name.',
		);
		expect(refusalText(en, { award, receiver, refusal: { code: 'cool-down', remainingMs: 30_000 } })).to.equal(
			'You changed the points of @jane a moment ago; try again in 30 seconds.',
		);
		expect(refusalText(en, { award, receiver, refusal: { code: 'too-many-in-message', max: 3 } })).to.match(/at most 3 points/);
		expect(refusalText(en, { award, refusal: { code: 'already-counted' } })).to.equal('');
		expect(refusalText(en, { award, refusal: { code: 'message-too-old' } })).to.equal('');
	});

	it('localises every pattern and reply error the core reports', () => {
		const seen = new Set<TriggerErrorCode>();
		const cases: Array<[string, string[]]> = [
			['', ['x']],
			['a'.repeat(501), ['x']],
			['(a', ['x']],
			['(a)\\1', ['x']],
			['(?=a)b', ['x']],
			['a++', ['x']],
			['a{1000}{1000}', ['x']],
			['a*', ['x']],
			['ok', []],
			['ok', Array<string>(21).fill('x')],
			['ok', [' ']],
			['ok', ['x'.repeat(1001)]],
		];
		for (const [pattern, responses] of cases) {
			for (const e of validateTrigger({ id: 't', pattern, responses, enabled: true })) {
				seen.add(e.code);
				for (const lang of LANGUAGES) {
					const t: Translate = (key, params) => translate(dictionaries, lang, key, params);
					const text = triggerErrorText(t, e);
					expect(text, `${lang} ${e.code}`).to.not.match(/^trigger_error_/);
					expect(text, `${lang} ${e.code}`).to.not.match(/\{(max|n|detail)\}/);
				}
			}
		}
		expect([...seen].sort()).to.include.members([
			'backreference',
			'empty-pattern',
			'empty-response',
			'invalid-pattern',
			'lookaround',
			'matches-empty',
			'no-responses',
			'pattern-too-long',
			'response-too-long',
			'too-many-responses',
			'unsupported-syntax',
		]);
		const check = checkPattern('(a');
		expect(check.ok).to.equal(false);
		if (!check.ok) expect(triggerErrorText(en, check.error)).to.match(/^Invalid pattern \(missing closing \)/);
	});
});
