// The extensionTestsPath module: @vscode/test-electron's contract is a `run()` whose promise settles when the tests
// are done, rejecting when any failed. It runs inside the workbench's extension host.
import { join } from 'node:path';
import type MochaClass from 'mocha';

// mocha 12 is an ES module; its CommonJS build is what a CommonJS test host can require on Node 20 and 24 alike.
// eslint-disable-next-line @typescript-eslint/no-require-imports -- see above: import() would load the ES module
const { Mocha } = require('mocha/lib/mocha.cjs') as { Mocha: typeof MochaClass };

export function run(): Promise<void> {
  const mocha = new Mocha({
    ui: 'tdd',
    color: false,
    timeout: 60_000,
    // The failure proof runs against a server that publishes nothing: stop at the first test it fails.
    bail: process.env.HELM_HOOKS_E2E_BAIL === '1',
  });
  mocha.addFile(join(__dirname, 'workbench.suite.js'));
  return new Promise((resolve, reject) => {
    mocha.run((failures) => (failures > 0 ? reject(new Error(`${failures} e2e test(s) failed`)) : resolve()));
  });
}
