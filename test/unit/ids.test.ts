import { expect } from 'chai';

import { newId, newReference, randomChars } from '../../adapters/ids';
import { asError, describeError } from '../../core/errors';

describe('ids (adapters/ids.ts)', () => {
	it('sort by creation time, whatever the random part', () => {
		const times = [0, 1, 35, 36, 1_700_000_000_000, 1_700_000_000_001, 4_102_444_800_000];
		const ids = times.map((t, i) => newId('', t, () => (i % 2 === 0 ? 0.99 : 0.01)));
		expect([...ids].sort()).to.deep.equal(ids);
	});

	it('are the prefix, nine time digits, a dash and eight random characters', () => {
		expect(newId('t-', 1_700_000_000_000)).to.match(/^t-[0-9a-z]{9}-[0-9a-z]{8}$/);
		expect(newReference()).to.match(/^log-[0-9a-z]{9}-[0-9a-z]{8}$/);
		expect(newReference('req')).to.match(/^req-/);
	});

	it('differ when made in the same millisecond', () => {
		const ids = new Set(Array.from({ length: 10_000 }, () => newId('', 1_700_000_000_000)));
		expect(ids.size).to.equal(10_000);
	});

	it('take their random part from the given source, even one that answers 0', () => {
		expect(randomChars(8, () => 0)).to.equal('00000000');
		const draws = [0.5, 0.25];
		// 0.5, 0.25, then 0.125 again and again, in base 36: 0.i, 0.9, 0.4i, 0.4i...
		expect(newId('', 0, () => draws.shift() ?? 0.125)).to.equal('000000000-i94i4i4i');
	});
});

describe('describeError (core/errors.ts)', () => {
	it('says what went wrong, whatever was thrown', () => {
		expect(describeError(new TypeError('bad type'))).to.equal('bad type');
		expect(describeError({ message: 'from the bridge' })).to.equal('from the bridge');
		expect(describeError('plain text')).to.equal('plain text');
		expect(describeError(42)).to.equal('42');
		expect(describeError(undefined)).to.equal('undefined');
	});

	it('keeps an Error as it is and wraps anything else', () => {
		const err = new RangeError('out of range');
		expect(asError(err)).to.equal(err);
		const wrapped = asError({ message: 'from the bridge' });
		expect(wrapped).to.be.instanceOf(Error);
		expect(wrapped.message).to.equal('from the bridge');
	});
});
