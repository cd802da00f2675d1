'use strict';
const {
  createConnection,
  ProposedFeatures,
  TextDocuments,
  TextDocumentSyncKind,
  DiagnosticSeverity,
} = require('vscode-languageserver/node');
const { TextDocument } = require('vscode-languageserver-textdocument');

const connection = createConnection(ProposedFeatures.all);
const documents = new TextDocuments(TextDocument);

connection.onInitialize(() => ({
  capabilities: { textDocumentSync: TextDocumentSyncKind.Incremental },
  serverInfo: { name: 'yaml-stand-in' },
}));

function validate(document) {
  const text = document.getText();
  const diagnostics = [];
  for (let at = text.indexOf('{{'); at !== -1; at = text.indexOf('{{', at + 2)) {
    diagnostics.push({
      range: { start: document.positionAt(at), end: document.positionAt(at + 2) },
      severity: DiagnosticSeverity.Error,
      source: 'yaml-stand-in',
      message:
        'Flow mapping in block collection must be sufficiently indented (stand-in for a YAML server reading a Helm template)',
    });
  }
  connection.sendDiagnostics({ uri: document.uri, diagnostics });
}

documents.onDidOpen((event) => validate(event.document));
documents.onDidChangeContent((event) => validate(event.document));
documents.listen(connection);
connection.listen();
