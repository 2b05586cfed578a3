// A small rule set on purpose: things that are bugs or dead code, not style (Prettier owns style).
import svelte from 'eslint-plugin-svelte';
import globals from 'globals';
import tseslint from 'typescript-eslint';

const rules = {
	// Dead code: an unused import, variable or parameter (a leading _ says "unused on purpose").
	'@typescript-eslint/no-unused-vars': [
		'error',
		{ argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' }
	],
	// A promise nobody awaits or catches loses its error: write `void` where that is the intent.
	'@typescript-eslint/no-floating-promises': 'error',
	// `any` turns the strict type check off for everything it touches.
	'@typescript-eslint/no-explicit-any': 'error'
};

export default tseslint.config(
	{ ignores: ['build/', '.svelte-kit/', 'node_modules/', 'test-results/', 'playwright-report/', 'client/static/'] },
	...svelte.configs['flat/base'],
	{
		files: ['**/*.ts', '**/*.svelte'],
		languageOptions: {
			globals: { ...globals.browser, ...globals.node },
			parserOptions: {
				// Svelte files and runes modules (*.svelte.ts) go through svelte-eslint-parser first.
				parser: tseslint.parser,
				projectService: { allowDefaultProject: ['client/service-worker.ts'] },
				extraFileExtensions: ['.svelte'],
				tsconfigRootDir: import.meta.dirname
			}
		},
		plugins: { '@typescript-eslint': tseslint.plugin },
		rules
	},
	{ files: ['**/*.ts'], ignores: ['**/*.svelte.ts'], languageOptions: { parser: tseslint.parser } },
	{
		// Config files and the PGlite worker are plain JavaScript outside the TypeScript project.
		files: ['**/*.js', '**/*.mjs'],
		languageOptions: { globals: { ...globals.node } },
		plugins: { '@typescript-eslint': tseslint.plugin },
		rules: { '@typescript-eslint/no-unused-vars': rules['@typescript-eslint/no-unused-vars'] }
	}
);
