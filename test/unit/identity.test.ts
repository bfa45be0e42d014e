import { expect } from 'chai';
import fc from 'fast-check';

import {
	EmailAllocator,
	EmailPick,
	HeldEmail,
	RESERVED_USERNAMES,
	USERNAME_BASE_MAX_LENGTH,
	USERNAME_MAX_LENGTH,
	UsernameAllocator,
	UsernameBase,
	emailKey,
	foldNamePart,
	isEmailVariantOf,
	isValidUsername,
	normalizeUsernameBase,
	parseEmail,
	pickEmail,
	pickUsername,
	taggedEmail,
	usernameBase,
	usernameCandidate,
	usernameCandidates,
} from '../../core/identity';

/** A base written out in a test: checked to be one already (normalising it must not change it). */
function b(text: string): UsernameBase {
	const base = normalizeUsernameBase(text);
	if (base !== text) throw new Error(`${JSON.stringify(text)} is not a base`);
	return base;
}

/** What the allocator must match: probe `base`, `base2`, ... one by one against everything taken. */
function naiveUsernames(bases: readonly UsernameBase[], existing: readonly string[]): string[] {
	const taken = new Set([...RESERVED_USERNAMES, ...existing.map((e) => e.toLowerCase())]);
	return bases.map((base) => {
		for (let n = 1; ; n++) {
			const candidate = usernameCandidate(base, n);
			if (!taken.has(candidate)) {
				taken.add(candidate);
				return candidate;
			}
		}
	});
}

const VALID_USERNAME = /^[a-z0-9]+(?:[._-][a-z0-9]+)*$/;

/** Names that mix what real people send with the characters that make folding hard. */
const namePiece = fc.constantFrom(
	'Zoë',
	"O'Brien",
	'O’Brien',
	'Mary Ann',
	'Jean-Luc',
	'Groß',
	'Ærøskøbing',
	'Łódź',
	'Đorđe',
	'Þóra',
	'Œuvre',
	'İlker',
	'Иван',
	'王伟',
	'محمد',
	'😀',
	'👩‍👩‍👧',
	'.',
	'-',
	'_',
	' ',
	'..',
	'ﬁ',
	'Ｓ',
	'\u0301',
	'x'.repeat(70),
	'2',
);
const nameArb = fc.oneof(
	fc.string({ unit: 'binary', maxLength: 30 }),
	fc.array(namePiece, { maxLength: 6 }).map((parts) => parts.join('')),
	fc.string({ unit: 'grapheme-ascii', maxLength: 80 }),
);
/** Bases drawn from a small pool so that collisions, digit-ending bases and long bases are common. */
const basePool: readonly UsernameBase[] = [
	'john.smith',
	'john.smith2',
	'john.smith22',
	'user',
	'user2',
	'a',
	'a2',
	'a-b',
	'x'.repeat(USERNAME_BASE_MAX_LENGTH),
	`${'x'.repeat(USERNAME_BASE_MAX_LENGTH - 1)}2`,
].map(b);
const baseArb = fc.oneof(
	{ weight: 4, arbitrary: fc.constantFrom(...basePool) },
	{ weight: 1, arbitrary: nameArb.map(normalizeUsernameBase) },
);
const existingArb = fc.array(
	fc.oneof(
		fc.constantFrom(...basePool, 'John.Smith', 'JOHN.SMITH3', 'User3', 'a3', 'A4', 'john.smith23', 'Ünïcode'),
		fc.constantFrom(...basePool).chain((b) => fc.integer({ min: 2, max: 12 }).map((n) => usernameCandidate(b, n).toUpperCase())),
		fc.string({ maxLength: 12 }),
	),
	{ maxLength: 40 },
);

