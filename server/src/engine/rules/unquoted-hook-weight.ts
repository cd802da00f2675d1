import { defineRule } from './rule';

export const unquotedHookWeight = defineRule({
  id: 'unquoted-hook-weight',
  defaultSeverity: 'error',
  summary: 'A hook weight Kubernetes decodes as a number: the object is rejected at install.',
  fixable: false,
  docs: { description: '', helmFact: '', bad: '', good: '' },
  check() {},
});
