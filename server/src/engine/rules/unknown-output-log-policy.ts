import { defineRule } from './rule';

export const unknownOutputLogPolicy = defineRule({
  id: 'unknown-output-log-policy',
  defaultSeverity: 'error',
  summary: 'An item of `helm.sh/hook-output-log-policy` Helm does not know.',
  fixable: false,
  docs: { description: '', helmFact: '', bad: '', good: '' },
  check() {},
});
