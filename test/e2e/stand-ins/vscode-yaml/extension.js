'use strict';
const path = require('node:path');
const { LanguageClient, TransportKind } = require('vscode-languageclient/node');

let client;

exports.activate = async function activate() {
  const module = path.join(__dirname, 'server.js');
  client = new LanguageClient(
    'yamlStandIn',
    'YAML stand-in',
    { run: { module, transport: TransportKind.ipc }, debug: { module, transport: TransportKind.ipc } },
    // The real vscode-yaml 1.21+ lists YAML language ids only; a `helm` document is never sent to its server.
    { documentSelector: [{ language: 'yaml' }] },
  );
  await client.start();
};

exports.deactivate = function deactivate() {
  return client ? client.stop() : undefined;
};
