import { expect } from 'chai';
import fc from 'fast-check';

import { maskCode, MAX_PARSED_AWARDS, MAX_REASON_LENGTH, mayContainPoints, parsePoints } from '../../../core/chatbot/points';

type Row = [string, Array<[string, 1 | -1, string?]>];

const TABLE: Row[] = [
	// The forms that give points.
	['@jane ++', [['jane', 1]]],
	['@jane++', [['jane', 1]]],
	['@jane --', [['jane', -1]]],
	['@jane--', [['jane', -1]]],
	['@jane—', [['jane', -1]]],
	['@jane —', [['jane', -1]]],
	['@jane –', [['jane', -1]]],
	['@jane\u00a0++', [['jane', 1]]],
	['@jane\t--', [['jane', -1]]],
	['thanks @jane++!', [['jane', 1]]],
	['(@jane++)', [['jane', 1]]],
	['**@jane++**', [['jane', 1]]],
	[
		'@jane++, @bob++ and @eve--',
		[
			['jane', 1],
			['bob', 1],
			['eve', -1],
		],
	],
	[
		'@jane++@bob++',
		[
			['jane', 1],
			['bob', 1],
		],
	],
	['@Jane.Doe++', [['Jane.Doe', 1]]],
	['@jane-doe++', [['jane-doe', 1]]],
	['@jane-doe--', [['jane-doe', -1]]],
	['@jane_d ++', [['jane_d', 1]]],
	['@jane++ 🎉', [['jane', 1]]],
	['@jane++🎉', [['jane', 1]]],
	['@jane -- 😞', [['jane', -1]]],
	['@jane —\nnext line', [['jane', -1]]],
	['@jane —, sorry', [['jane', -1]]],
	[
		'@jane -- @bob ++',
		[
			['jane', -1],
			['bob', 1],
		],
	],
	['@jane ++ great work', [['jane', 1]]],
	// Reasons.
	['@jane++ for the fix', [['jane', 1, 'the fix']]],
	['@jane++ For the fix, thanks', [['jane', 1, 'the fix']]],
	['@jane ++ because: she rocks. Really', [['jane', 1, 'she rocks']]],
	['@jane -- for breaking the build', [['jane', -1, 'breaking the build']]],
	['@jane— because the build is red!', [['jane', -1, 'the build is red']]],
	['@jane++ for v1.2 release notes', [['jane', 1, 'v1.2 release notes']]],
	['@jane++ for helping @bob', [['jane', 1, 'helping @bob']]],
	[
		'@jane++ for the fix @bob++ for the review',
		[
			['jane', 1, 'the fix'],
			['bob', 1, 'the review'],
		],
	],
	[
		'@jane++ @bob++ for the review',
		[
			['jane', 1],
			['bob', 1, 'the review'],
		],
	],
	['@jane++ for `a.b, c` work; more', [['jane', 1, '`a.b, c` work']]],
	['@jane++ for   lots\tof   blanks\nnext', [['jane', 1, 'lots of blanks']]],
	['@jane++ for', [['jane', 1]]],
	['@jane++ forever', [['jane', 1]]],
	['@jane++ for .', [['jane', 1]]],
	// Not points.
	['C++ is fun', []],
	['i++', []],
	['x = i++ + 1', []],
	['`@jane++`', []],
	['see `i++` and ``@jane++``', []],
	['```\n@jane++\n```', []],
	['```js\nlet @jane++ = 1;\n', []],
	['@jane `++`', []],
	['@jane`x`++', []],
	['@jane +-', []],
	['@jane+-', []],
	['@jane -+', []],
	['@jane +++', []],
	['@jane+++', []],
	['@jane ---', []],
	['@jane---', []],
	['@jane ++-', []],
	['@jane +1', []],
	['@jane + +', []],
	['@jane', []],
	['hi @jane, how are you?', []],
	['@jane @bob', []],
	['@jane\n++', []],
	['@jane: ++', []],
	['@jane++x', []],
	['@jane --help', []],
	['@jane—you rock', []],
	['thanks @jane — you rock', []],
	['thanks @jane -- you rock', []],
	['@jane —— ok', []],
	['@jane.', []],
	['thanks @jane. ++ to all', []],
	['@jane.++', []],
	['me@jane++', []],
	['@@jane++', []],
	['@ ++', []],
	['@-- hi', []],
	['@++', []],
	['jane++', []],
	['++@jane', []],
	['', []],
	// Mixed.
	['@jane @bob ++', [['bob', 1]]],
	['`code` @jane++ `more`', [['jane', 1]]],
	['a `` `tick` `` @jane++', [['jane', 1]]],
	['unclosed ` tick @jane++', [['jane', 1]]],
	['unclosed ``` fence @jane++', []],
];

function simplify(text: string): Array<[string, 1 | -1, string?]> {
	return parsePoints(text).map((a) => (a.reason === undefined ? [a.username, a.delta] : [a.username, a.delta, a.reason]));
}

