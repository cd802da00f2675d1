import type { InvalidFileCase } from '../../support/rule-tester';
import { ruleTester } from '../../support/rule-tester';

/**
 * A hook Job whose single container has these lines, indented under `- name: c` from column 11: the first of them is
 * line 14. Its name is literal, so the tester also lints each case as Helm renders it.
 */
function job(containerLines: string[], hook = 'post-upgrade'): string {
  return [
    'apiVersion: batch/v1',
    'kind: Job',
    'metadata:',
    '  name: notify',
    '  annotations:',
    `    helm.sh/hook: ${hook}`,
    'spec:',
    '  template:',
    '    spec:',
    '      restartPolicy: Never',
    '      containers:',
    '        - name: c',
    '          image: curl:8',
    ...containerLines.map((line) => `          ${line}`),
    '',
  ].join('\n');
}

/** An env list of one variable: `value:` on line 16, its value at column 22. */
function env(name: string, value: string): string[] {
  return ['env:', `  - name: ${name}`, `    value: ${value}`];
}

/** env() with the value read from a Secret instead, as the suggestion writes it. */
function envFromSecret(name: string, key: string): string[] {
  return [
    'env:',
    `  - name: ${name}`,
    '    valueFrom:',
    '      secretKeyRef:',
    '        name: {{ .Release.Name }}-hook-secrets',
    `        key: ${key}`,
  ];
}

/** Where Helm keeps a hook's manifest, and so the secret: the release record that helm get hooks prints. */
const STORED = /in the release record, where helm get hooks shows it/;

/** A literal env value of a secret-like name: reported at the value, with the secretKeyRef stub as a suggestion. */
function secretEnvCase(name: string, key: string): InvalidFileCase {
  return {
    name: `a literal ${name}: read from a Secret with key ${key}, never by --fix`,
    code: job(env(name, 'x1y2z3')),
    errors: [
      {
        messageId: 'inEnvVar',
        data: { name, what: 'a literal value' },
        line: 16,
        column: 22,
        endColumn: 28,
      },
    ],
    output: null,
    suggestions: [{ output: job(envFromSecret(name, key)) }],
  };
}

/** A webhook URL as the only argument: reported at the item (line 15, from column 15), without a fix. */
function webhookArgCase(url: string): InvalidFileCase {
  return {
    name: `a webhook URL in args: ${url}`,
    code: job(['args:', `  - ${url}`]),
    errors: [
      {
        messageId: 'inField',
        data: { field: 'args', what: 'a webhook URL' },
        line: 15,
        column: 15,
        endColumn: 15 + url.length,
      },
    ],
  };
}

