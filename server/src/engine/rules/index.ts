import { unknownHookEvent } from './unknown-hook-event';
import { duplicateHookEvent } from './duplicate-hook-event';
import { unquotedHookWeight } from './unquoted-hook-weight';
import { invalidHookWeight } from './invalid-hook-weight';
import { unknownDeletePolicy } from './unknown-delete-policy';
import { duplicateDeletePolicy } from './duplicate-delete-policy';
import { unknownOutputLogPolicy } from './unknown-output-log-policy';
import { nonStringAnnotation } from './non-string-annotation';
import { unknownHelmAnnotation } from './unknown-helm-annotation';
import { orphanHookAnnotation } from './orphan-hook-annotation';
import { misplacedHookAnnotation } from './misplaced-hook-annotation';
import { unclosedTemplateAction } from './unclosed-template-action';
import { invalidYaml } from './invalid-yaml';
import { Rule } from './rule';

/** Every rule, in the order of DESIGN.md's tables; the README's rule table is generated from this list. */
export const ALL_RULES: readonly Rule[] = [
  unknownHookEvent,
  duplicateHookEvent,
  unquotedHookWeight,
  invalidHookWeight,
  unknownDeletePolicy,
  duplicateDeletePolicy,
  unknownOutputLogPolicy,
  nonStringAnnotation,
  unknownHelmAnnotation,
  orphanHookAnnotation,
  misplacedHookAnnotation,
  unclosedTemplateAction,
  invalidYaml,
];

export function ruleById(id: string): Rule | undefined {
  return ALL_RULES.find((rule) => rule.id === id);
}
