// The lint that guards the layers (run by `npm test`, see scripts/lint.mjs):
// - src/core never imports `vscode` as a value (type imports only): it runs in plain Node and the CLI;
// - no import cycles anywhere under src/ (a cycle hides a layering mistake and breaks lazy loading);
// - no floating promises in src/ (an unhandled rejection in the extension host is a lost error);
// - src/core/sessions and src/core/sso never import each other (shared pieces live in src/core).
import importX, { createNodeResolver } from 'eslint-plugin-import-x';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/**', 'out/**', '.cache/**', 'node_modules/**', 'test/**', 'bench/**', 'scripts/**', '*.mjs'] },
  {
    files: ['src/**/*.ts'],
    languageOptions: {
      parser: tseslint.parser,
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    plugins: { '@typescript-eslint': tseslint.plugin, 'import-x': importX },
    settings: {
      'import-x/resolver-next': [createNodeResolver({ extensions: ['.ts', '.js', '.json'] })],
      'import-x/extensions': ['.ts', '.js'],
      'import-x/parsers': { '@typescript-eslint/parser': ['.ts'] },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': ['error', { checksVoidReturn: false }],
      'import-x/no-cycle': ['error', { ignoreExternal: true }],
      'import-x/no-restricted-paths': [
        'error',
        {
          zones: [
            { target: './src/core/sessions', from: './src/core/sso', message: 'Session types do not import the IAM Identity Center service: put shared pieces in src/core.' },
            { target: './src/core/sso', from: './src/core/sessions', message: 'The IAM Identity Center service does not import session types: put shared pieces in src/core.' },
          ],
        },
      ],
    },
  },
  {
    files: ['src/core/**/*.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        { paths: [{ name: 'vscode', message: 'src/core is plain TypeScript: import vscode types only (import type).', allowTypeImports: true }] },
      ],
      'no-restricted-syntax': [
        'error',
        { selector: "CallExpression[callee.name='require'][arguments.0.value='vscode']", message: 'src/core must not require vscode.' },
        { selector: "ImportExpression[source.value='vscode']", message: 'src/core must not import vscode.' },
      ],
    },
  },
);