ruleTester.run('inline-secret-in-hook', {
  valid: [
    ...(
      [
        ['DB_PASSWORD_FILE', 'x1y2z3'],
        ['TOKEN_PATH', 'abc'],
        ['DB_PASSWORD', '/run/secrets/db'],
        ['DB_PASSWORD', '""'],
        ['API_TOKEN', '$(TOKEN_FROM_SECRET)'],
        ['USE_SERVICE_ACCOUNT_TOKEN', '"true"'],
        ['DB_PASSWORD', '{{ .Values.password | quote }}'],
        ['DB_USER', 'admin'],
      ] as const
    ).map(([name, value]) => ({
      name: `a file, path, flag, reference, empty or templated value, or no secret name: ${name}=${value}`,
      code: job(env(name, value)),
    })),
    { name: 'the value read from a Secret, as the suggestion writes it', code: job(envFromSecret('DB_PASSWORD', 'x')) },
    ...[
      'ssh://git@github.com/org/repo',
      'postgres://app:$(DB_PASSWORD)@db/app',
      'https://hooks.slack.com',
      '"{{ .Values.webhookUrl }}"',
      'https://user:{{ .Values.pw }}@host/',
    ].map((arg) => ({
      name: `a URL without a password, with a $(VAR) password, or templated: ${arg}`,
      code: job(['args:', `  - ${arg}`]),
    })),
    {
      name: 'a workload that is not a hook',
      code: job(env('DB_PASSWORD', 'hunter2')).replace('  annotations:\n    helm.sh/hook: post-upgrade\n', ''),
    },
  ],
  invalid: [
    {
      name: 'a literal *_PASSWORD env value, at the value, with an unsafe secretKeyRef stub',
      code: job(env('DB_PASSWORD', 'hunter2')),
      errors: [
        {
          messageId: 'inEnvVar',
          data: { name: 'DB_PASSWORD', what: 'a literal value' },
          line: 16,
          column: 22,
          endLine: 16,
          endColumn: 29,
          severity: 'warning',
          help: [/^Read it from a Secret with valueFrom\.secretKeyRef\./, STORED],
        },
      ],
      output: null,
      suggestions: [
        {
          title: 'Read DB_PASSWORD from a Secret (create {{ .Release.Name }}-hook-secrets with key db-password)',
          output: job(envFromSecret('DB_PASSWORD', 'db-password')),
        },
      ],
    },
    {
      name: "value before name in the item: the stub is indented from the value key's column",
      code: job(['env:', '- value: "abc123"', '  name: API_KEY']),
      errors: [{ messageId: 'inEnvVar', data: { name: 'API_KEY' }, line: 15, column: 20, endColumn: 28 }],
      output: null,
      suggestions: [
        {
          output: job([
            'env:',
            '- valueFrom:',
            '    secretKeyRef:',
            '      name: {{ .Release.Name }}-hook-secrets',
            '      key: api-key',
            '  name: API_KEY',
          ]),
        },
      ],
    },
    secretEnvCase('GITHUB_TOKEN', 'github-token'),
    secretEnvCase('CLIENT_SECRET', 'client-secret'),
    secretEnvCase('OPENAI_API_KEY', 'openai-api-key'),
    secretEnvCase('PGPASSWORD', 'pgpassword'),
    {
      name: 'URLs with a password or to a webhook host in command, args and env; a fix only for env',
      code: job([
        'command: ["sh", "-c", "curl -X POST https://hooks.slack.com/services/T000/B000/XXXX"]',
        'args:',
        '  - --db=postgres://app:s3cret@db:5432/app',
        '  - --url=https://example.com/path',
        ...env('NOTIFY_URL', 'https://outlook.office.com/webhook/abc/IncomingWebhook/def'),
      ]),
      errors: [
        {
          // 'command: ["sh", "-c", ' is 22 columns after column 10.
          messageId: 'inField',
          data: { field: 'command', what: 'a webhook URL' },
          line: 14,
          column: 33,
          endColumn: 33 + '"curl -X POST https://hooks.slack.com/services/T000/B000/XXXX"'.length,
          help: [/A webhook URL is itself a credential: whoever has it can post to the channel/, STORED],
        },
        {
          messageId: 'inField',
          data: { field: 'args', what: 'a URL with a password in it' },
          line: 16,
          column: 15,
          endColumn: 15 + '--db=postgres://app:s3cret@db:5432/app'.length,
        },
        {
          messageId: 'inEnvVar',
          data: { name: 'NOTIFY_URL', what: 'a webhook URL' },
          line: 20,
          column: 22,
          help: [/A webhook URL is itself a credential/],
        },
      ],
      output: null,
      suggestions: [
        {
          output: job([
            'command: ["sh", "-c", "curl -X POST https://hooks.slack.com/services/T000/B000/XXXX"]',
            'args:',
            '  - --db=postgres://app:s3cret@db:5432/app',
            '  - --url=https://example.com/path',
            ...envFromSecret('NOTIFY_URL', 'notify-url'),
          ]),
        },
      ],
    },
    webhookArgCase('https://discord.com/api/webhooks/1/abc'),
    webhookArgCase('https://contoso.webhook.office.com/webhookb2/x'),
  ],
});
