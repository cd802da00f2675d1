import { defineRule } from './rule';

export const invalidHookWeight = defineRule({
  id: 'invalid-hook-weight',
  defaultSeverity: 'error',
  summary: 'A hook weight `strconv.Atoi` rejects: Helm silently uses 0.',
  fixable: false,
  docs: { description: '', helmFact: '', bad: '', good: '' },
  check() {},
});
