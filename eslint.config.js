import tseslint from 'typescript-eslint';

/**
 * Architecture boundaries (docs/architecture.md, "Boundaries"). Each block names the layer it
 * guards; a violation fails `npm run lint` and so `npm run check` and CI.
 */
const ioModules = [
  'fs',
  'fs/promises',
  'net',
  'http',
  'https',
  'child_process',
  'worker_threads',
  'dgram',
  'tls',
  'readline',
  'stream',
].flatMap((m) => [m, `node:${m}`]);
const sqlModules = ['drizzle-orm', 'pg', '@electric-sql/pglite'];
/** Another domain's repository: `../<domain>/repository.ts` from any depth below server/. */
const foreignRepository = {
  regex: String.raw`^(\.\./)+[^./][^/]*/repository(\.ts)?$`,
  message: "another domain's repository: call that domain's service (docs/architecture.md).",
};
const boundaries = [
  {
    name: 'boundaries/stats-pure',
    files: ['server/stats/**/*.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          paths: [...ioModules, ...sqlModules].map((name) => ({
            name,
            message: 'server/stats/ is pure: no I/O (docs/architecture.md).',
          })),
          patterns: [
            {
              regex: String.raw`^\.\./`,
              message: 'server/stats/ is pure: it imports only its own files and @stdlib.',
            },
          ],
        },
      ],
    },
  },
  {
    name: 'boundaries/shared-neutral',
    files: ['shared/**/*.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          paths: [...ioModules, ...sqlModules],
          patterns: [
            {
              regex: String.raw`^\.\./(server|client)/`,
              message: 'shared/ is imported by server and client; it imports neither.',
            },
          ],
        },
      ],
    },
  },
  {
    name: 'boundaries/client-no-server',
    files: ['client/**/*.ts', 'client/**/*.tsx'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          paths: sqlModules,
          patterns: [
            {
              regex: String.raw`(^|/)server/`,
              message: 'the client talks to the server over HTTP only; share types via shared/.',
            },
          ],
        },
      ],
    },
  },
  {
    name: 'boundaries/no-sql-above-repositories',
    files: ['server/*/routes.ts', 'server/*/service.ts', 'server/cli/**/*.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          paths: sqlModules.map((name) => ({
            name,
            message: 'routes and services hold no SQL: put the query in the repository.',
            allowTypeImports: true,
          })),
          patterns: [
            { ...foreignRepository },
            {
              regex: String.raw`/db/schema(/|$)`,
              message: 'routes and services hold no SQL: tables are used in repositories only.',
              allowTypeImports: true,
            },
            {
              regex: String.raw`/db/client(\.ts)?$`,
              importNames: ['queryRows', 'sqlList'],
              message: 'routes and services hold no SQL: put the query in the repository.',
            },
            {
              regex: String.raw`^drizzle-orm/`,
              message: 'routes and services hold no SQL: put the query in the repository.',
              allowTypeImports: true,
            },
          ],
        },
      ],
    },
  },
  {
    // `import()` escapes no-restricted-imports: the same rule for another domain's repository.
    name: 'boundaries/no-dynamic-foreign-repository',
    files: ['server/**/*.ts'],
    rules: {
      'no-restricted-syntax': [
        'error',
        {
          selector: `ImportExpression[source.value=/${foreignRepository.regex.replaceAll('/', '\\/')}/]`,
          message: foreignRepository.message,
        },
      ],
    },
  },
  {
    name: 'boundaries/repositories',
    files: ['server/**/*.ts'],
    ignores: ['server/*/routes.ts', 'server/*/service.ts', 'server/cli/**/*.ts', 'server/stats/**'],
    rules: {
      '@typescript-eslint/no-restricted-imports': ['error', { patterns: [foreignRepository] }],
    },
  },
  {
    name: 'boundaries/repositories-no-http',
    files: ['server/**/repository.ts', 'server/readmodel/**/*.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          paths: ['fastify'],
          patterns: [
            { regex: String.raw`^@fastify/`, message: 'repositories hold no HTTP.' },
            foreignRepository,
          ],
        },
      ],
    },
  },
];

export default tseslint.config(
  {
    ignores: [
      'dist/',
      'node_modules/',
      'migrations/',
      'bin/',
      'test/e2e/artifacts/',
      'coverage/',
      '.tmp/',
    ],
  },
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts', '**/*.tsx'],
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_' },
      ],
    },
  },
  {
    files: ['server/**/*.ts'],
    rules: { 'no-console': 'error' },
  },
  ...boundaries,
);
