import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import { Setting } from '../../settings/settings';
import { README, renderReadme, renderSettingsReference } from '../../scripts/settings-doc';

const ROOT = join(__dirname, '..', '..');
const readme = readFileSync(README, 'utf8');
const appInfo = JSON.parse(readFileSync(join(ROOT, 'app.json'), 'utf8')) as {
	id: string;
	version: string;
	nameSlug: string;
	requiredApiVersion: string;
};

describe('README', () => {
	it('has the configuration reference generated from the settings (run `npx tsx scripts/settings-doc.ts` to update)', async () => {
		const expected = await renderReadme(readme);
		expect(readme === expected, 'README.md is out of date: run `npx tsx scripts/settings-doc.ts`').to.equal(true);
	});

	it('lists every setting in the configuration reference', () => {
		const reference = renderSettingsReference();
		for (const id of Object.values(Setting)) {
			expect(reference, id).to.contain(`\`${id}\``);
		}
	});

	it('gives the set-up-and-run and the test commands, and CI runs that test command', () => {
		expect(readme).to.contain('`npm ci && npm start`');
		expect(readme).to.contain('`npm test`');
		const ci = readFileSync(join(ROOT, '.ci', 'run'), 'utf8');
		expect(ci).to.match(/^npm test(\s|$)/m);
	});

	it('points to the OpenAPI description under the app id of app.json', () => {
		expect(readme).to.contain(`/api/apps/public/${appInfo.id}/openapi.json`);
	});

	it("names the supported Rocket.Chat releases and app.json's engine range in the install section", () => {
		const install = readme.slice(readme.indexOf('## Installing in Rocket.Chat'), readme.indexOf('\n1. '));
		expect(install).to.contain(`\`requiredApiVersion: ${appInfo.requiredApiVersion}\``);
		expect(install).to.contain(`Apps-Engine is ${appInfo.requiredApiVersion.replace(/^\^/, '')} or a newer 1.x`);
		expect(install).to.match(/Rocket\.Chat \d+\.\d+ or newer/);
	});

	it('names the package the packaging step produces', () => {
		expect(readme).to.contain(`dist/${appInfo.nameSlug}_${appInfo.version}.zip`);
	});
});
