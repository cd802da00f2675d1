import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { analyzeTemplate } from '../../../server/src/engine/analysis/file';
import { applyFix, assertDocsExamples, fixAll, lint, location, pointedText } from '../../support/rule-tester';

const RULE = 'inline-secret-in-hook';

/** A hook Job whose single container has these lines (indented under `- name: c`). */
function job(containerLines: string[], hook = 'post-upgrade'): string {
  return [
    'apiVersion: batch/v1',
    'kind: Job',
    'metadata:',
    '  name: {{ .Release.Name }}-notify',
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

function env(name: string, value: string): string[] {
  return ['env:', `  - name: ${name}`, `    value: ${value}`];
}

describe(RULE, () => {
  it('reports a literal value of a *_PASSWORD env var at the value, with an unsafe secretKeyRef stub', () => {
    const text = job(env('DB_PASSWORD', 'hunter2'));
    const findings = lint(RULE, text);
    assert.deepEqual(pointedText(text, findings), ['hunter2']);
    assert.equal(location(text, findings[0]!), '16:22-16:29');
    assert.equal(findings[0]!.severity, 'warning');
    assert.match(findings[0]!.message, /the env var DB_PASSWORD holds a literal value/);
    assert.match(findings[0]!.help, /^Read it from a Secret with valueFrom\.secretKeyRef\./);
    assert.match(findings[0]!.help, /in the release record, where helm get hooks shows it/);
    const fix = findings[0]!.fixes[0]!;
    assert.equal(fix.safe, false);
    assert.match(fix.title, /key db-password/);
    const fixed = applyFix(text, findings[0]!);
    assert.equal(
      fixed,
      job([
        'env:',
        '  - name: DB_PASSWORD',
        '    valueFrom:',
        '      secretKeyRef:',
        '        name: {{ .Release.Name }}-hook-secrets',
        '        key: db-password',
      ]),
    );
    assert.equal(analyzeTemplate('t.yaml', fixed).model.yamlProblems.length, 0);
    assert.deepEqual(lint(RULE, fixed), []);
    assert.equal(fixAll(RULE, text), text, 'the stub is never applied by --fix');
  });

  it("indents the stub from the value key's column when value comes first in the item", () => {
    const text = job(['env:', '- value: "abc123"', '  name: API_KEY']);
    const fixed = applyFix(text, lint(RULE, text)[0]!);
    assert.equal(
      fixed,
      job([
        'env:',
        '- valueFrom:',
        '    secretKeyRef:',
        '      name: {{ .Release.Name }}-hook-secrets',
        '      key: api-key',
        '  name: API_KEY',
      ]),
    );
  });

  it('knows the secret-like suffixes and leaves files, paths, flags, references and empty values alone', () => {
    for (const name of ['GITHUB_TOKEN', 'CLIENT_SECRET', 'OPENAI_API_KEY', 'PGPASSWORD']) {
      assert.equal(lint(RULE, job(env(name, 'x1y2z3'))).length, 1, name);
    }
    for (const [name, value] of [
      ['DB_PASSWORD_FILE', 'x1y2z3'],
      ['TOKEN_PATH', 'abc'],
      ['DB_PASSWORD', '/run/secrets/db'],
      ['DB_PASSWORD', '""'],
      ['API_TOKEN', '$(TOKEN_FROM_SECRET)'],
      ['USE_SERVICE_ACCOUNT_TOKEN', '"true"'],
      ['DB_PASSWORD', '{{ .Values.password | quote }}'],
      ['DB_USER', 'admin'],
    ] as const) {
      assert.deepEqual(lint(RULE, job(env(name, value))), [], `${name}=${value}`);
    }
  });

  it('reports URLs with a password or to a webhook host in env, args and command, without a fix for args', () => {
    const text = job([
      'command: ["sh", "-c", "curl -X POST https://hooks.slack.com/services/T000/B000/XXXX"]',
      'args:',
      '  - --db=postgres://app:s3cret@db:5432/app',
      '  - --url=https://example.com/path',
      ...env('NOTIFY_URL', 'https://outlook.office.com/webhook/abc/IncomingWebhook/def'),
    ]);
    const findings = lint(RULE, text);
    assert.deepEqual(pointedText(text, findings), [
      '"curl -X POST https://hooks.slack.com/services/T000/B000/XXXX"',
      '--db=postgres://app:s3cret@db:5432/app',
      'https://outlook.office.com/webhook/abc/IncomingWebhook/def',
    ]);
    assert.match(findings[0]!.message, /the hook's command holds a webhook URL/);
    assert.match(findings[0]!.help, /A webhook URL is itself a credential/);
    assert.match(findings[1]!.message, /the hook's args holds a URL with a password in it/);
    assert.deepEqual(findings[1]!.fixes, []);
    assert.equal(findings[2]!.fixes.length, 1);
    for (const url of ['https://discord.com/api/webhooks/1/abc', 'https://contoso.webhook.office.com/webhookb2/x']) {
      assert.equal(lint(RULE, job(['args:', `  - ${url}`])).length, 1, url);
    }
  });

  it('leaves URLs without a password, with a $(VAR) password, or templated alone', () => {
    for (const arg of [
      'ssh://git@github.com/org/repo',
      'postgres://app:$(DB_PASSWORD)@db/app',
      'https://hooks.slack.com',
      '"{{ .Values.webhookUrl }}"',
      'https://user:{{ .Values.pw }}@host/',
    ]) {
      assert.deepEqual(lint(RULE, job(['args:', `  - ${arg}`])), [], arg);
    }
  });

  it('ignores workloads that are not hooks', () => {
    assert.deepEqual(
      lint(RULE, job(env('DB_PASSWORD', 'hunter2')).replace('  annotations:\n    helm.sh/hook: post-upgrade\n', '')),
      [],
    );
  });

  it('documents a bad example it reports and a good one it does not', () => {
    assertDocsExamples(RULE);
  });
});
