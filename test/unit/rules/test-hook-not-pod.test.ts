import type { InvalidFileCase } from '../../support/rule-tester';
import { configMapWith, ruleTester } from '../../support/rule-tester';

/** A ConfigMap hooked on `events`: one finding at the helm.sh/hook value (line 6, from column 19). */
function configMapHookedOn(events: string, name: string, help: RegExp[] = []): InvalidFileCase {
  return {
    name,
    code: configMapWith([`helm.sh/hook: ${events}`]),
    errors: [
      {
        messageId: 'notPod',
        data: { subject: 'this ConfigMap' },
        line: 6,
        column: 19,
        endLine: 6,
        endColumn: 19 + events.length,
        severity: 'info',
        help,
      },
    ],
  };
}

ruleTester.run('test-hook-not-pod', {
  valid: [
    { name: 'a Pod test hook', code: configMapWith(['helm.sh/hook: test']).replace('kind: ConfigMap', 'kind: Pod') },
    { name: 'a ConfigMap hooked on another event', code: configMapWith(['helm.sh/hook: post-install']) },
    {
      name: 'templated events',
      code: configMapWith(['helm.sh/hook: {{ .Values.testFramework.hookType | default "test" }}']),
    },
    {
      name: 'a templated kind',
      code: configMapWith(['helm.sh/hook: test']).replace('kind: ConfigMap', 'kind: {{ .Values.kind }}'),
    },
  ],
  invalid: [
    configMapHookedOn('test', 'a ConfigMap hooked on test, at its helm.sh/hook value', [
      /helm test --logs reads the pod logs of every test hook by its name/,
      /unable to get pod logs for …: pods "…" not found/,
    ]),
    configMapHookedOn('Test-Success', 'test-success, the alias of test, in any case'),
    configMapHookedOn('"pre-install, test"', 'test inside a list of events'),
  ],
});
