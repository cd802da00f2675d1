'use strict';
// A language server that starts, answers the lifecycle requests and otherwise says nothing: no diagnostics, no
// completions, no code actions. The failure proof puts it in place of the installed dist/server.js, so the e2e
// suite must fail. Plain Node over the node-ipc transport that vscode-languageclient uses, with no dependencies,
// because the installed extension has no node_modules.
process.on('message', (message) => {
  if (message === null || typeof message !== 'object' || message.jsonrpc !== '2.0') return;
  if (message.method === 'exit') process.exit(0);
  if (message.id === undefined || message.method === undefined) return;
  const result = message.method === 'initialize' ? { capabilities: {}, serverInfo: { name: 'silent-stand-in' } } : null;
  process.send({ jsonrpc: '2.0', id: message.id, result });
});
