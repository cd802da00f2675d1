import { defineRule } from './rule';

export const nonStringAnnotation = defineRule({
  id: 'non-string-annotation',
  defaultSeverity: 'error',
  summary: 'An annotation value Kubernetes decodes as a number, bool, list or map: the object is rejected.',
  fixable: false,
  docs: { description: '', helmFact: '', bad: '', good: '' },
  check() {},
});
