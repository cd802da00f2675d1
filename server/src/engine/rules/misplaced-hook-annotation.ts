import { defineRule } from './rule';

export const misplacedHookAnnotation = defineRule({
  id: 'misplaced-hook-annotation',
  defaultSeverity: 'error',
  summary: "Hook annotations under labels or a pod template instead of the object's own annotations: the object is not a hook.",
  fixable: false,
  docs: { description: '', helmFact: '', bad: '', good: '' },
  check() {},
});
