import { defineRule } from './rule';

export const duplicateHookEvent = defineRule({
  id: 'duplicate-hook-event',
  defaultSeverity: 'warning',
  summary: 'The same event twice in `helm.sh/hook`: the hook runs twice.',
  fixable: false,
  docs: { description: '', helmFact: '', bad: '', good: '' },
  check() {},
});
