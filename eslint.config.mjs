// ESLint 9 flat config: typescript-eslint with type information over every TypeScript file.
import js from '@eslint/js';
import { defineConfig, globalIgnores } from 'eslint/config';
import tseslint from 'typescript-eslint';

/** The app itself (what goes into the package). It logs through the app logger, never `console`. */
const APP_CODE = [
	'RocketIntegrationApp.ts',
	'settings/**/*.ts',
	'core/**/*.ts',
	'adapters/**/*.ts',
	'commands/**/*.ts',
	'handlers/**/*.ts',
	'endpoints/**/*.ts',
	'processors/**/*.ts',
	'features/**/*.ts',
	'ui/**/*.ts',
];

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
