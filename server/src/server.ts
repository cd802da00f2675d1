import { basename } from 'node:path';
import type { InitializeResult } from 'vscode-languageserver/node';
import {
  CodeActionKind,
  CodeLensRefreshRequest,
  createConnection,
  DidChangeConfigurationNotification,
  DidChangeWatchedFilesNotification,
  DocumentDiagnosticReportKind,
  FileChangeType,
  ProposedFeatures,
  TextDocuments,
  TextDocumentSyncKind,
} from 'vscode-languageserver/node';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { CONFIG_FILE_NAME } from './engine/core/config';
import { RuleDocs, shippedRulesDoc } from './engine/rules/docs';
import { codeActions, CODE_ACTION_KINDS } from './features/codeActions';
import { codeLenses } from './features/codeLens';
import { completion, COMPLETION_TRIGGERS } from './features/completion';
import { Configuration } from './features/configuration';
import type { ServerContext } from './features/context';
import { guard } from './features/context';
import type { DiagnosticReports } from './features/diagnosticReports';
import { PublishedDiagnostics, PulledDiagnostics } from './features/diagnosticReports';
import { DiagnosticsScheduler } from './features/diagnostics';
import { ChartEvaluator } from './features/evaluation';
import { hookOrder, HookOrders } from './features/hookOrder';
import { hover } from './features/hover';
import { uriToPath, Workspace } from './features/workspace';
import type { HelmHooksInitializationOptions, HookOrderParams, HookOrderResult } from './protocol';
import { HOOK_ORDER_METHOD } from './protocol';

declare const HELM_HOOKS_VERSION: string;
const VERSION = typeof HELM_HOOKS_VERSION === 'string' ? HELM_HOOKS_VERSION : 'dev';
const DEFAULT_DEBOUNCE_MS = 200;

// createConnection reads --stdio, --node-ipc or --socket=N from the command line.
const connection = createConnection(ProposedFeatures.all);
const documents = new TextDocuments(TextDocument);
const workspace = new Workspace(documents);
let canPullConfiguration = false;
let canRegisterConfiguration = false;
let canRegisterWatchers = false;
let verbose = false;

// The client shows info and error messages in the "Helm Hooks" output channel at their level.
const log = (message: string) => connection.console.info(message);
const error = (message: string) => connection.console.error(message);
const configuration = new Configuration(
  connection,
  () => canPullConfiguration,
  (message) => log(`[config] ${message}`),
);
const context: ServerContext = {
  connection,
  documents,
  workspace,
  configuration,
  capabilities: { codeLensRefresh: false, relatedInformation: false, codeDescription: false },
  ruleDocs: RuleDocs.read(shippedRulesDoc(__dirname)),
  log,
  error,
  trace: (message) => {
    if (verbose) log(`[trace] ${message}`);
  },
};
let diagnostics: DiagnosticsScheduler | undefined;
let pulled: PulledDiagnostics | undefined;
let evaluator: ChartEvaluator | undefined;
let orders: HookOrders | undefined;

const refreshCodeLenses = () => {
  if (context.capabilities.codeLensRefresh)
    void connection.sendRequest(CodeLensRefreshRequest.type).catch(() => undefined);
};

connection.onInitialize((params): InitializeResult => {
  const capabilities = params.capabilities;
  canPullConfiguration = capabilities.workspace?.configuration === true;
  canRegisterConfiguration = capabilities.workspace?.didChangeConfiguration?.dynamicRegistration === true;
  canRegisterWatchers = capabilities.workspace?.didChangeWatchedFiles?.dynamicRegistration === true;
  // A client that can pull diagnostics (LSP 3.17) pulls them all; the others get them published. What a pulled
  // diagnostic may hold is declared with the pull capability since LSP 3.18, before only with publishDiagnostics.
  const pull = capabilities.textDocument?.diagnostic;
  const publish = capabilities.textDocument?.publishDiagnostics;
  context.capabilities = {
    codeLensRefresh: capabilities.workspace?.codeLens?.refreshSupport === true,
    relatedInformation: (pull?.relatedInformation ?? publish?.relatedInformation) === true,
    codeDescription: (pull?.codeDescriptionSupport ?? publish?.codeDescriptionSupport) === true,
  };
  pulled = pull
    ? new PulledDiagnostics(connection, documents, capabilities.workspace?.diagnostics?.refreshSupport === true, log)
    : undefined;
  const reports: DiagnosticReports = pulled ?? new PublishedDiagnostics(connection, log);
  const options = (params.initializationOptions ?? {}) as HelmHooksInitializationOptions;
  const debounce =
    typeof options.debounceMs === 'number' && options.debounceMs >= 0 ? options.debounceMs : DEFAULT_DEBOUNCE_MS;
  evaluator = options.evaluate === false ? undefined : ChartEvaluator.beside(__dirname, { info: log, error });
  const hookOrders = new HookOrders(context, evaluator, refreshCodeLenses);
  orders = hookOrders;
  diagnostics = new DiagnosticsScheduler(
    context,
    debounce,
    (chart) => hookOrders.chartChanged(chart),
    reports,
    evaluator,
  );
  return {
    capabilities: {
      textDocumentSync: { openClose: true, change: TextDocumentSyncKind.Incremental },
      completionProvider: { triggerCharacters: COMPLETION_TRIGGERS },
      hoverProvider: true,
      codeActionProvider: { codeActionKinds: [...CODE_ACTION_KINDS, CodeActionKind.SourceFixAll] },
      codeLensProvider: { resolveProvider: false },
      ...(pulled ? { diagnosticProvider: { interFileDependencies: true, workspaceDiagnostics: true } } : {}),
    },
    serverInfo: { name: 'helm-hooks', version: VERSION },
  };
});

