// ESLint 9 flat config: typescript-eslint with type information over every TypeScript file.
import js from '@eslint/js';
import { defineConfig, globalIgnores } from 'eslint/config';
import tseslint from 'typescript-eslint';

import { appCodeGlobs } from './scripts/app-sources.mjs';

/** The app itself (what goes into the package, scripts/app-sources.json). It logs through the app logger, never `console`. */
const APP_CODE = appCodeGlobs();

/**
 * The layers of the app and the arrows between them (docs/architecture.md): each top-level folder may
 * import only the folders it lists. An import that points any other way is a lint error.
 * `deny` narrows an allowed folder: the shell and the views reach persistence only through a feature.
 */
const LAYERS = {
	core: { may: ['core'], why: 'core/ is pure: it imports core/ and pure libraries only (no Apps-Engine code, not even enums)' },
	contract: { may: ['contract', 'core'], why: 'contract/ holds the external schemas and validators; it builds on core/ only' },
	adapters: { may: ['adapters', 'core', 'contract'], why: 'adapters/ are building blocks: they never call features, views or the shell' },
	settings: { may: ['settings', 'core'], why: 'settings/ declares the settings over the ids in core/settingIds.ts' },
	features: {
		may: ['features', 'adapters', 'core', 'contract'],
		why: 'features/ read and write through adapters/; they never call views or the shell',
	},
	ui: {
		may: ['ui', 'features', 'adapters', 'core', 'contract'],
		deny: ['adapters/persistence', 'adapters/lease'],
		why: 'ui/ views call features, never a repository or the shell',
	},
	commands: { may: ['commands', 'ui', 'features', 'adapters', 'core', 'contract'], deny: ['adapters/persistence', 'adapters/lease'] },
	handlers: { may: ['handlers', 'ui', 'features', 'adapters', 'core', 'contract'], deny: ['adapters/persistence', 'adapters/lease'] },
	endpoints: { may: ['endpoints', 'features', 'adapters', 'core', 'contract'], deny: ['adapters/persistence', 'adapters/lease'] },
	processors: { may: ['processors', 'features', 'adapters', 'core'], deny: ['adapters/persistence', 'adapters/lease'] },
	'RocketIntegrationApp.ts': {
		may: ['commands', 'handlers', 'endpoints', 'processors', 'settings', 'features', 'adapters', 'core'],
		deny: ['adapters/persistence', 'adapters/lease'],
	},
};
const SHELL_WHY =
	'the shell (App class, commands, handlers, endpoints, processors) calls features; never a repository, nor another shell folder';
/** Folders deep below a layer that the rules cover (a file deeper than this is not checked). */
const MAX_DEPTH = 6;

const escapeRe = (text) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** `no-restricted-imports` for one layer: a relative import that climbs to the repository root must name an allowed folder. */
function layerRules(layer, { may, deny = [], why = SHELL_WHY }) {
	const depths = layer.endsWith('.ts') ? [0] : Array.from({ length: MAX_DEPTH }, (_, i) => i + 1);
	return depths.map((depth) => {
		const toRoot = depth === 0 ? '\\./' : `(\\.\\./){${depth}}`;
		const allowed = may.map(escapeRe).join('|');
		const patterns = [
			{ regex: `^${toRoot}(?!(${allowed})(/|$))`, message: `Wrong-way import: ${why}.` },
			...deny.map((d) => ({ regex: `^${toRoot}${escapeRe(d)}(/|$)`, message: `Wrong-way import: ${why}.` })),
		];
		if (layer === 'core') patterns.push({ group: ['@rocket.chat/*'], message: `Wrong-way import: ${why}.` });
		return {
			files: [depth === 0 ? layer : `${layer}/${'*/'.repeat(depth - 1)}*.ts`],
			rules: { 'no-restricted-imports': ['error', { patterns }] },
		};
	});
}

/** Node.js globals for the plain JavaScript tooling (scripts/*.mjs). */
const NODE_GLOBALS = Object.fromEntries(
	[
		'process',
		'console',
		'Buffer',
		'URL',
		'URLSearchParams',
		'AbortController',
		'AbortSignal',
		'TextEncoder',
		'TextDecoder',
		'fetch',
		'structuredClone',
		'setTimeout',
		'clearTimeout',
		'setInterval',
		'clearInterval',
		'setImmediate',
		'clearImmediate',
		'queueMicrotask',
	].map((name) => [name, 'readonly']),
);

export default defineConfig(
	globalIgnores(['node_modules/', 'dist/', '.build/', '.sandbox/', 'coverage/', 'sandbox/engines/deno-shims/']),

	js.configs.recommended,

	// TypeScript: type-aware rules, using tsconfig.json through the project service.
	{
		files: ['**/*.ts'],
		extends: [tseslint.configs.recommendedTypeChecked],
		languageOptions: {
			parserOptions: {
				projectService: true,
				tsconfigRootDir: import.meta.dirname,
			},
		},
		rules: {
			// An unawaited promise in a handler is a lost error.
			'@typescript-eslint/no-floating-promises': 'error',
			'@typescript-eslint/no-misused-promises': 'error',
			'@typescript-eslint/await-thenable': 'error',
			'@typescript-eslint/return-await': ['error', 'in-try-catch'],
			'@typescript-eslint/switch-exhaustiveness-check': ['error', { considerDefaultExhaustiveForUnions: true }],
			'@typescript-eslint/consistent-type-imports': 'off',
			// Apps-Engine interfaces require async methods that often have nothing to await.
			'@typescript-eslint/require-await': 'off',
			'@typescript-eslint/no-unused-vars': [
				'error',
				{ argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrorsIgnorePattern: '^_', ignoreRestSiblings: true },
			],
			eqeqeq: ['error', 'always', { null: 'ignore' }],
			'no-var': 'error',
			'prefer-const': 'error',
		},
	},

	// The app: logs go through the app logger.
	{
		files: APP_CODE,
		rules: {
			'no-console': 'error',
		},
	},

	// The layers: every arrow of docs/architecture.md, as a lint rule.
	...Object.entries(LAYERS).flatMap(([layer, rule]) => layerRules(layer, rule)),

	// Tests: chai's property assertions (`expect(x).to.be.true`) are expressions.
	{
		files: ['test/**/*.ts'],
		rules: {
			'@typescript-eslint/no-unused-expressions': 'off',
		},
	},

	// Plain JavaScript tooling (scripts/*.mjs, this file): Node.js, ES modules, no type information.
	{
		files: ['**/*.{js,mjs,cjs}'],
		extends: [tseslint.configs.disableTypeChecked],
		languageOptions: {
			ecmaVersion: 2022,
			sourceType: 'module',
			globals: NODE_GLOBALS,
		},
	},
);
