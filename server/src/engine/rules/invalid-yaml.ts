import { defineRule } from './rule';

export const invalidYaml = defineRule({
  id: 'invalid-yaml',
  defaultSeverity: 'warning',
  summary: 'The template is not valid YAML once its actions are set aside, so its hooks cannot be checked.',
  fixable: false,
  docs: { description: '', helmFact: '', bad: '', good: '' },
  check() {},
});
