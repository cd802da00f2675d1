import { configMapWith, ruleTester } from '../../support/rule-tester';

/** A pre-install hook ConfigMap named `name` (line 4, name from column 9). */
function hookNamed(name: string, events = 'pre-install'): string {
  return configMapWith([`helm.sh/hook: ${events}`], name);
}

ruleTester.run('hook-fixed-name', {
  valid: [
    ...[
      '{{ .Release.Name }}-migrate',
      '{{ include "app.fullname" . }}-migrate',
      '"{{ template "app.name" . }}"',
      'migrate-{{ .Values.suffix }}',
    ].map((name) => ({ name: `a name built with a template action: ${name}`, code: hookNamed(name) })),
    { name: 'a fixed name on a resource that is not a hook', code: configMapWith(['example.com/a: b'], 'fixed') },
    {
      name: "a CRD hook: its name is fixed by its group and plural (crd-hook's)",
      code: hookNamed('a.b').replace('kind: ConfigMap', 'kind: CustomResourceDefinition'),
    },
    { name: 'a hook whose events are templated', code: hookNamed('fixed', '{{ .Values.hook }}') },
  ],
  invalid: [
    {
      name: 'a literal hook name, at metadata.name, with the release-built name as help',
      code: hookNamed('migrate-config'),
      errors: [
        {
          messageId: 'fixedName',
          data: { subject: 'this ConfigMap', name: 'migrate-config' },
          line: 4,
          column: 9,
          endLine: 4,
          endColumn: 9 + 'migrate-config'.length,
          severity: 'info',
          help: [
            /^Build the name from the release, e\.g\. \{\{ include "<chart>\.fullname" \. \}\}-migrate-config\./,
            /before-hook-creation deletes it/,
            /"already exists"/,
            /helm uninstall never cleans up hook objects/,
          ],
        },
      ],
    },
    {
      name: 'a quoted literal name, pointed at with its quotes',
      code: hookNamed('"migrate"'),
      errors: [
        { messageId: 'fixedName', data: { name: 'migrate' }, line: 4, column: 9, endColumn: 9 + '"migrate"'.length },
      ],
    },
  ],
});
