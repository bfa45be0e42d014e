/**
 * The counted Rocket.Chat cases (rc-cases.json) and this suite stay in step: every counted case has
 * exactly one test here, with Rocket.Chat's describe path and title. `npm run fidelity` runs the suite
 * against `npm start` and reports how many of the counted cases pass.
 */
import { expect } from 'chai';
import type { Suite, Test } from 'mocha';

import table from './rc-cases.json';

const FAMILY_ROOTS = ['[Users]', '[Groups]', '[Channels]', '[Chat]', '[Commands]', 'miscellaneous', '[Roles]', '[Permissions]'];

function tests(suite: Suite): Test[] {
	return [...suite.tests, ...suite.suites.flatMap(tests)];
}

describe('fidelity: the counted Rocket.Chat cases', () => {
	it('has one test, with Rocket.Chat’s title, for every counted case', function () {
		let root = this.test?.parent as Suite;
		while (root.parent) root = root.parent;
		const loaded = new Set(root.suites.map((s) => s.title));
		if (!FAMILY_ROOTS.every((t) => loaded.has(t))) this.skip();
		const titles = tests(root).map((t) => t.fullTitle());
		const missing = table.cases
			.map((c) => [...c.path, c.title].join(' '))
			.filter((full) => titles.filter((t) => t === full).length !== 1);
		expect(missing, 'counted cases without exactly one test').to.deep.equal([]);
	});

	it('counts each case once, in a family that has its source', () => {
		const keys = table.cases.map((c) => `${c.family}|${[...c.path, c.title].join(' ')}`);
		expect(new Set(keys).size).to.equal(keys.length);
		for (const c of table.cases) expect(table.sources, c.family).to.have.property(c.family);
	});
});