describe('chatbot points parser', () => {
	describe('table of tricky inputs', () => {
		for (const [input, expected] of TABLE) {
			it(JSON.stringify(input), () => {
				expect(simplify(input)).to.deep.equal(expected);
			});
		}
	});

	it('+++ is documented as not points, in every spacing', () => {
		expect(parsePoints('@jane +++ well done')).to.deep.equal([]);
		expect(parsePoints('@jane+++')).to.deep.equal([]);
	});

	it('cuts long reasons', () => {
		const [award] = parsePoints(`@jane++ for ${'x'.repeat(500)}`);
		expect(award.reason).to.have.length(MAX_REASON_LENGTH);
		expect(award.reason?.endsWith('…')).to.equal(true);
	});

	it('returns at most MAX_PARSED_AWARDS awards', () => {
		const text = Array.from({ length: 80 }, (_, i) => `@u${i}++`).join(' ');
		expect(parsePoints(text)).to.have.length(MAX_PARSED_AWARDS);
	});

	it('masks code spans and blocks with the same length', () => {
		expect(maskCode('a `b` c')).to.equal('a \0\0\0 c');
		expect(maskCode('``a`b`` c')).to.equal('\0\0\0\0\0\0\0 c');
		expect(maskCode('x ```\ny\n``` z')).to.equal('x \0\0\0\0\0\0\0\0\0 z');
		expect(maskCode('lonely ` tick')).to.equal('lonely ` tick');
		expect(maskCode('open ```fence')).to.equal('open \0\0\0\0\0\0\0\0');
	});

	it('finds the award after many backtick runs, and masks every closed span', () => {
		// How fast (linear in the text length) is measured by bench/chatbot.bench.ts, not asserted here.
		const text = Array.from({ length: 5000 }, (_, i) => '`'.repeat((i % 2) + 1) + 'x').join(' ') + ' @jane++';
		expect(parsePoints(text).map((a) => [a.username, a.delta])).to.deep.equal([['jane', 1]]);
		const masked = maskCode(text);
		expect(masked).to.have.length(text.length);
		expect(masked.endsWith(' @jane++')).to.equal(true);
		expect(parsePoints('`@jane++` and ``x`` then `@bob++`')).to.deep.equal([]);
	});

	describe('properties', () => {
		const anyText = fc.string({
			unit: fc.constantFrom('@', '+', '-', '—', '–', '`', ' ', '\n', 'a', 'B', '.', '_', 'f', 'o', 'r', ':', '😀'),
		});

		it('is total: never throws, returns well-formed awards', () => {
			fc.assert(
				fc.property(fc.oneof(fc.string(), fc.string({ unit: 'binary' }), anyText), (text) => {
					for (const a of parsePoints(text)) {
						expect(a.username).to.match(/^[A-Za-z0-9._-]+$/);
						expect([1, -1]).to.include(a.delta);
						if (a.reason !== undefined) expect(a.reason.length).to.be.within(1, MAX_REASON_LENGTH);
					}
				}),
				{ numRuns: 2000 },
			);
			expect(parsePoints(undefined as unknown as string)).to.deep.equal([]);
		});

		it('the pre-check never rejects a message that has points', () => {
			fc.assert(
				fc.property(anyText, (text) => {
					if (parsePoints(text).length > 0) expect(mayContainPoints(text)).to.equal(true);
				}),
				{ numRuns: 5000 },
			);
		});

		it('awards never come from inside code spans or blocks', () => {
			const noTick = fc.string({ unit: fc.constantFrom('@', '+', '-', '—', ' ', '\n', 'a', 'b', '.', 'f', 'o', 'r') });
			const nonEmpty = noTick.filter((x) => x.length > 0);
			const key = (text: string): string => JSON.stringify(parsePoints(text).map((a) => [a.username, a.delta]));
			fc.assert(
				// Code contents are not empty: two empty fences would be one longer backtick run.
				fc.property(noTick, nonEmpty, nonEmpty, noTick, fc.constantFrom('`', '``', '```'), (before, x, y, after, fence) => {
					expect(key(`${before}${fence}${x}${fence}${after}`)).to.equal(key(`${before}${fence}${y}${fence}${after}`));
					expect(parsePoints(`${fence}${x}${fence}`)).to.deep.equal([]);
				}),
				{ numRuns: 3000 },
			);
		});

		it('finds exactly the awards written between ordinary words', () => {
			const name = fc.stringMatching(/^[a-z][a-z0-9._-]{0,8}[a-z0-9]$/);
			const op = fc.constantFrom<[string, 1 | -1]>(['++', 1], [' ++', 1], ['--', -1], [' --', -1], ['—', -1], [' —', -1], [' –', -1]);
			const word = fc.stringMatching(/^[a-z]{1,8}$/);
			const part = fc.oneof(
				fc.record({ award: fc.tuple(name, op) }),
				fc.record({ words: fc.array(word, { minLength: 1, maxLength: 4 }) }),
			);
			fc.assert(
				fc.property(fc.array(part, { maxLength: 8 }), (parts) => {
					const expected: Array<[string, 1 | -1]> = [];
					const text = parts
						.map((p) => {
							if ('award' in p) {
								const [n, [o, delta]] = p.award;
								expected.push([n, delta]);
								return `@${n}${o}.`;
							}
							return p.words.join(' ');
						})
						.join(' ');
					expect(parsePoints(text).map((a) => [a.username, a.delta])).to.deep.equal(expected);
				}),
				{ numRuns: 2000 },
			);
		});
	});
});
