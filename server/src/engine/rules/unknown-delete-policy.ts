import { defineRule } from './rule';

export const unknownDeletePolicy = defineRule({
  id: 'unknown-delete-policy',
  defaultSeverity: 'error',
  summary: 'An item of `helm.sh/hook-delete-policy` Helm does not know: it still turns off the default.',
  fixable: false,
  docs: { description: '', helmFact: '', bad: '', good: '' },
  check() {},
});
