/**
 * The layer rules of docs/architecture.md, checked by `npm run lint:deps` (in .ci/run, before
 * the tests). A layer may import only the layers below it:
 *
 *   utils ← errors ← storage ← services ← login-methods ← flows ← oidc ← http
 *
 * container/ (the only place that constructs), cli/, config/ and the entry points sit on top.
 * Only storage/ may import Kysely. Connectors import only the connector kit; the kit only the
 * contracts; the contracts nothing of ours.
 */
const SRC = '^apps/server/src/';
const layer = (name) => `${SRC}${name}/`;
const ABOVE = {
  utils: ['errors', 'storage', 'services', 'login-methods', 'flows', 'oidc', 'http', 'container', 'cli', 'config'],
  errors: ['storage', 'services', 'login-methods', 'flows', 'oidc', 'http', 'container', 'cli'],
  storage: ['services', 'login-methods', 'flows', 'oidc', 'http', 'container', 'cli'],
  services: ['login-methods', 'flows', 'oidc', 'http', 'container', 'cli'],
  'login-methods': ['flows', 'oidc', 'http', 'container', 'cli'],
  flows: ['oidc', 'http', 'container', 'cli'],
  oidc: ['http', 'container', 'cli'],
};

module.exports = {
  forbidden: [
    ...Object.entries(ABOVE).map(([from, above]) => ({
      name: `${from}-imports-upward`,
      comment: `${from}/ may not import ${above.join(', ')} (docs/architecture.md, "Layers")`,
      severity: 'error',
      from: { path: layer(from) },
      to: { path: `${SRC}(${above.join('|')})/` },
    })),
    {
      name: 'http-constructs',
      comment: 'http/ may use the container only as a type (app.gh); only container/ constructs',
      severity: 'error',
      from: { path: layer('http') },
      to: { path: `${SRC}(container|cli)/`, dependencyTypesNot: ['type-only'] },
    },
    {
      name: 'sql-outside-storage',
      comment: 'only storage/ (repositories, db, kv) imports Kysely; container/ may name its types to wire repositories',
      severity: 'error',
      from: { path: SRC, pathNot: `${SRC}(storage|container)/` },
      to: { path: '^node_modules/kysely/' },
    },
    {
      name: 'connectors-import-only-the-kit',
      comment: 'a connector imports the connector kit and npm packages, nothing of the server',
      severity: 'error',
      from: { path: '^packages/connectors/src/' },
      to: { path: '^(apps/|packages/contracts/)' },
    },
    {
      name: 'kit-imports-only-contracts',
      severity: 'error',
      from: { path: '^packages/connector-kit/src/' },
      to: { path: '^(apps/|packages/connectors/)' },
    },
    {
      name: 'contracts-is-a-leaf',
      severity: 'error',
      from: { path: '^packages/contracts/src/' },
      to: { path: '^(apps/|packages/(connectors|connector-kit)/)' },
    },
    {
      name: 'no-server-from-packages',
      severity: 'error',
      from: { path: '^packages/' },
      to: { path: '^apps/' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '(^|/)test/|\\.test\\.ts$' },
    parser: 'swc',
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.base.json' },
    enhancedResolveOptions: { exportsFields: ['exports'], conditionNames: ['import', 'require', 'node', 'default'], extensions: ['.ts', '.js'] },
    reporterOptions: { text: { highlightFocused: true } },
  },
};
