import type { InvalidFileCase } from '../../support/rule-tester';
import { ruleTester } from '../../support/rule-tester';

const NO_TAG = 'has no tag, so it means :latest';
const LATEST = 'uses the moving tag :latest';
const DIGEST = 'sha256:3fbc632167424a6d997e74f52b878d7cc478225cffac6bc977eedfe51c7f4e79';

/** A hook Pod: its init container's image on line 10, each container's on lines 13, 15, ...; values from column 14. */
function pod(images: string[], hook = 'test'): string {
  return [
    'apiVersion: v1',
    'kind: Pod',
    'metadata:',
    '  name: t',
    '  annotations:',
    `    helm.sh/hook: ${hook}`,
    'spec:',
    '  initContainers:',
    '    - name: wait',
    `      image: ${images[0]}`,
    '  containers:',
    ...images.slice(1).flatMap((image, index) => [`    - name: c${index}`, `      image: ${image}`]),
    '',
  ].join('\n');
}

/** A Pod hook whose one (init) container runs `image`: reported at the image on line 10, saying why. */
function unpinnedImage(image: string, problem: string): InvalidFileCase {
  return {
    name: `${image}: ${problem}`,
    code: pod([image]),
    errors: [
      {
        messageId: 'unpinned',
        data: { image, problem },
        line: 10,
        column: 14,
        endLine: 10,
        endColumn: 14 + image.length,
        severity: 'warning',
        help: [/Kubernetes pulls the image on every run/, /a rollback runs today's image/],
      },
    ],
  };
}

/** A pinned image, as Kubernetes reads references: a digest pins whatever the tag; a registry port is not a tag. */
const pinned = (image: string) => ({ name: `pinned: ${image}`, code: pod([image]) });

ruleTester.run('unpinned-hook-image', {
  valid: [
    pinned('busybox:1.36'),
    pinned('localhost:5000/tools/kubectl:1.30'),
    pinned(`busybox@${DIGEST}`),
    pinned(`busybox:latest@${DIGEST}`),
    {
      name: 'templated images',
      code: pod(['"{{ .Values.image.repository }}:{{ .Values.image.tag }}"', '{{ include "image" . }}']),
    },
    {
      name: 'a Pod that is not a hook',
      code: pod(['busybox', 'alpine']).replace(/  annotations:\n    helm\.sh\/hook: test\n/, ''),
    },
    { name: 'a templated hook annotation', code: pod(['busybox', 'alpine'], '{{ .Values.hookType }}') },
  ],
  invalid: [
    unpinnedImage('busybox', NO_TAG),
    unpinnedImage('docker.io/library/busybox:latest', LATEST),
    unpinnedImage('localhost:5000/tools/kubectl', NO_TAG),
    {
      name: 'untagged and :latest images of init containers and containers, at the image value',
      code: pod(['busybox', 'curlimages/curl:8.10.1', '"bitnami/kubectl:latest"']),
      errors: [
        { messageId: 'unpinned', data: { image: 'busybox', problem: NO_TAG }, line: 10, column: 14, endColumn: 21 },
        {
          messageId: 'unpinned',
          data: { image: 'bitnami/kubectl:latest', problem: LATEST },
          line: 15,
          column: 14,
          endColumn: 14 + '"bitnami/kubectl:latest"'.length,
        },
      ],
    },
    {
      name: "a Job's pod template",
      code: [
        'apiVersion: batch/v1',
        'kind: Job',
        'metadata:',
        '  name: j',
        '  annotations:',
        '    helm.sh/hook: pre-install',
        'spec:',
        '  template:',
        '    spec:',
        '      containers:',
        '        - name: a',
        '          image: alpine',
        '',
      ].join('\n'),
      errors: [{ messageId: 'unpinned', data: { image: 'alpine', problem: NO_TAG }, line: 12, column: 18 }],
    },
    {
      name: "a CronJob's job template",
      code: [
        'apiVersion: batch/v1',
        'kind: CronJob',
        'metadata:',
        '  name: j',
        '  annotations:',
        '    helm.sh/hook: post-install',
        'spec:',
        '  jobTemplate:',
        '    spec:',
        '      template:',
        '        spec:',
        '          containers:',
        '            - name: a',
        '              image: alpine:latest',
        '',
      ].join('\n'),
      errors: [{ messageId: 'unpinned', data: { image: 'alpine:latest', problem: LATEST }, line: 14, column: 22 }],
    },
  ],
});
