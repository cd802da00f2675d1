import { defineRule } from './rule';

export const duplicateDeletePolicy = defineRule({
  id: 'duplicate-delete-policy',
  defaultSeverity: 'info',
  summary: 'The same delete policy twice.',
  fixable: false,
  docs: { description: '', helmFact: '', bad: '', good: '' },
  check() {},
});