describe('identity: usernames', () => {
	describe('usernameBase', () => {
		const table: ReadonlyArray<readonly [string | undefined, string | undefined, string, string]> = [
			['Zoë', "O'Brien", 'zoe.obrien', 'the example of the contract'],
			['Zoë', 'O’Brien', 'zoe.obrien', 'typographic apostrophe'],
			['José', 'García', 'jose.garcia', 'acute accents'],
			['JOHN', 'SMITH', 'john.smith', 'upper case'],
			['Jürgen', 'Groß', 'jurgen.gross', 'umlaut and sharp s'],
			['ẞenta', 'Straße', 'ssenta.strasse', 'capital sharp s'],
			['Søren', 'Ærø', 'soren.aero', 'ø and æ'],
			['Łukasz', 'Żółć', 'lukasz.zolc', 'Polish'],
			['Đorđe', 'Ðurić', 'dorde.duric', 'Serbian d with stroke and capital eth'],
			['Þóra', 'Guðmundsdóttir', 'thora.gudmundsdottir', 'Icelandic thorn and eth'],
			['Œdipe', 'Cœur', 'oedipe.coeur', 'oe ligature'],
			['İlker', 'Işık', 'ilker.isik', 'Turkish dotted and dotless i'],
			['Əli', 'Ǝzra', 'eli.ezra', 'schwa and turned e'],
			['Nguyễn', 'Văn Đức', 'nguyen.vanduc', 'Vietnamese stacked marks'],
			['ﬁona', 'Ｓｍｉｔｈ', 'fiona.smith', 'ligature and full-width forms (NFKD)'],
			['Ĳsbrand', 'Ŋuyen', 'ijsbrand.nguyen', 'ij digraph and eng'],
			['Mary Ann', 'Smith', 'maryann.smith', 'a space inside a name is dropped'],
			['Jean-Luc', 'Picard', 'jean-luc.picard', 'a hyphen inside a name is kept'],
			['Chloé', "D'Arcy-Smythe", 'chloe.darcy-smythe', 'apostrophe and hyphen'],
			['Anne--Marie', 'Le  Pen', 'anne-marie.lepen', 'repeated separators and spaces'],
			['J.R.R.', 'Tolkien', 'j.r.r.tolkien', 'dots inside the first name'],
			['.John.', '..Doe..', 'john.doe', 'leading and trailing dots'],
			['_John-', '-Doe_', 'john.doe', 'leading and trailing hyphens and underscores'],
			['A. - B', 'C', 'a.b.c', 'a run of separators with spaces collapses to its first'],
			['Cher', '', 'cher', 'first name only'],
			['', 'Madonna', 'madonna', 'last name only'],
			['Cher', undefined, 'cher', 'missing last name'],
			['', '', 'user', 'empty names fall back'],
			[undefined, undefined, 'user', 'missing names fall back'],
			['  ', "'", 'user', 'blank and punctuation only'],
			['Иван', 'Петров', 'user', 'Cyrillic folds to nothing'],
			['王', '伟', 'user', 'Han folds to nothing'],
			['محمد', 'Ali', 'ali', 'a mixed name keeps its Latin part'],
			['😀', 'Smile 😀', 'smile', 'emoji are dropped'],
			['👩‍👩‍👧', '🎉', 'user', 'emoji only'],
			['123', '456', '123.456', 'digits are kept'],
			['Louis', 'XIV', 'louis.xiv', 'plain ASCII'],
		];
		for (const [first, last, expected, why] of table) {
			it(`${JSON.stringify(first)} ${JSON.stringify(last)} -> ${expected} (${why})`, () => {
				expect(usernameBase(first, last)).to.equal(expected);
			});
		}

		it('cuts a very long name to the base limit without a trailing separator', () => {
			expect(usernameBase('A'.repeat(100), 'B'.repeat(100))).to.equal('a'.repeat(USERNAME_BASE_MAX_LENGTH));
			const joined = usernameBase('a'.repeat(USERNAME_BASE_MAX_LENGTH - 1), 'Smith');
			expect(joined).to.equal('a'.repeat(USERNAME_BASE_MAX_LENGTH - 1), 'the dot at position 56 is cut away');
			expect(
				usernameBase('Hubert Blaine', 'Wolfeschlegelsteinhausenbergerdorff-Welchevoralternwarengewissenhaft'),
			).to.have.length.at.most(USERNAME_BASE_MAX_LENGTH);
		});

		it('folds one part the same way', () => {
			expect(foldNamePart("  O'Brien-  ")).to.equal('obrien');
			expect(foldNamePart('Иван')).to.equal('');
		});

		it('always gives a valid base (property)', () => {
			fc.assert(
				fc.property(nameArb, nameArb, (first, last) => {
					const base = usernameBase(first, last);
					expect(base).to.match(VALID_USERNAME);
					expect(base.length).to.be.within(1, USERNAME_BASE_MAX_LENGTH);
					expect(isValidUsername(base, USERNAME_BASE_MAX_LENGTH)).to.equal(true);
					expect(normalizeUsernameBase(base)).to.equal(base, 'a base normalises to itself');
				}),
				{ numRuns: 500 },
			);
		});
	});

	describe('isValidUsername', () => {
		it('accepts what the rule produces and refuses the rest', () => {
			for (const ok of ['a', 'zoe.obrien', 'jean-luc.picard', 'a_b', 'user2', 'x'.repeat(64)])
				expect(isValidUsername(ok), ok).to.equal(true);
			for (const bad of ['', '.a', 'a.', '-a', 'a_', 'a..b', 'a.-b', 'Zoe', 'zoë', 'a b', 'x'.repeat(65)]) {
				expect(isValidUsername(bad), bad).to.equal(false);
			}
		});
	});

	describe('usernameCandidate', () => {
		it('appends 2, 3, ... and keeps within 64 characters', () => {
			expect([...usernameCandidates(b('zoe.obrien'), 3)]).to.deep.equal(['zoe.obrien', 'zoe.obrien2', 'zoe.obrien3']);
			const longest = b('x'.repeat(USERNAME_BASE_MAX_LENGTH));
			expect(usernameCandidate(longest, 99_999_999)).to.equal(`${longest}99999999`);
			expect(usernameCandidate(longest, 99_999_999)).to.have.length(USERNAME_MAX_LENGTH);
			const beyond = usernameCandidate(longest, 100_000_000);
			expect(beyond).to.equal(`${'x'.repeat(USERNAME_MAX_LENGTH - 9)}100000000`);
			expect(usernameCandidate(b(`${'x'.repeat(54)}.y`), 1_000_000_000)).to.equal(
				`${'x'.repeat(54)}1000000000`,
				'no dot left before the digits',
			);
		});
	});

	describe('UsernameAllocator', () => {
		it('hands out first.last, then first.last2, first.last3, ...', () => {
			const allocator = new UsernameAllocator();
			const base = usernameBase('Zoë', "O'Brien");
			expect([allocator.allocate(base), allocator.allocate(base), allocator.allocate(base)]).to.deep.equal([
				'zoe.obrien',
				'zoe.obrien2',
				'zoe.obrien3',
			]);
		});

		it('compares with existing usernames case-insensitively and skips taken suffixes', () => {
			const allocator = new UsernameAllocator(['John.Smith', 'JOHN.SMITH3', 'john.smith4']);
			expect([1, 2, 3].map(() => allocator.allocate(b('john.smith')))).to.deep.equal(['john.smith2', 'john.smith5', 'john.smith6']);
			expect(allocator.isTaken('John.Smith5')).to.equal(true);
			expect(allocator.stats).to.deep.equal({ allocated: 3, probes: 8 });
		});

		it('keeps bases that end in digits apart from suffixes', () => {
			const allocator = new UsernameAllocator();
			expect(['a', 'a2', 'a', 'a2', 'a'].map((x) => allocator.allocate(b(x)))).to.deep.equal(['a', 'a2', 'a3', 'a22', 'a4']);
		});

		it('falls back to user, user2, ... for names that fold to nothing', () => {
			const allocator = new UsernameAllocator(['user']);
			expect(allocator.allocate(usernameBase('Иван', 'Петров'))).to.equal('user2');
			expect(allocator.allocate(usernameBase('王', '伟'))).to.equal('user3');
		});

		it('never hands out the reserved mentions all and here', () => {
			const allocator = new UsernameAllocator();
			expect(allocator.allocate(usernameBase('All', ''))).to.equal('all2');
			expect(allocator.allocate(usernameBase('', 'HERE'))).to.equal('here2');
			expect(pickUsername(b('all'), () => false)).to.deep.equal({ ok: true, username: 'all2', attempts: 2 });
			expect(allocator.allocate(b('all.here'))).to.equal('all.here');
		});

		it('takes a base that did not come from usernameBase once normalised', () => {
			const allocator = new UsernameAllocator();
			expect(allocator.allocate(normalizeUsernameBase('Zoë.O’Brien'))).to.equal('zoe.obrien');
			// `user` is one of Rocket.Chat's system names: the fallback base starts at `user2`.
			expect(allocator.allocate(normalizeUsernameBase(''))).to.equal('user2');
			expect(allocator.allocate(normalizeUsernameBase('x'.repeat(200)))).to.equal('x'.repeat(USERNAME_BASE_MAX_LENGTH));
		});

		it('stays within 64 characters with long bases and many collisions', () => {
			const allocator = new UsernameAllocator();
			const base = usernameBase('A'.repeat(80), 'B');
			for (let i = 0; i < 1200; i++) {
				const name = allocator.allocate(base);
				expect(name.length).to.be.at.most(USERNAME_MAX_LENGTH);
			}
			expect(allocator.allocate(base)).to.equal(`${base}1201`);
		});

		it('is linear: work per person stays flat with thousands of people on one base', () => {
			const existing = Array.from({ length: 5000 }, (_, i) => usernameCandidate(b('maria.garcia'), 2 * i + 1));
			const allocator = new UsernameAllocator(existing);
			for (let i = 0; i < 20_000; i++) allocator.allocate(b('maria.garcia'));
			const { allocated, probes } = allocator.stats;
			expect(allocated).to.equal(20_000);
			expect(probes).to.be.at.most(2 * allocated + existing.length);
		});

		it('gives exactly what probing one by one gives: valid, unique, never taken, deterministic (property)', () => {
			fc.assert(
				fc.property(existingArb, fc.array(baseArb, { maxLength: 60 }), (existing, bases) => {
					const allocator = new UsernameAllocator(existing);
					const names = bases.map((base) => allocator.allocate(base));
					expect(names).to.deep.equal(naiveUsernames(bases, existing));
					const taken = new Set([...RESERVED_USERNAMES, ...existing.map((e) => e.toLowerCase())]);
					for (const name of names) {
						expect(name).to.match(VALID_USERNAME);
						expect(name.length).to.be.at.most(USERNAME_MAX_LENGTH);
						expect(taken.has(name), `${name} was taken`).to.equal(false);
						taken.add(name);
					}
					const again = new UsernameAllocator(existing);
					expect(bases.map((base) => again.allocate(base))).to.deep.equal(names);
				}),
				{ numRuns: 400 },
			);
		});
	});

	describe('pickUsername', () => {
		it('probes against a predicate, which receives lower-case names', () => {
			const asked: string[] = [];
			const taken = new Set(['zoe.obrien', 'zoe.obrien2']);
			const pick = pickUsername(b('zoe.obrien'), (name) => {
				asked.push(name);
				return taken.has(name);
			});
			expect(pick).to.deep.equal({ ok: true, username: 'zoe.obrien3', attempts: 3 });
			expect(asked).to.deep.equal(['zoe.obrien', 'zoe.obrien2', 'zoe.obrien3']);
			expect(pickUsername(normalizeUsernameBase('Zoë O’Brien'), () => false)).to.deep.equal({
				ok: true,
				username: 'zoeobrien',
				attempts: 1,
			});
		});

		it('gives up after maxAttempts with a typed result', () => {
			expect(pickUsername(b('a'), () => true, 5)).to.deep.equal({ ok: false, error: 'exhausted', attempts: 5 });
		});

		it('agrees with the allocator for one person (property)', () => {
			fc.assert(
				fc.property(existingArb, baseArb, (existing, base) => {
					const taken = new Set(existing.map((e) => e.toLowerCase()));
					const pick = pickUsername(base, (name) => taken.has(name));
					expect(pick.ok && RESERVED_USERNAMES.includes(pick.username)).to.equal(false);
					expect(pick.ok).to.equal(true);
					if (pick.ok) expect(pick.username).to.equal(new UsernameAllocator(existing).allocate(base));
				}),
				{ numRuns: 300 },
			);
		});
	});
});

