import { expect } from 'chai';

import { judge, Target } from '../../bench/harness';

const ratioAtMost: Target = { on: 'ratio', direction: '<=', full: 0.1, smoke: 0.2 };
const throughput: Target = { on: 'value', direction: '>=', full: 1000, smoke: 500 };

describe('benchmark verdicts (bench/harness.ts)', () => {
	it('passes a ratio under its target and fails one over it, with the target of the size that ran', () => {
		expect(judge({ target: ratioAtMost }, { value: 5, baseline: 100 }, false)).to.deep.equal({
			ratio: 0.05,
			target: { on: 'ratio', direction: '<=', value: 0.1 },
			pass: true,
		});
		const miss = judge({ target: ratioAtMost }, { value: 15, baseline: 100 }, false);
		expect(miss.pass).to.equal(false);
		expect(miss.failure).to.equal('ratio 0.15 misses the target <= 0.1');
		expect(judge({ target: ratioAtMost }, { value: 15, baseline: 100 }, true).pass, 'smoke target 0.2').to.equal(true);
	});

	it('judges the value itself for a constant target, in either direction', () => {
		expect(judge({ target: throughput }, { value: 1200, baseline: null }, false).pass).to.equal(true);
		expect(judge({ target: throughput }, { value: 800, baseline: null }, false).failure).to.equal(
			'value 800 misses the target >= 1000',
		);
		expect(judge({ target: throughput }, { value: 800, baseline: 20000 }, true)).to.include({ pass: true, ratio: 0.04 });
		const atMost: Target = { on: 'value', direction: '<=', full: 2, smoke: 2 };
		expect(judge({ target: atMost }, { value: 2, baseline: null }, false).pass, 'the target itself passes').to.equal(true);
		expect(judge({ target: atMost }, { value: 2.01, baseline: null }, false).pass).to.equal(false);
	});

	it('fails a ratio without a baseline, a NaN, and any false check, naming them', () => {
		expect(judge({ target: ratioAtMost }, { value: 1, baseline: null }, false).failure).to.equal('no ratio to compare (baseline null)');
		expect(judge({ target: ratioAtMost }, { value: 1, baseline: 0 }, false).pass).to.equal(false);
		expect(judge({ target: throughput }, { value: NaN, baseline: null }, false).pass).to.equal(false);
		const checked = judge(
			{ target: ratioAtMost },
			{ value: 1, baseline: 100, checks: { agrees: true, unique: false, flat: false } },
			false,
		);
		expect(checked.pass).to.equal(false);
		expect(checked.failure).to.equal('check failed: unique, flat');
	});
});
