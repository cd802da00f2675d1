import { defineRule } from './rule';

export const unknownHelmAnnotation = defineRule({
  id: 'unknown-helm-annotation',
  defaultSeverity: 'warning',
  summary: 'A `helm.sh/` annotation key Helm does not read.',
  fixable: false,
  docs: { description: '', helmFact: '', bad: '', good: '' },
  check() {},
});