describe('identity: e-mail addresses', () => {
	describe('parseEmail', () => {
		it('accepts ordinary addresses and keeps their casing', () => {
			const parsed = parseEmail('  Zoe.OBrien@Example.COM ');
			expect(parsed).to.deep.equal({
				ok: true,
				email: { local: 'Zoe.OBrien', domain: 'Example.COM', address: 'Zoe.OBrien@Example.COM', key: 'zoe.obrien@example.com' },
			});
			for (const ok of [
				'a@b.co',
				"o'brien@example.ie",
				'ann+school@x.org',
				'first_last-1@sub.domain.example',
				'x@xn--mller-kva.de',
				'!#$%&*+-/=?^_`{|}~@example.org',
				`${'l'.repeat(64)}@example.org`,
			]) {
				expect(parseEmail(ok).ok, ok).to.equal(true);
			}
		});

		it('refuses clearly invalid addresses with a typed error', () => {
			const cases: ReadonlyArray<readonly [string, string]> = [
				['', 'empty'],
				['   ', 'empty'],
				['plainaddress', 'missing-at'],
				['@example.org', 'invalid-local-part'],
				['.a@example.org', 'invalid-local-part'],
				['a.@example.org', 'invalid-local-part'],
				['a..b@example.org', 'invalid-local-part'],
				['a b@example.org', 'invalid-local-part'],
				['a@b@example.org', 'invalid-local-part'],
				['"quoted"@example.org', 'invalid-local-part'],
				['zoë@example.org', 'invalid-local-part'],
				['a@', 'invalid-domain'],
				['a@localhost', 'invalid-domain'],
				['a@example..org', 'invalid-domain'],
				['a@example.org.', 'invalid-domain'],
				['a@-example.org', 'invalid-domain'],
				['a@example-.org', 'invalid-domain'],
				['a@exa_mple.org', 'invalid-domain'],
				['a@192.168.0.1', 'invalid-domain'],
				['a@[192.168.0.1]', 'invalid-domain'],
				['a@müller.de', 'invalid-domain'],
				[`${'l'.repeat(65)}@example.org`, 'too-long'],
				[`a@${Array.from({ length: 5 }, () => 'd'.repeat(60)).join('.')}.org`, 'too-long'],
			];
			for (const [raw, error] of cases) expect(parseEmail(raw), raw).to.deep.equal({ ok: false, error });
		});

		it('never throws, and accepts what fast-check considers an e-mail address (property)', () => {
			fc.assert(
				fc.property(fc.string({ unit: 'binary', maxLength: 300 }), (raw) => {
					const parsed = parseEmail(raw);
					expect(parsed.ok === true || typeof parsed.error === 'string').to.equal(true);
				}),
				{ numRuns: 500 },
			);
			fc.assert(
				fc.property(fc.emailAddress(), (raw) => {
					expect(parseEmail(raw).ok, raw).to.equal(true);
				}),
				{ numRuns: 500 },
			);
		});
	});

	describe('taggedEmail and isEmailVariantOf', () => {
		it('appends +rcN after the local part, after an existing +tag', () => {
			const parsed = parseEmail('Ann@X.org');
			if (!parsed.ok) throw new Error('valid');
			expect(taggedEmail(parsed.email, 0)?.address).to.equal('Ann@X.org');
			expect(taggedEmail(parsed.email, 2)?.address).to.equal('Ann+rc2@X.org');
			const plus = parseEmail('ann+school@x.org');
			if (!plus.ok) throw new Error('valid');
			expect(taggedEmail(plus.email, 1)?.address).to.equal('ann+school+rc1@x.org');
		});

		it('refuses to tag when the local part would exceed 64 characters', () => {
			const parsed = parseEmail(`${'l'.repeat(60)}@x.org`);
			if (!parsed.ok) throw new Error('valid');
			expect(taggedEmail(parsed.email, 9)?.address).to.equal(`${'l'.repeat(60)}+rc9@x.org`);
			expect(taggedEmail(parsed.email, 10)).to.equal(null);
		});

		it('recognises the variants of an address', () => {
			expect(isEmailVariantOf('ANN+RC3@x.org', 'ann@X.ORG')).to.equal(true);
			expect(isEmailVariantOf('ann@x.org', 'Ann@x.org')).to.equal(true);
			expect(isEmailVariantOf('ann+school+rc1@x.org', 'ann+school@x.org')).to.equal(true);
			expect(isEmailVariantOf('ann+school+rc1@x.org', 'ann@x.org')).to.equal(false);
			expect(isEmailVariantOf('ann+rc0@x.org', 'ann@x.org')).to.equal(false);
			expect(isEmailVariantOf('ann+rc01@x.org', 'ann@x.org')).to.equal(false);
			expect(isEmailVariantOf('ann+rc@x.org', 'ann@x.org')).to.equal(false);
			expect(isEmailVariantOf('ann+rc1@y.org', 'ann@x.org')).to.equal(false);
			expect(isEmailVariantOf('bad', 'ann@x.org')).to.equal(false);
		});
	});

	describe('EmailAllocator', () => {
		it('keeps a free address, and tags one taken by a different account', () => {
			const allocator = new EmailAllocator(['ann@x.org']);
			expect(allocator.allocate('bob@x.org')).to.deep.equal({ ok: true, email: 'bob@x.org', tag: 0 });
			expect(allocator.allocate('Ann@X.org')).to.deep.equal({ ok: true, email: 'Ann+rc1@X.org', tag: 1 });
			expect(allocator.allocate('ann@x.org')).to.deep.equal({ ok: true, email: 'ann+rc2@x.org', tag: 2 });
			expect(allocator.isTaken('ANN+RC2@X.ORG')).to.equal(true);
		});

		it('skips variants that are already taken, case-insensitively', () => {
			const allocator = new EmailAllocator(['ann@x.org', 'ANN+RC1@x.org', 'ann+rc3@X.ORG']);
			expect([1, 2, 3].map(() => allocator.allocate('ann@x.org'))).to.deep.equal([
				{ ok: true, email: 'ann+rc2@x.org', tag: 2 },
				{ ok: true, email: 'ann+rc4@x.org', tag: 4 },
				{ ok: true, email: 'ann+rc5@x.org', tag: 5 },
			]);
		});

		it('keeps an existing +tag', () => {
			const allocator = new EmailAllocator(['ann+school@x.org']);
			expect(allocator.allocate('ann+school@x.org')).to.deep.equal({ ok: true, email: 'ann+school+rc1@x.org', tag: 1 });
		});

		it('returns typed errors for invalid addresses and untaggable ones', () => {
			const long = `${'l'.repeat(62)}@x.org`;
			const allocator = new EmailAllocator([long]);
			expect(allocator.allocate('not an address')).to.deep.equal({ ok: false, error: 'missing-at' });
			expect(allocator.allocate(long)).to.deep.equal({ ok: false, error: 'cannot-tag' });
		});

		it('leaves an owner the address or variant it already holds, and prefers the plain address', () => {
			const held: HeldEmail[] = [
				{ email: 'ann@x.org', owner: 'u-ann' },
				{ email: 'Ann+rc2@x.org', owner: 'u-other-ann' },
				{ email: 'ann+rc1@x.org', owner: 'u-third' },
			];
			const allocator = new EmailAllocator(held);
			expect(allocator.allocate('ANN@x.org', 'u-ann')).to.deep.equal({ ok: true, email: 'ANN@x.org', tag: 0 });
			expect(allocator.allocate('ann@x.org', 'u-other-ann')).to.deep.equal({ ok: true, email: 'Ann+rc2@x.org', tag: 2 });
			expect(allocator.allocate('ann@x.org', 'u-new')).to.deep.equal({ ok: true, email: 'ann+rc3@x.org', tag: 3 });
			expect(allocator.allocate('ann@x.org', 'u-new')).to.deep.equal({ ok: true, email: 'ann+rc3@x.org', tag: 3 }, 'idempotent');
			expect(allocator.allocate('ann@x.org')).to.deep.equal({ ok: true, email: 'ann+rc4@x.org', tag: 4 }, 'no owner: always new');

			const freed = new EmailAllocator([{ email: 'ann+rc1@x.org', owner: 'u-ann' }]);
			expect(freed.allocate('ann@x.org', 'u-ann')).to.deep.equal({ ok: true, email: 'ann@x.org', tag: 0 });
		});

		it('is linear: each taken variant is passed over once', () => {
			const existing = Array.from({ length: 3000 }, (_, i) => (i === 0 ? 'ann@x.org' : `ann+rc${2 * i}@x.org`));
			const allocator = new EmailAllocator(existing);
			for (let i = 0; i < 5000; i++) allocator.allocate('ann@x.org');
			const { allocated, probes } = allocator.stats;
			expect(allocated).to.equal(5000);
			expect(probes).to.be.at.most(2 * allocated + existing.length);
		});
	});

	describe('pickEmail', () => {
		it('asks the predicate with lower-case keys and tags on collision', () => {
			const asked: string[] = [];
			const pick = pickEmail('Ann@X.org', (key) => {
				asked.push(key);
				return key === 'ann@x.org';
			});
			expect(pick).to.deep.equal({ ok: true, email: 'Ann+rc1@X.org', tag: 1 });
			expect(asked).to.deep.equal(['ann@x.org', 'ann+rc1@x.org']);
		});

		it('returns typed errors', () => {
			expect(pickEmail('nope', () => false)).to.deep.equal({ ok: false, error: 'missing-at' });
			expect(pickEmail('a@x.org', () => true, 3)).to.deep.equal({ ok: false, error: 'exhausted' });
			expect(pickEmail(`${'l'.repeat(61)}@x.org`, () => true)).to.deep.equal({ ok: false, error: 'cannot-tag' });
		});
	});

	describe('properties', () => {
		const locals = ['ann', 'Ann', 'ann+rc1', 'ANN+RC2', 'ann+rc10', 'bob+school', 'Bob+School+rc1', 'zoe.obrien'];
		const domains = ['x.org', 'X.ORG', 'example.com'];
		const poolEmail = fc.tuple(fc.constantFrom(...locals), fc.constantFrom(...domains)).map(([l, d]) => `${l}@${d}`);
		const emailArb = fc.oneof({ weight: 4, arbitrary: poolEmail }, { weight: 1, arbitrary: fc.emailAddress() });
		const ownerArb = fc.option(fc.constantFrom('u1', 'u2', 'u3'), { nil: undefined });
		const heldArb = fc.array(
			fc.oneof(
				emailArb,
				fc.record({ email: emailArb, owner: fc.constantFrom('u1', 'u2', 'u3', 'u4') }),
				fc.string({ maxLength: 10 }),
			),
			{ maxLength: 25 },
		);

		it('without owners: gives exactly what probing one by one gives, all valid, unique, deterministic', () => {
			fc.assert(
				fc.property(heldArb, fc.array(emailArb, { maxLength: 40 }), (held, requests) => {
					const allocator = new EmailAllocator(held);
					const picks = requests.map((r) => allocator.allocate(r));
					const taken = new Set(held.map((h) => emailKey(typeof h === 'string' ? h : h.email)));
					const naive: EmailPick[] = requests.map((r) => {
						const pick = pickEmail(r, (key) => taken.has(key), Number.MAX_SAFE_INTEGER);
						if (pick.ok) taken.add(emailKey(pick.email));
						return pick;
					});
					expect(picks).to.deep.equal(naive);
					const seen = new Set(held.map((h) => emailKey(typeof h === 'string' ? h : h.email)));
					picks.forEach((pick, i) => {
						if (!pick.ok) {
							expect(pick.error).to.equal('cannot-tag');
							return;
						}
						expect(parseEmail(pick.email).ok).to.equal(true);
						expect(isEmailVariantOf(pick.email, requests[i])).to.equal(true);
						const key = emailKey(pick.email);
						expect(seen.has(key), `${pick.email} was taken`).to.equal(false);
						seen.add(key);
					});
					const again = new EmailAllocator(held);
					expect(requests.map((r) => again.allocate(r))).to.deep.equal(picks);
				}),
				{ numRuns: 400 },
			);
		});

		it('with owners: never hands out an address held by a different account, and is stable per owner', () => {
			fc.assert(
				fc.property(heldArb, fc.array(fc.tuple(emailArb, ownerArb), { maxLength: 40 }), (held, requests) => {
					const allocator = new EmailAllocator(held);
					/** key -> holder, as the requests go (null: no owner named). */
					const holder = new Map<string, string | null>();
					for (const h of held) {
						const key = emailKey(typeof h === 'string' ? h : h.email);
						if (!holder.has(key)) holder.set(key, typeof h === 'string' ? null : h.owner);
					}
					for (const [email, owner] of requests) {
						const pick = allocator.allocate(email, owner);
						if (!pick.ok) continue;
						expect(isEmailVariantOf(pick.email, email)).to.equal(true);
						const key = emailKey(pick.email);
						const current = holder.get(key);
						if (current !== undefined)
							expect(owner !== undefined && current === owner, `${pick.email} held by ${current}`).to.equal(true);
						else holder.set(key, owner ?? null);
						if (owner !== undefined) expect(allocator.allocate(email, owner)).to.deep.equal(pick, 'same owner, same answer');
					}
				}),
				{ numRuns: 400 },
			);
		});
	});
});
