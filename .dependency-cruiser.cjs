// The layers of ../shared/ARCHITECTURE.md, kept by a check (`npm run lint:deps`, part of
// `npm test`): imports point downward only, no cycles, and the domain is pure.
//
//   main.ts, cli.ts, cli/      entry points
//   app.ts, app/               composition root (and the composition of the routine and reports)
//   http/                      the bot's one HTTP server: its routes
//   platforms/, web/           adapters (Slack, Teams, console, e-mail) and the status page
//   conversation/              the command table, parse → Command, execute → Reply
//   scheduler/                 fires due reminders into delivery jobs
//   services/                  use cases
//   jobs/                      the job queue, its runner, the chat outbox (services enqueue in their transactions)
//   store/                     Prisma, migrations
//   domain/                    pure rules
//   config/                    the contract as data, the environment
//   i18n/, observability/,     texts, logs and metrics, and the HTTP server machinery
//   http/server.ts             (router, body limits) that adapters mount on: used from every layer
const LAYERS = [
  ['entry', '^src/(main|cli)\\.ts$|^src/cli/'],
  ['app', '^src/app(\\.ts$|/)'],
  ['http', '^src/http/(?!server\\.ts$)'],
  ['adapters', '^src/(platforms|web)/'],
  ['conversation', '^src/conversation/'],
  ['scheduler', '^src/scheduler/'],
  ['services', '^src/services/'],
  ['jobs', '^src/jobs/'],
  ['store', '^src/store/'],
  ['domain', '^src/domain/'],
  ['config', '^src/config/'],
];

// A layer may import at run time only the layers below it (i18n, observability and the generated
// Prisma client serve all). Type-only imports may name a port above (the App an adapter is given).
const forbidden = LAYERS.map(([name, path], i) => ({
  name: `layer-${name}`,
  comment: `${name} imports only layers below it (ARCHITECTURE.md)`,
  severity: 'error',
  from: { path },
  to: {
    path: LAYERS.slice(0, i + (name === 'adapters' ? 0 : 1)).filter(([n]) => n !== name).map(([, p]) => `(${p})`).join('|') || '^$',
    // A type naming the port an adapter plugs into (the App it is given, the server it mounts on) is not a runtime dependency.
    dependencyTypesNot: ['type-only'],
  },
}));

module.exports = {
  forbidden: [
    ...forbidden,
    {
      name: 'no-circular',
      comment: 'No cycles between modules.',
      severity: 'error',
      from: { path: '^src/' },
      to: { circular: true, viaOnly: { dependencyTypesNot: ['type-only'] } },
    },
    {
      name: 'domain-is-pure',
      comment: 'domain/ has no I/O: no node: modules, no store, services, platforms or i18n.',
      severity: 'error',
      from: { path: '^src/domain/' },
      to: { path: '^src/(store|services|platforms|conversation|jobs|scheduler|http|web|cli|i18n|observability)/|^src/(app|main|cli)\\.ts$', dependencyTypesNot: ['type-only'] },
    },
    {
      name: 'domain-no-node-io',
      comment: 'domain/ imports no node: I/O module (types only are fine).',
      severity: 'error',
      from: { path: '^src/domain/' },
      to: { dependencyTypes: ['core'], dependencyTypesNot: ['type-only'] },
    },
    {
      name: 'platforms-apart',
      comment: 'A platform adapter does not import another platform.',
      severity: 'error',
      from: { path: '^src/platforms/([^/]+)/' },
      to: { path: '^src/platforms/', pathNot: '^src/platforms/$1/' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '^src/generated/' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { exportsFields: ['exports'], conditionNames: ['import', 'require', 'node', 'default'], extensions: ['.ts', '.js'] },
    moduleSystems: ['es6'],
  },
};