connection.onInitialized(() => {
  logStart();
  if (canRegisterConfiguration)
    void connection.client
      .register(DidChangeConfigurationNotification.type, { section: 'helmHooks' })
      .catch(() => undefined);
  if (canRegisterWatchers) {
    void connection.client
      .register(DidChangeWatchedFilesNotification.type, {
        watchers: [
          { globPattern: '**/templates/**/*.{yaml,yml,tpl}' },
          { globPattern: `**/${CONFIG_FILE_NAME}` },
          { globPattern: '**/Chart.yaml' },
          { globPattern: '**/values.yaml' },
          { globPattern: '**/.helmignore' },
        ],
      })
      .catch(() => undefined);
  }
  void guard(context, 'settings', undefined, applyTrace);
});

/** What a bug report needs first: which server runs, on which Node, and whether charts are evaluated. */
function logStart(): void {
  const why = evaluator ? evaluator.unavailable : 'the client turned it off';
  log(
    `Helm Hooks language server ${VERSION} started (Node ${process.version}); ${why === undefined ? 'charts are evaluated on a worker thread' : `chart evaluation is off: ${why}`}`,
  );
  if (context.ruleDocs.path === undefined)
    error(`No rule docs at ${shippedRulesDoc(__dirname)}: diagnostics carry no rule link`);
}

/** `helmHooks.trace.server: verbose` also turns on the server's own timing log. */
async function applyTrace(): Promise<void> {
  const settings = await configuration.settingsFor('');
  verbose = settings.trace.server === 'verbose';
}

documents.onDidOpen((event) => diagnostics?.documentOpened(event.document.uri));
// Fires on open as well as on every change.
documents.onDidChangeContent((event) => diagnostics?.documentChanged(event.document.uri));
documents.onDidClose((event) => {
  const path = uriToPath(event.document.uri);
  diagnostics?.documentClosed(event.document.uri);
  if (path === undefined) return;
  workspace.documentClosed(path);
  orders?.documentClosed(path);
  const chart = workspace.chartOf(path) ?? workspace.chartOfValues(path);
  // The chart now reads this file from disk, which may differ from the buffer that was closed.
  if (chart) diagnostics?.schedule(chart);
});

connection.onDidChangeConfiguration((params) => {
  configuration.settingsChanged(params.settings);
  workspace.configurationChanged();
  void guard(context, 'settings', undefined, applyTrace);
  diagnostics?.scheduleAll();
  refreshCodeLenses();
});

connection.onDidChangeWatchedFiles((params) => {
  let configChanged = false;
  for (const change of params.changes) {
    const path = uriToPath(change.uri);
    if (path === undefined) continue;
    if (basename(path) === CONFIG_FILE_NAME || basename(path) === 'Chart.yaml' || basename(path) === '.helmignore') {
      diagnostics?.fileChanged(
        path,
        workspace.fileChanged(path, change.type === FileChangeType.Created, change.type === FileChangeType.Deleted),
      );
      configChanged = true;
      continue;
    }
    const chart = workspace.fileChanged(
      path,
      change.type === FileChangeType.Created,
      change.type === FileChangeType.Deleted,
    );
    diagnostics?.fileChanged(path, chart);
    if (chart) diagnostics?.schedule(chart);
  }
  if (configChanged) {
    configuration.configFileChanged();
    workspace.configurationChanged();
    diagnostics?.scheduleAll();
  }
});

connection.onShutdown(() => {
  pulled?.dispose();
  workspace.dispose();
  return evaluator?.dispose();
});

connection.onCompletion((params, token) =>
  guard(context, 'completion', [], () => (orders ? completion(context, orders, params, token) : [])),
);
connection.onHover((params, token) => {
  const scheduler = diagnostics;
  return guard(context, 'hover', null, () =>
    orders && scheduler ? hover(context, orders, params, token, (uri) => scheduler.findingsOf(uri)) : null,
  );
});
connection.onCodeAction((params) => guard(context, 'code actions', [], () => codeActions(context, params)));
connection.languages.diagnostics.on((params, token) => {
  const uri = params.textDocument.uri;
  const unopened = () => diagnostics?.diagnosticsOfUnopened(uri) ?? Promise.resolve([]);
  return guard(context, 'document diagnostics', [], () => pulled?.documentDiagnostics(uri, token, unopened) ?? []).then(
    (items) => ({ kind: DocumentDiagnosticReportKind.Full, items }),
  );
});
connection.languages.diagnostics.onWorkspace((params, token, _workDone, resultProgress) =>
  guard(
    context,
    'workspace diagnostics',
    { items: [] },
    () => pulled?.workspaceDiagnostics(params, token, resultProgress) ?? { items: [] },
  ),
);
connection.onCodeLens((params, token) =>
  guard(context, 'code lens', [], () => (orders ? codeLenses(context, orders, params, token) : [])),
);
connection.onRequest(HOOK_ORDER_METHOD, (params: HookOrderParams, token) => {
  const none: HookOrderResult = { chart: null, order: null, view: null };
  return guard(context, 'hook order', none, () => (orders ? hookOrder(context, orders, params, token) : none));
});

process.on('uncaughtException', (exception) => error(`Uncaught exception: ${exception.stack ?? exception.message}`));
process.on('unhandledRejection', (reason) =>
  error(`Unhandled rejection: ${reason instanceof Error ? (reason.stack ?? reason.message) : String(reason)}`),
);

documents.listen(connection);
connection.listen();
