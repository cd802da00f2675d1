import { defineRule } from './rule';

export const unclosedTemplateAction = defineRule({
  id: 'unclosed-template-action',
  defaultSeverity: 'error',
  summary: 'A template action `{{` without its closing `}}`: Helm cannot render the file.',
  fixable: false,
  docs: { description: '', helmFact: '', bad: '', good: '' },
  check() {},
});
