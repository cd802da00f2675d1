import { defineRule } from './rule';

export const orphanHookAnnotation = defineRule({
  id: 'orphan-hook-annotation',
  defaultSeverity: 'warning',
  summary: 'Hook weight or policy on a resource without `helm.sh/hook`: Helm ignores it.',
  fixable: false,
  docs: { description: '', helmFact: '', bad: '', good: '' },
  check() {},
});
