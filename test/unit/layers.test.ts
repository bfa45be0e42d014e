import { expect } from 'chai';
import { ESLint } from 'eslint';
import { readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import tseslint from 'typescript-eslint';

const ROOT = join(__dirname, '..', '..');

/**
 * The project's own ESLint config (eslint.config.mjs, with its layer rules), without the type-aware rules:
 * a fixture is linted as if it stood at a path of the app, where no tsconfig program knows it.
 */
function projectLinter(): ESLint {
	return new ESLint({ cwd: ROOT, overrideConfig: [{ files: ['**/*.ts'], ...tseslint.configs.disableTypeChecked }] });
}

/** The wrong-way imports that lint must refuse: one fixture per arrow of docs/architecture.md. */
const WRONG_WAY: ReadonlyArray<{ as: string; from: string; why: string }> = [
	{ as: 'core/sync/fixture.ts', from: '../../adapters/persistence/PeopleRepository', why: 'core -> adapters' },
	{ as: 'core/fixture.ts', from: '../settings/settings', why: 'core -> settings (Apps-Engine code through setting ids)' },
	{ as: 'core/fixture.ts', from: '@rocket.chat/apps-engine/definition/settings/SettingType', why: 'core -> Apps-Engine' },
	{ as: 'core/chatbot/fixture.ts', from: '../../features/chatbot/texts', why: 'core -> features' },
	{ as: 'contract/fixture.ts', from: '../endpoints/frontDoor', why: 'contract -> endpoints' },
	{ as: 'adapters/persistence/fixture.ts', from: '../../features/sync/SyncRunner', why: 'adapters -> features' },
	{ as: 'features/sync/fixture.ts', from: '../../endpoints/frontDoor', why: 'features -> endpoints (the feed and the validator)' },
	{ as: 'features/chatbot/fixture.ts', from: '../../ui/triggersModal', why: 'features -> ui' },
	{ as: 'features/history/fixture.ts', from: '../../handlers/registry', why: 'features -> handlers' },
	{ as: 'ui/fixture.ts', from: '../commands/integration/sync', why: 'ui -> commands' },
	{ as: 'ui/fixture.ts', from: '../adapters/persistence/TriggerSetRepository', why: 'ui -> a repository' },
	{ as: 'handlers/fixture.ts', from: '../commands/integration/sync', why: 'handlers -> commands' },
	{ as: 'commands/fixture.ts', from: '../handlers/UiInteractionHandler', why: 'commands -> handlers' },
	{ as: 'commands/integration/fixture.ts', from: '../../adapters/persistence/LogRepository', why: 'commands -> a repository' },
	{ as: 'endpoints/fixture.ts', from: '../adapters/persistence/PeopleRepository', why: 'endpoints -> a repository' },
	{ as: 'handlers/fixture.ts', from: '../adapters/persistence/OutboxRepository', why: 'handlers -> a repository' },
	{ as: 'processors/fixture.ts', from: '../adapters/lease', why: 'processors -> the lease (a job takes it in its feature)' },
	{ as: 'RocketIntegrationApp.ts', from: './adapters/persistence/SyncStateRepository', why: 'App class -> a repository' },
	{ as: 'core/fixture.ts', from: '../../outside', why: 'out of the repository' },
];

/** The same layers pointing the right way: the rules refuse the arrows above, not imports as such. */
const RIGHT_WAY: ReadonlyArray<{ as: string; from: string }> = [
	{ as: 'core/fixture.ts', from: './settingIds' },
	{ as: 'core/sync/fixture.ts', from: '../identity/email' },
	{ as: 'core/chatbot/fixture.ts', from: 're2js' },
	{ as: 'contract/fixture.ts', from: './schemas' },
	{ as: 'adapters/persistence/fixture.ts', from: '../../core/sync/types' },
	{ as: 'features/sync/fixture.ts', from: '../../contract/validate' },
	{ as: 'features/sync/fixture.ts', from: '../../adapters/persistence/SyncStateRepository' },
	{ as: 'features/history/fixture.ts', from: '../accounts/people' },
	{ as: 'ui/fixture.ts', from: '../features/chatbot/triggerSet' },
	{ as: 'handlers/fixture.ts', from: '../ui/routes' },
	{ as: 'commands/integration/fixture.ts', from: '../../features/admin/log' },
	{ as: 'endpoints/fixture.ts', from: '../contract/schemas' },
	{ as: 'processors/fixture.ts', from: '../features/sync/schedule' },
	{ as: 'RocketIntegrationApp.ts', from: './features/sync/schedule' },
];

const fixture = (from: string) => `import * as imported from '${from}';\n\nexport const used = imported;\n`;

async function restrictedImports(eslint: ESLint, as: string, from: string): Promise<string[]> {
	const [result] = await eslint.lintText(fixture(from), { filePath: join(ROOT, as) });
	const fatal = result.messages.filter((m) => m.fatal);
	expect(
		fatal.map((m) => m.message),
		`${as} must parse`,
	).to.deep.equal([]);
	return result.messages.filter((m) => m.ruleId === 'no-restricted-imports').map((m) => m.message);
}

/** Every TypeScript file below a folder, as a path from the repository root. */
function tsFiles(dir: string): string[] {
	return readdirSync(join(ROOT, dir)).flatMap((name) => {
		const path = join(dir, name);
		if (statSync(join(ROOT, path)).isDirectory()) return tsFiles(path);
		return name.endsWith('.ts') ? [path] : [];
	});
}

describe('layers (eslint.config.mjs)', function () {
	this.timeout(60_000);
	let eslint: ESLint;

	before(() => {
		eslint = projectLinter();
	});

	for (const { as, from, why } of WRONG_WAY) {
		it(`refuses ${why}: ${from} in ${as}`, async () => {
			const messages = await restrictedImports(eslint, as, from);
			expect(messages, 'ESLint must fail on this import').to.have.length(1);
			expect(messages[0]).to.contain('Wrong-way import');
		});
	}

	for (const { as, from } of RIGHT_WAY) {
		it(`allows ${from} in ${as}`, async () => {
			expect(await restrictedImports(eslint, as, from)).to.deep.equal([]);
		});
	}

	it('the ESLint command fails on a wrong-way import', async () => {
		const [result] = await eslint.lintText(fixture('../../adapters/persistence/PeopleRepository'), {
			filePath: join(ROOT, 'core/sync/fixture.ts'),
		});
		expect(result.errorCount).to.be.greaterThan(0);
		const formatter = await eslint.loadFormatter('stylish');
		expect(await formatter.format([result])).to.contain('no-restricted-imports');
	});

	it('the app itself imports only the right way', async () => {
		const files = ['RocketIntegrationApp.ts', ...['core', 'contract', 'adapters', 'features', 'ui', 'settings'].flatMap(tsFiles)];
		for (const shell of ['commands', 'handlers', 'endpoints', 'processors']) files.push(...tsFiles(shell));
		expect(files.length).to.be.greaterThan(100);
		const results = await eslint.lintFiles(files.map((f) => join(ROOT, f)));
		const wrong = results.flatMap((r) =>
			r.messages
				.filter((m) => m.ruleId === 'no-restricted-imports')
				.map((m) => `${relative(ROOT, r.filePath)}:${m.line} ${m.message}`),
		);
		expect(wrong).to.deep.equal([]);
	});
});
