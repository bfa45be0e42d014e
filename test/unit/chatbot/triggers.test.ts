import { expect } from 'chai';
import fc from 'fast-check';

import { compileTriggerSet } from '../../../core/chatbot/triggerMatcher';
import {
	checkPattern,
	DEFAULT_TRIGGER,
	DEFAULT_TRIGGERS,
	MAX_PATTERN_LENGTH,
	MAX_RESPONSE_LENGTH,
	MAX_RESPONSES,
	MAX_TRIGGERS,
	parseResponsesText,
	pickReply,
	defuseMassMentions,
	renderReply,
	Trigger,
	TriggerErrorCode,
	validateTrigger,
	validateTriggerSet,
} from '../../../core/chatbot/triggers';

function code(pattern: string): TriggerErrorCode | 'ok' {
	const c = checkPattern(pattern);
	return c.ok ? 'ok' : c.error.code;
}

const t = (id: string, pattern: string, responses: string[] = ['hi'], enabled = true): Trigger => ({ id, pattern, responses, enabled });

describe('chatbot triggers', () => {
	describe('pattern validation', () => {
		const cases: Array<[string, TriggerErrorCode | 'ok']> = [
			['hello', 'ok'],
			['\\bpizza\\b', 'ok'],
			['(a+)+$', 'ok'],
			['(?-i)Exact', 'ok'],
			['^!help(?:\\s+\\w+)?$', 'ok'],
			['', 'empty-pattern'],
			['   ', 'empty-pattern'],
			['x'.repeat(MAX_PATTERN_LENGTH + 1), 'pattern-too-long'],
			['(', 'invalid-pattern'],
			['[z-a]', 'invalid-pattern'],
			['a{1001}', 'invalid-pattern'],
			['(a)\\1', 'backreference'],
			['(?P<n>a)(?P=n)', 'backreference'],
			['(?<n>a)\\k<n>', 'backreference'],
			['foo(?=bar)', 'lookaround'],
			['foo(?!bar)', 'lookaround'],
			['(?<=foo)bar', 'lookaround'],
			['(?<!foo)bar', 'lookaround'],
			['a++', 'unsupported-syntax'],
			['(?>a+)b', 'unsupported-syntax'],
			['[a-z]{1000}[a-z]{1000}[a-z]{1000}', 'pattern-too-complex'],
			['a*', 'matches-empty'],
			['(hello)?', 'matches-empty'],
			['\\b', 'matches-empty'],
			['^', 'matches-empty'],
			['x|', 'matches-empty'],
			['[[:alpha:]]*', 'matches-empty'],
		];
		for (const [pattern, expected] of cases) {
			it(`${JSON.stringify(pattern.length > 40 ? pattern.slice(0, 40) + '...' : pattern)} -> ${expected}`, () => {
				expect(code(pattern)).to.equal(expected);
			});
		}

		it('says clearly what is wrong', () => {
			const invalid = checkPattern('(abc');
			expect(!invalid.ok && invalid.error.message).to.equal('Invalid pattern: missing closing ): `(abc`.');
			const backref = checkPattern('(a)\\1');
			expect(!backref.ok && backref.error.message).to.match(/Backreferences such as `\\1` are not supported/);
			const look = checkPattern('(?<=a)b');
			expect(!look.ok && look.error.message).to.match(/Lookahead and lookbehind/);
		});

		it('is total on arbitrary strings', () => {
			fc.assert(
				fc.property(fc.string({ maxLength: 30 }), (p) => {
					const c = checkPattern(p);
					if (!c.ok) expect(c.error.message).to.be.a('string').and.not.equal('');
				}),
				{ numRuns: 2000 },
			);
		});

		it('matches case-insensitively unless the pattern opts out', () => {
			const m = compileTriggerSet([t('a', 'hello'), t('b', '(?-i)Exact')]);
			expect(m.match('HeLLo there').map((x) => x.id)).to.deep.equal(['a']);
			expect(m.match('exact').map((x) => x.id)).to.deep.equal([]);
			expect(m.match('Exact').map((x) => x.id)).to.deep.equal(['b']);
		});
	});

	describe('trigger and set validation', () => {
		it('checks replies', () => {
			expect(validateTrigger(t('a', 'x', [])).map((e) => e.code)).to.deep.equal(['no-responses']);
			expect(validateTrigger(t('a', 'x', ['ok', ' '])).map((e) => [e.code, e.index])).to.deep.equal([['empty-response', 1]]);
			expect(validateTrigger(t('a', 'x', ['y'.repeat(MAX_RESPONSE_LENGTH + 1)])).map((e) => e.code)).to.deep.equal([
				'response-too-long',
			]);
			expect(validateTrigger(t('a', 'x', Array<string>(MAX_RESPONSES + 1).fill('r'))).map((e) => e.code)).to.deep.equal([
				'too-many-responses',
			]);
			expect(validateTrigger(t('', 'x')).map((e) => e.code)).to.deep.equal(['invalid-id']);
			expect(validateTrigger(t('a', '(')).map((e) => [e.code, e.triggerId])).to.deep.equal([['invalid-pattern', 'a']]);
		});

		it('checks the set: duplicate ids, size', () => {
			expect(validateTriggerSet([t('a', 'x'), t('b', 'y'), t('a', 'z')]).map((e) => [e.code, e.index])).to.deep.equal([
				['duplicate-id', 2],
			]);
			const many = Array.from({ length: MAX_TRIGGERS + 1 }, (_, i) => t(`t${i}`, `word${i}`));
			expect(validateTriggerSet(many).map((e) => e.code)).to.deep.equal(['too-many-triggers']);
			expect(validateTriggerSet(many.slice(0, MAX_TRIGGERS))).to.deep.equal([]);
		});

		it('compiling a set never throws: invalid and surplus triggers are skipped and reported, disabled ones ignored', () => {
			const many = Array.from({ length: MAX_TRIGGERS + 2 }, (_, i) => t(`t${i}`, `word${i}`));
			const m = compileTriggerSet([t('bad', '(a)\\1'), t('off', 'hello', ['x'], false), ...many]);
			expect(m.stats.triggers).to.equal(MAX_TRIGGERS);
			expect(m.skipped.map((s) => [s.id, s.errors[0].code])).to.deep.equal([
				['bad', 'backreference'],
				[`t${MAX_TRIGGERS}`, 'too-many-triggers'],
				[`t${MAX_TRIGGERS + 1}`, 'too-many-triggers'],
			]);
			expect(m.match('hello')).to.deep.equal([]);
		});
	});

	describe('the default trigger', () => {
		it('is valid and answers "Bot Test"', () => {
			expect(validateTriggerSet(DEFAULT_TRIGGERS)).to.deep.equal([]);
			const m = compileTriggerSet(DEFAULT_TRIGGERS);
			for (const text of ['Bot Test', 'bot test', '  BOT   TEST!  ', 'bot test?'])
				expect(m.first(text), text).to.equal(DEFAULT_TRIGGER);
			for (const text of ['bot testing', 'the bot test', 'robot test', 'bot']) expect(m.first(text), text).to.equal(undefined);
		});
	});

	describe('replies', () => {
		const sender = { username: 'jane.doe', name: 'Jane Doe' };

		it('fills {name} and {username}, and keeps other braces', () => {
			expect(renderReply('Hi {name} (@{username}), {other} {name}!', sender)).to.equal('Hi Jane Doe (@jane.doe), {other} Jane Doe!');
			expect(renderReply('Hi {name}', { username: 'bob', name: '  ' })).to.equal('Hi bob');
			expect(renderReply('Hi {name}', { username: 'bob' })).to.equal('Hi bob');
			expect(renderReply('$& $1 {name}', { username: 'x', name: '$&' })).to.equal('$& $1 $&');
		});

		it('defuses mentions in display names', () => {
			expect(renderReply('Hi {name}', { username: 'mallory', name: '@all' })).to.equal('Hi @\u200ball');
		});

		it('defuses mass mentions written in a reply, in any case, and keeps mentions of people', () => {
			expect(renderReply('Hey @all, @HERE and @Everyone: ping @{username}', sender)).to.equal(
				'Hey @\u200ball, @\u200bHERE and @\u200bEveryone: ping @jane.doe',
			);
			expect(renderReply('@all.', sender)).to.equal('@\u200ball.');
			expect(renderReply('@allison @here_team @alligator', sender)).to.equal('@allison @here_team @alligator');
			expect(defuseMassMentions('mail me: all@example.org')).to.equal('mail me: all@example.org');
			fc.assert(
				fc.property(
					fc.string({ maxLength: 40 }),
					fc.constantFrom('all', 'here', 'everyone', 'ALL', 'Here'),
					fc.string({ maxLength: 5 }),
					(a, m, b) => {
						const out = renderReply(`${a} @${m} ${b}`, sender);
						return !/(^|[\s>_*])@(all|here|everyone)(?![0-9A-Za-z_-])/i.test(out);
					},
				),
			);
		});

		it('picks with the random source, clamped', () => {
			const trig = { responses: ['a {name}', 'b', 'c'] };
			expect(pickReply(trig, sender, () => 0)).to.equal('a Jane Doe');
			expect(pickReply(trig, sender, () => 0.5)).to.equal('b');
			expect(pickReply(trig, sender, () => 0.999999)).to.equal('c');
			expect(pickReply(trig, sender, () => 1)).to.equal('c');
			expect(pickReply(trig, sender, () => -3)).to.equal('a Jane Doe');
			expect(pickReply(trig, sender, () => NaN)).to.equal('a Jane Doe');
			expect(pickReply({ responses: [] }, sender, () => 0)).to.equal('');
			fc.assert(
				fc.property(fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }), (r) => {
					expect(trig.responses.map((x) => renderReply(x, sender))).to.include(pickReply(trig, sender, () => r));
				}),
			);
		});

		it('parses replies typed one per line', () => {
			expect(parseResponsesText(' one \r\n\n two\n   \nthree ')).to.deep.equal(['one', 'two', 'three']);
		});
	});
});
