import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseAllDocuments } from 'yaml';
import type { Finding } from '../../server/src/engine/rules/rule';
import type { DecodeOutcome, DryRunRelease, ParsedHook, RunResult } from '../support/helm';
import { helmInstallDryRunJson, helmTemplate, kubectlDecodeAll, requireBinaries, writeChart } from '../support/helm';
import { applyFix, configMapWith, explained, lint, pointedText } from '../support/rule-tester';

/**
 * Each annotation rule's claim about Helm or Kubernetes, shown by the real binaries on small charts: what our engine
 * reports is dropped, rejected or misread, and what its fix produces is accepted and read as the message promises.
 * Expected values are Helm facts (from Helm's source, cited in each rule's docs) written by hand.
 */

/** A normal resource beside the cases in every chart: proof that Helm rendered and installed the rest. */
const SENTINEL = ['apiVersion: v1', 'kind: ConfigMap', 'metadata:', '  name: sentinel', 'data: {}', ''].join('\n');

function chartOf(documents: readonly string[]): string {
  return writeChart({ 't.yaml': documents.map((text) => `---\n${text}`).join(''), 'sentinel.yaml': SENTINEL });
}

function once<T>(compute: () => T): () => T {
  let cached: { value: T } | undefined;
  return () => (cached ??= { value: compute() }).value;
}

/** metadata.name of every document in a YAML stream (helm template output, or a release's manifest). */
function names(stream: string): string[] {
  return parseAllDocuments(stream, { schema: 'failsafe' }).map((doc) => {
    const object = doc.toJS() as { metadata?: { name?: string } } | null;
    return object?.metadata?.name ?? '';
  });
}

function hookNamed(release: DryRunRelease, name: string): ParsedHook {
  const hook = release.hooks.find((candidate) => candidate.name === name);
  assert.ok(hook, `${name} is a hook; hooks: ${release.hooks.map((candidate) => candidate.name).join(', ')}`);
  return hook;
}

function assertNormalResource(release: DryRunRelease, name: string): void {
  assert.ok(names(release.manifest).includes(name), `${name} is in the release manifest`);
  assert.ok(!release.hooks.some((hook) => hook.name === name), `${name} is not a hook`);
}

function assertDropped(release: DryRunRelease, name: string): void {
  assert.ok(!names(release.manifest).includes(name), `${name} is not in the release manifest`);
  assert.ok(!release.hooks.some((hook) => hook.name === name), `${name} is not a hook`);
  assert.ok(names(release.manifest).includes('sentinel'), 'the rest of the chart is installed');
}

/** Applies the first fix of the rule's findings, pass after pass, until nothing it reports has a fix. */
function fixed(ruleId: string, text: string): string {
  let current = text;
  for (let pass = 0; pass < 5; pass++) {
    const finding = lint(ruleId, current).find((candidate) => candidate.fixes.length > 0);
    if (!finding) return current;
    current = applyFix(current, finding);
  }
  assert.fail(`the fixes of ${ruleId} did not settle`);
}

function reported(ruleId: string, text: string): Finding[] {
  const findings = lint(ruleId, text);
  assert.ok(findings.length > 0, `${ruleId} reports:\n${text}`);
  return findings;
}

/**
 * Every Kubernetes or Helm error text that a finding's message or help quotes (`"… cannot unmarshal …"`) appears in
 * what the binary printed. A `…` in a quote stands for text the finding leaves out, such as a file name.
 */
function assertQuotedErrorsPrinted(finding: Finding, printed: string): void {
  const said = explained(finding);
  const quotes = [...said.matchAll(/"([^"]*(?:cannot unmarshal|unsupported value|parse error)[^"]*)"/g)].map(
    (match) => match[1]!,
  );
  assert.ok(quotes.length > 0, `the finding quotes the error it predicts: ${said}`);
  for (const quote of quotes) {
    for (const part of quote
      .split('…')
      .map((piece) => piece.trim())
      .filter((piece) => piece !== '')) {
      assert.ok(printed.includes(part), `the binary printed "${part}" (from the finding) in:\n${printed}`);
    }
  }
}

/** The weight a finding says Helm reads as written: "Unquoted, Helm reads weight 8", or "so it would use weight 0". */
function weightNow(finding: Finding): number | undefined {
  const match = /\b(?:Unquoted, Helm reads|so it would use) weight (-?\d+)/.exec(explained(finding));
  return match ? Number(match[1]) : undefined;
}

/** The weight a finding promises once quoted: "which Helm reads as weight 10", else the one Helm reads now. */
function weightQuoted(finding: Finding): number | undefined {
  const match = /\bwhich Helm reads as weight (-?\d+)/.exec(explained(finding));
  return match ? Number(match[1]) : weightNow(finding);
}

function podWith(annotationLines: string[], name: string): string {
  return [
    'apiVersion: v1',
    'kind: Pod',
    'metadata:',
    `  name: ${name}`,
    '  annotations:',
    ...annotationLines.map((line) => `    ${line}`),
    'spec:',
    '  restartPolicy: Never',
    '  containers:',
    '    - name: main',
    '      image: busybox:1.36',
    '',
  ].join('\n');
}

const HELM_4_DROP = 'level=INFO msg="skipping unknown hooks"';
const HELM_3_DROP = 'info: skipping unknown hook';

/** Helm's drop lines, in document order (Helm sorts the documents of one file in order). */
function dropLines(stderr: string, prefix: string): string[] {
  return stderr.split('\n').filter((line) => line.includes(prefix));
}

describe('unknown-hook-event: Helm 4 and Helm 3 drop the resource; the fix makes it a hook', () => {
  /** `v4`: the value Helm 4 logs after `hookTypes=`; `v3`: Helm 3's Go-quoted value; `events`: after our fix. */
  const ROWS: readonly { line: string; v4: string; v3: string; events?: string[]; noFix?: true }[] = [
    { line: 'helm.sh/hook: pre-instal', v4: 'pre-instal', v3: '"pre-instal"', events: ['pre-install'] },
    { line: 'helm.sh/hook: Post-Instal', v4: 'Post-Instal', v3: '"Post-Instal"', events: ['post-install'] },
    { line: 'helm.sh/hook: preinstall', v4: 'preinstall', v3: '"preinstall"', events: ['pre-install'] },
    { line: 'helm.sh/hook: "pre-install,"', v4: 'pre-install,', v3: '"pre-install,"', events: ['pre-install'] },
    {
      line: 'helm.sh/hook: pre-install,,post-install',
      v4: 'pre-install,,post-install',
      v3: '"pre-install,,post-install"',
      events: ['pre-install', 'post-install'],
    },
    {
      line: 'helm.sh/hook: pre-install post-install',
      v4: '"pre-install post-install"',
      v3: '"pre-install post-install"',
      events: ['pre-install', 'post-install'],
    },
    {
      line: 'helm.sh/hook: "pre-install;post-install"',
      v4: 'pre-install;post-install',
      v3: '"pre-install;post-install"',
      events: ['pre-install', 'post-install'],
    },
    { line: 'helm.sh/hook: test-failure', v4: 'test-failure', v3: '"test-failure"', events: ['test'] },
    { line: 'helm.sh/hook: crd-install', v4: 'crd-install', v3: '"crd-install"', noFix: true },
    {
      line: 'helm.sh/hook: pre-install,crd-install',
      v4: 'pre-install,crd-install',
      v3: '"pre-install,crd-install"',
      noFix: true,
    },
    { line: 'helm.sh/hook: ""', v4: '""', v3: '""' },
    { line: 'helm.sh/hook:', v4: '""', v3: '""' },
    { line: 'helm.sh/hook: on', v4: 'true', v3: '"true"' },
  ];
  const name = (index: number) => `unknown-${index}`;
  const documents = ROWS.map((row, index) => configMapWith([row.line], name(index)));
  const withFix = ROWS.map((row, index) => ({ row, index })).filter(({ row }) => row.events);
  const fixedDocuments = once(() => withFix.map(({ index }) => fixed('unknown-hook-event', documents[index]!)));
  const chart = once(() => chartOf(documents));
  const template4 = once(() => helmTemplate(chart(), 4));
  const template3 = once(() => helmTemplate(chart(), 3));
  const release = once(() => helmInstallDryRunJson(chart()));
  const fixedChart = once(() => chartOf(fixedDocuments()));
  const fixedRelease = once(() => helmInstallDryRunJson(fixedChart()));
  const fixedTemplate3 = once(() => helmTemplate(fixedChart(), 3));

  it('Helm logs one drop line per resource, in document order, and exits 0', (t) => {
    if (!requireBinaries(t, ['helm4', 'helm3'])) return;
    assert.equal(template4().code, 0, template4().stderr);
    assert.equal(template3().code, 0, template3().stderr);
    assert.deepEqual(
      dropLines(template4().stderr, HELM_4_DROP),
      ROWS.map((row) => `${HELM_4_DROP} hookTypes=${row.v4}`),
    );
    assert.deepEqual(
      dropLines(template3().stderr, HELM_3_DROP).map((line) => line.replace(/^.*?info:/, 'info:')),
      ROWS.map((row) => `${HELM_3_DROP}: ${row.v3}`),
    );
  });

  ROWS.forEach((row, index) => {
    it(`${row.line}: dropped by Helm 4 and 3, reported with the log line Helm prints`, (t) => {
      const findings = reported('unknown-hook-event', documents[index]!);
      assert.ok(
        findings.every((finding) => finding.help.includes(HELM_4_DROP)),
        findings[0]!.help,
      );
      const helm3 = lint('unknown-hook-event', documents[index]!, { helmVersion: 3 });
      assert.ok(helm3.length > 0 && helm3.every((finding) => finding.help.includes(HELM_3_DROP)), helm3[0]?.help);
      if (row.noFix)
        assert.deepEqual(
          findings.flatMap((finding) => finding.fixes),
          [],
        );
      if (!requireBinaries(t, ['helm4', 'helm3'])) return;
      assert.ok(!names(template4().stdout).includes(name(index)), 'Helm 4 does not render it');
      assert.ok(!names(template3().stdout).includes(name(index)), 'Helm 3 does not render it');
      assert.ok(names(template4().stdout).includes('sentinel') && names(template3().stdout).includes('sentinel'));
      assertDropped(release(), name(index));
    });
  });

  withFix.forEach(({ row, index }, fixIndex) => {
    it(`${row.line}: after our fix, Helm runs it as a hook on ${row.events!.join(', ')}`, (t) => {
      assert.deepEqual(lint('unknown-hook-event', fixedDocuments()[fixIndex]!), []);
      if (!requireBinaries(t, ['helm4', 'helm3'])) return;
      assert.deepEqual(hookNamed(fixedRelease(), name(index)).events, row.events);
      assert.equal(fixedTemplate3().code, 0);
      assert.ok(!fixedTemplate3().stderr.includes(HELM_3_DROP), fixedTemplate3().stderr);
      assert.ok(names(fixedTemplate3().stdout).includes(name(index)));
    });
  });

  const VALID: readonly { line: string; events: string[] }[] = [
    { line: 'helm.sh/hook: pre-install', events: ['pre-install'] },
    { line: 'helm.sh/hook: PRE-INSTALL', events: ['pre-install'] },
    { line: 'helm.sh/hook: "  pre-install  "', events: ['pre-install'] },
    { line: 'helm.sh/hook: "pre-install, post-install"', events: ['pre-install', 'post-install'] },
    { line: 'helm.sh/hook: Test-Success', events: ['test'] },
    {
      line: 'helm.sh/hook: pre-install,post-install,pre-delete,post-delete,pre-upgrade,post-upgrade,pre-rollback,post-rollback,test',
      events: [
        'pre-install',
        'post-install',
        'pre-delete',
        'post-delete',
        'pre-upgrade',
        'post-upgrade',
        'pre-rollback',
        'post-rollback',
        'test',
      ],
    },
  ];
  const validRelease = once(() =>
    helmInstallDryRunJson(chartOf(VALID.map((row, index) => configMapWith([row.line], `valid-${index}`)))),
  );
  VALID.forEach((row, index) => {
    it(`${row.line}: not reported, and Helm runs it on ${row.events.join(', ')}`, (t) => {
      assert.deepEqual(lint('unknown-hook-event', configMapWith([row.line], `valid-${index}`)), []);
      if (!requireBinaries(t, ['helm4'])) return;
      assert.deepEqual(hookNamed(validRelease(), `valid-${index}`).events, row.events);
    });
  });

  const LISTS: readonly { lines: string[]; events: string[] }[] = [
    { lines: ['helm.sh/hook: [pre-install]'], events: ['pre-install'] },
    { lines: ['helm.sh/hook:', '  - pre-install', '  - post-upgrade'], events: ['pre-install', 'post-upgrade'] },
  ];
  LISTS.forEach((row) => {
    const text = configMapWith(row.lines, 'listed');
    it(`${row.lines.join(' ⏎ ')}: helm template fails as the message says; the joined value runs on ${row.events.join(', ')}`, (t) => {
      const findings = reported('unknown-hook-event', text);
      const repaired = fixed('unknown-hook-event', text);
      assert.deepEqual(lint('unknown-hook-event', repaired), []);
      if (!requireBinaries(t, ['helm4', 'helm3'])) return;
      for (const helm of [4, 3] as const) {
        const result = helmTemplate(chartOf([text]), helm);
        assert.equal(result.code, 1, `Helm ${helm} fails`);
        assert.match(
          result.stderr,
          /YAML parse error on diff\/templates\/t\.yaml: .*json: cannot unmarshal array into Go struct field \.metadata\.annotations of type string/,
        );
        assertQuotedErrorsPrinted(findings[0]!, result.stderr);
      }
      assert.deepEqual(hookNamed(helmInstallDryRunJson(chartOf([repaired])), 'listed').events, row.events);
      const helm3 = helmTemplate(chartOf([repaired]), 3);
      assert.equal(helm3.code, 0, helm3.stderr);
      assert.ok(names(helm3.stdout).includes('listed'));
    });
  });
});

describe('duplicate-hook-event: Helm keeps every occurrence (E17)', () => {
  const ROWS: readonly { line: string; events: string[]; fixedEvents: string[] }[] = [
    {
      line: 'helm.sh/hook: pre-install,pre-install',
      events: ['pre-install', 'pre-install'],
      fixedEvents: ['pre-install'],
    },
    { line: 'helm.sh/hook: test,test-success', events: ['test', 'test'], fixedEvents: ['test'] },
    {
      line: 'helm.sh/hook: "pre-install, post-install, PRE-INSTALL"',
      events: ['pre-install', 'post-install', 'pre-install'],
      fixedEvents: ['pre-install', 'post-install'],
    },
  ];
  const documents = ROWS.map((row, index) => configMapWith([row.line], `dup-${index}`));
  const release = once(() => helmInstallDryRunJson(chartOf(documents)));
  const fixedRelease = once(() =>
    helmInstallDryRunJson(chartOf(documents.map((text) => fixed('duplicate-hook-event', text)))),
  );

  ROWS.forEach((row, index) => {
    it(`${row.line}: Helm records ${row.events.join(', ')}; after our fix ${row.fixedEvents.join(', ')}`, (t) => {
      reported('duplicate-hook-event', documents[index]!);
      assert.deepEqual(lint('duplicate-hook-event', fixed('duplicate-hook-event', documents[index]!)), []);
      if (!requireBinaries(t, ['helm4'])) return;
      assert.deepEqual(hookNamed(release(), `dup-${index}`).events, row.events);
      assert.deepEqual(hookNamed(fixedRelease(), `dup-${index}`).events, row.fixedEvents);
    });
  });

  it('pre-install,post-install: not reported, and Helm records each event once', (t) => {
    const text = configMapWith(['helm.sh/hook: pre-install,post-install'], 'distinct');
    assert.deepEqual(lint('duplicate-hook-event', text), []);
    if (!requireBinaries(t, ['helm4'])) return;
    assert.deepEqual(hookNamed(helmInstallDryRunJson(chartOf([text])), 'distinct').events, [
      'pre-install',
      'post-install',
    ]);
  });
});

describe('unquoted-hook-weight: kubectl rejects the weight; the quoted fix is accepted and read as promised', () => {
  /** `helm`: the weight Helm reads from the unquoted text (§2); `fixedWeight`: Helm's weight for our quoted fix. */
  const ROWS: readonly { weight: string; json: 'number' | 'bool'; helm: number; fixedWeight?: number }[] = [
    { weight: '-5', json: 'number', helm: -5, fixedWeight: -5 },
    { weight: '+5', json: 'number', helm: 5, fixedWeight: 5 },
    { weight: '010', json: 'number', helm: 8, fixedWeight: 10 },
    { weight: '5.0', json: 'number', helm: 5, fixedWeight: 5 },
    { weight: '0x10', json: 'number', helm: 16, fixedWeight: 16 },
    { weight: '1_000', json: 'number', helm: 1000, fixedWeight: 1000 },
    { weight: 'true', json: 'bool', helm: 0 },
  ];
  const documents = ROWS.map((row, index) =>
    configMapWith(['helm.sh/hook: pre-install', `helm.sh/hook-weight: ${row.weight}`], `weight-${index}`),
  );
  const fixedDocuments = once(() => documents.map((text) => fixed('unquoted-hook-weight', text)));
  const decoded = once(() => kubectlDecodeAll([...documents, ...fixedDocuments()]));
  const release = once(() => helmInstallDryRunJson(chartOf(documents)));
  const fixedRelease = once(() => helmInstallDryRunJson(chartOf(fixedDocuments())));

  ROWS.forEach((row, index) => {
    it(`hook-weight: ${row.weight} is rejected by kubectl as a ${row.json}${row.fixedWeight === undefined ? '' : `; quoted, Helm reads weight ${row.fixedWeight}`}`, (t) => {
      const [finding] = reported('unquoted-hook-weight', documents[index]!);
      assert.deepEqual(pointedText(documents[index]!, [finding!]), [row.weight]);
      assert.equal(
        weightNow(finding!),
        row.helm,
        `the finding says Helm reads weight ${row.helm}: ${explained(finding!)}`,
      );
      if (row.fixedWeight === undefined) assert.deepEqual(finding!.fixes, []);
      else
        assert.equal(
          weightQuoted(finding!),
          row.fixedWeight,
          `the finding promises weight ${row.fixedWeight} once quoted`,
        );
      if (!requireBinaries(t, ['helm4', 'kubectl'])) return;
      const original: DecodeOutcome = decoded()[index]!;
      assert.match(
        original.error,
        new RegExp(
          `cannot unmarshal ${row.json} into Go struct field ObjectMeta\\.metadata\\.annotations of type string`,
        ),
      );
      assertQuotedErrorsPrinted(finding!, original.error);
      assert.equal(hookNamed(release(), `weight-${index}`).weight, row.helm, 'Helm itself parses the unquoted weight');
      if (row.fixedWeight === undefined) return;
      const repaired: DecodeOutcome = decoded()[documents.length + index]!;
      assert.equal(repaired.error, '', 'kubectl accepts the fixed weight');
      assert.equal(hookNamed(fixedRelease(), `weight-${index}`).weight, row.fixedWeight);
    });
  });

  it('hook-weight: "-5" is not reported and kubectl accepts it', (t) => {
    const text = configMapWith(['helm.sh/hook: pre-install', 'helm.sh/hook-weight: "-5"'], 'quoted');
    assert.deepEqual(lint('unquoted-hook-weight', text), []);
    if (!requireBinaries(t, ['kubectl'])) return;
    assert.equal(kubectlDecodeAll([text])[0]!.error, '');
  });
});

describe('invalid-hook-weight: Helm silently reads weight 0; our fix gives the weight meant', () => {
  const ROWS: readonly { lines: string[]; fixedWeight?: number }[] = [
    { lines: ['helm.sh/hook-weight: "5.0"'], fixedWeight: 5 },
    { lines: ['helm.sh/hook-weight: " 5"'], fixedWeight: 5 },
    { lines: ['helm.sh/hook-weight: "5 "'], fixedWeight: 5 },
    { lines: ['helm.sh/hook-weight: "0x10"'], fixedWeight: 16 },
    { lines: ['helm.sh/hook-weight: "1_000"'], fixedWeight: 1000 },
    { lines: ['helm.sh/hook-weight: |', '  5', 'example.com/after: x'], fixedWeight: 5 },
    { lines: ['helm.sh/hook-weight: "high"'] },
    { lines: ['helm.sh/hook-weight: "99999999999999999999"'] },
  ];
  const documents = ROWS.map((row, index) =>
    configMapWith(['helm.sh/hook: pre-install', ...row.lines], `invalid-${index}`),
  );
  const release = once(() => helmInstallDryRunJson(chartOf(documents)));
  const fixedRelease = once(() =>
    helmInstallDryRunJson(chartOf(documents.map((text) => fixed('invalid-hook-weight', text)))),
  );
  const decoded = once(() => kubectlDecodeAll(documents));

  ROWS.forEach((row, index) => {
    it(`${row.lines.join(' ⏎ ')}: Helm reads weight 0${row.fixedWeight === undefined ? '' : `, ${row.fixedWeight} after our fix`}; Kubernetes accepts it`, (t) => {
      const findings = reported('invalid-hook-weight', documents[index]!);
      assert.match(findings[0]!.message, /weight 0\b/);
      const repaired = fixed('invalid-hook-weight', documents[index]!);
      if (row.fixedWeight === undefined) assert.equal(repaired, documents[index]);
      else assert.deepEqual(lint('invalid-hook-weight', repaired), []);
      if (!requireBinaries(t, ['helm4', 'kubectl'])) return;
      assert.equal(hookNamed(release(), `invalid-${index}`).weight, 0);
      assert.equal(decoded()[index]!.error, '', 'a quoted weight is a string: only Helm misreads it');
      if (row.fixedWeight !== undefined)
        assert.equal(hookNamed(fixedRelease(), `invalid-${index}`).weight, row.fixedWeight);
    });
  });

  const VALID: readonly { weight: string; helm: number }[] = [
    { weight: '"+5"', helm: 5 },
    { weight: '"007"', helm: 7 },
    { weight: '"-0"', helm: 0 },
    { weight: '"-12"', helm: -12 },
  ];
  const validRelease = once(() =>
    helmInstallDryRunJson(
      chartOf(
        VALID.map((row, index) =>
          configMapWith(['helm.sh/hook: pre-install', `helm.sh/hook-weight: ${row.weight}`], `valid-${index}`),
        ),
      ),
    ),
  );
  VALID.forEach((row, index) => {
    it(`hook-weight: ${row.weight} is not reported and Helm reads weight ${row.helm}`, (t) => {
      assert.deepEqual(
        lint(
          'invalid-hook-weight',
          configMapWith(['helm.sh/hook: pre-install', `helm.sh/hook-weight: ${row.weight}`], `valid-${index}`),
        ),
        [],
      );
      if (!requireBinaries(t, ['helm4'])) return;
      assert.equal(hookNamed(validRelease(), `valid-${index}`).weight, row.helm);
    });
  });
});

describe('unknown-delete-policy: Helm stores the unknown item, so the default no longer applies (§3.1)', () => {
  /** `policies`: what Helm stores (D05, D06, D08, D09); `defaultLost`: no known policy is left; `fixed`: after our fix. */
  const ROWS: readonly { value: string; policies: string[]; defaultLost: boolean; fixed?: string[] }[] = [
    { value: 'hook-success', policies: ['hook-success'], defaultLost: true, fixed: ['hook-succeeded'] },
    {
      value: 'before-hook-create',
      policies: ['before-hook-create'],
      defaultLost: true,
      fixed: ['before-hook-creation'],
    },
    { value: 'Hook-Faild', policies: ['hook-faild'], defaultLost: true, fixed: ['hook-failed'] },
    { value: '""', policies: [''], defaultLost: true },
    { value: '"hook-succeeded;hook-failed"', policies: ['hook-succeeded;hook-failed'], defaultLost: true },
    { value: '"hook-succeeded,"', policies: ['hook-succeeded', ''], defaultLost: false },
  ];
  const documents = ROWS.map((row, index) =>
    configMapWith(['helm.sh/hook: pre-install', `helm.sh/hook-delete-policy: ${row.value}`], `policy-${index}`),
  );
  const release = once(() => helmInstallDryRunJson(chartOf(documents)));
  const fixedRelease = once(() =>
    helmInstallDryRunJson(chartOf(documents.map((text) => fixed('unknown-delete-policy', text)))),
  );

  ROWS.forEach((row, index) => {
    it(`hook-delete-policy: ${row.value}: Helm stores ${JSON.stringify(row.policies)}${row.fixed ? `; after our fix ${JSON.stringify(row.fixed)}` : ''}`, (t) => {
      const findings = reported('unknown-delete-policy', documents[index]!);
      if (row.defaultLost)
        assert.ok(
          findings.some((finding) => /default before-hook-creation no longer applies/.test(finding.help)),
          'the finding says the default is lost',
        );
      if (!requireBinaries(t, ['helm4'])) return;
      assert.deepEqual(hookNamed(release(), `policy-${index}`).delete_policies, row.policies);
      if (row.fixed) assert.deepEqual(hookNamed(fixedRelease(), `policy-${index}`).delete_policies, row.fixed);
    });
  });

  const VALID: readonly { lines: string[]; policies: string[] }[] = [
    { lines: [], policies: [] },
    { lines: ['helm.sh/hook-delete-policy: Hook-Succeeded'], policies: ['hook-succeeded'] },
    {
      lines: ['helm.sh/hook-delete-policy: "before-hook-creation, hook-succeeded"'],
      policies: ['before-hook-creation', 'hook-succeeded'],
    },
  ];
  const validDocuments = VALID.map((row, index) =>
    configMapWith(['helm.sh/hook: pre-install', ...row.lines], `valid-${index}`),
  );
  const validRelease = once(() => helmInstallDryRunJson(chartOf(validDocuments)));
  VALID.forEach((row, index) => {
    it(`${row.lines[0] ?? 'no delete policy'}: not reported, and Helm stores ${JSON.stringify(row.policies)}`, (t) => {
      assert.deepEqual(lint('unknown-delete-policy', validDocuments[index]!), []);
      if (!requireBinaries(t, ['helm4'])) return;
      assert.deepEqual(hookNamed(validRelease(), `valid-${index}`).delete_policies, row.policies);
    });
  });
});

describe('duplicate-delete-policy: Helm stores the policy twice', () => {
  const ROWS: readonly { value: string; policies: string[]; fixed: string[] }[] = [
    {
      value: 'hook-succeeded,hook-succeeded',
      policies: ['hook-succeeded', 'hook-succeeded'],
      fixed: ['hook-succeeded'],
    },
    { value: '"hook-failed, HOOK-FAILED"', policies: ['hook-failed', 'hook-failed'], fixed: ['hook-failed'] },
  ];
  const documents = ROWS.map((row, index) =>
    configMapWith(['helm.sh/hook: pre-install', `helm.sh/hook-delete-policy: ${row.value}`], `twice-${index}`),
  );
  const release = once(() => helmInstallDryRunJson(chartOf(documents)));
  const fixedRelease = once(() =>
    helmInstallDryRunJson(chartOf(documents.map((text) => fixed('duplicate-delete-policy', text)))),
  );

  ROWS.forEach((row, index) => {
    it(`hook-delete-policy: ${row.value}: Helm stores ${JSON.stringify(row.policies)}; after our fix ${JSON.stringify(row.fixed)}`, (t) => {
      reported('duplicate-delete-policy', documents[index]!);
      if (!requireBinaries(t, ['helm4'])) return;
      assert.deepEqual(hookNamed(release(), `twice-${index}`).delete_policies, row.policies);
      assert.deepEqual(hookNamed(fixedRelease(), `twice-${index}`).delete_policies, row.fixed);
    });
  });
});

describe('unknown-output-log-policy: Helm stores the unknown item (L03)', () => {
  const ROWS: readonly { value: string; policies: string[]; fixed?: string[] }[] = [
    { value: 'on-failure', policies: ['on-failure'] },
    { value: 'hook-faild', policies: ['hook-faild'], fixed: ['hook-failed'] },
    { value: '"hook-succeeded, always"', policies: ['hook-succeeded', 'always'] },
  ];
  const documents = ROWS.map((row, index) =>
    podWith(['helm.sh/hook: pre-install', `helm.sh/hook-output-log-policy: ${row.value}`], `logs-${index}`),
  );
  const release = once(() => helmInstallDryRunJson(chartOf(documents)));
  const fixedRelease = once(() =>
    helmInstallDryRunJson(chartOf(documents.map((text) => fixed('unknown-output-log-policy', text)))),
  );

  ROWS.forEach((row, index) => {
    it(`hook-output-log-policy: ${row.value}: Helm stores ${JSON.stringify(row.policies)}${row.fixed ? `; after our fix ${JSON.stringify(row.fixed)}` : ''}`, (t) => {
      reported('unknown-output-log-policy', documents[index]!);
      if (!requireBinaries(t, ['helm4'])) return;
      assert.deepEqual(hookNamed(release(), `logs-${index}`).output_log_policies, row.policies);
      if (row.fixed) assert.deepEqual(hookNamed(fixedRelease(), `logs-${index}`).output_log_policies, row.fixed);
    });
  });

  it('hook-output-log-policy: "hook-succeeded, HOOK-FAILED" on a Pod: not reported, and Helm stores both', (t) => {
    const text = podWith(
      ['helm.sh/hook: pre-install', 'helm.sh/hook-output-log-policy: "hook-succeeded, HOOK-FAILED"'],
      'logs-valid',
    );
    assert.deepEqual(lint('unknown-output-log-policy', text), []);
    if (!requireBinaries(t, ['helm4'])) return;
    assert.deepEqual(hookNamed(helmInstallDryRunJson(chartOf([text])), 'logs-valid').output_log_policies, [
      'hook-succeeded',
      'hook-failed',
    ]);
  });
});

describe('non-string-annotation: kubectl rejects the object; the quoted fix is accepted', () => {
  /** `json`: the type in kubectl's error; `templateFails`: Helm's own decode fails too (E20); `quoted`: the fixed value. */
  const ROWS: readonly { line: string; json: string; templateFails: boolean; quoted?: string }[] = [
    { line: 'example.com/enabled: true', json: 'cannot unmarshal bool', templateFails: false, quoted: 'true' },
    { line: 'example.com/flag: on', json: 'cannot unmarshal bool', templateFails: false, quoted: 'on' },
    { line: 'example.com/replicas: 3', json: 'cannot unmarshal number', templateFails: false, quoted: '3' },
    { line: 'example.com/ratio: 0.5', json: 'cannot unmarshal number', templateFails: false, quoted: '0.5' },
    { line: 'example.com/mode: 0644', json: 'cannot unmarshal number', templateFails: false, quoted: '0644' },
    { line: 'example.com/score: .nan', json: 'unsupported value: NaN', templateFails: false },
    { line: 'example.com/list: [a, b]', json: 'cannot unmarshal array', templateFails: true },
    { line: 'example.com/map: {a: b}', json: 'cannot unmarshal object', templateFails: true },
  ];
  // The rule checks objects that hold hook-related text; `keep` makes that so without making them hooks.
  const documents = ROWS.map((row, index) =>
    configMapWith([row.line, 'helm.sh/resource-policy: keep'], `typed-${index}`),
  );
  const decoded = once(() =>
    kubectlDecodeAll([...documents, ...documents.map((text) => fixed('non-string-annotation', text))]),
  );

  ROWS.forEach((row, index) => {
    it(`${row.line}: kubectl fails with "${row.json}"; helm template ${row.templateFails ? 'fails too' : 'passes'}${row.quoted ? `; quoted, kubectl accepts "${row.quoted}"` : ''}`, (t) => {
      const [finding] = reported('non-string-annotation', documents[index]!);
      if (!requireBinaries(t, ['helm4', 'kubectl'])) return;
      const original = decoded()[index]!;
      assert.ok(original.error.includes(row.json), original.error);
      const rendered: RunResult = helmTemplate(chartOf([documents[index]!]), 4);
      assert.equal(rendered.code, row.templateFails ? 1 : 0, rendered.stderr);
      // A list or map already fails in Helm's own decode, and the message quotes Helm's error; otherwise kubectl's.
      if (row.templateFails) assert.ok(rendered.stderr.includes(row.json), rendered.stderr);
      assertQuotedErrorsPrinted(finding!, row.templateFails ? rendered.stderr : original.error);
      if (row.quoted === undefined) return;
      const repaired = decoded()[documents.length + index]!;
      assert.equal(repaired.error, '');
      assert.equal(repaired.object?.metadata?.annotations?.[row.line.split(':')[0]!], row.quoted);
    });
  });

  it("an unquoted number on a hook passes Helm's own parse but not kubectl (M01)", (t) => {
    const text = configMapWith(['helm.sh/hook: pre-install', 'example.com/replicas: 3'], 'typed-hook');
    const [finding] = reported('non-string-annotation', text);
    if (!requireBinaries(t, ['helm4', 'kubectl'])) return;
    assert.deepEqual(hookNamed(helmInstallDryRunJson(chartOf([text])), 'typed-hook').events, ['pre-install']);
    const outcome = kubectlDecodeAll([text])[0]!;
    assert.match(
      outcome.error,
      /cannot unmarshal number into Go struct field ObjectMeta\.metadata\.annotations of type string/,
    );
    assertQuotedErrorsPrinted(finding!, outcome.error);
  });

  const STRINGS: readonly { line: string; value: string | null }[] = [
    { line: 'example.com/time: 12:30', value: '12:30' },
    { line: 'example.com/date: 2024-01-01', value: '2024-01-01' },
    { line: 'example.com/version: 1.2.3', value: '1.2.3' },
    { line: 'example.com/none: ~', value: null },
    { line: 'example.com/quoted: "3"', value: '3' },
  ];
  const stringDocuments = STRINGS.map((row) => configMapWith([row.line], 'strings'));
  const stringsDecoded = once(() => kubectlDecodeAll(stringDocuments));
  STRINGS.forEach((row, index) => {
    it(`${row.line}: not reported, and kubectl accepts it`, (t) => {
      assert.deepEqual(lint('non-string-annotation', stringDocuments[index]!), []);
      if (!requireBinaries(t, ['kubectl'])) return;
      const outcome = stringsDecoded()[index]!;
      assert.equal(outcome.error, '');
      assert.equal(outcome.object?.metadata?.annotations?.[row.line.split(':')[0]!], row.value);
    });
  });
});

describe('unknown-helm-annotation: Helm ignores the key (E18, E19)', () => {
  it('helm.sh/hooks: the resource is a normal manifest; fixed to helm.sh/hook, a pre-install hook', (t) => {
    const text = configMapWith(['helm.sh/hooks: pre-install'], 'plural');
    const [finding] = reported('unknown-helm-annotation', text);
    assert.deepEqual(pointedText(text, [finding!]), ['helm.sh/hooks']);
    const repaired = fixed('unknown-helm-annotation', text);
    assert.equal(repaired, configMapWith(['helm.sh/hook: pre-install'], 'plural'));
    if (!requireBinaries(t, ['helm4'])) return;
    assertNormalResource(helmInstallDryRunJson(chartOf([text])), 'plural');
    assert.deepEqual(hookNamed(helmInstallDryRunJson(chartOf([repaired])), 'plural').events, ['pre-install']);
  });

  it('Helm.sh/hook: keys are case-sensitive, so the resource is a normal manifest', (t) => {
    const text = configMapWith(['Helm.sh/hook: pre-install'], 'capital');
    reported('unknown-helm-annotation', text);
    if (!requireBinaries(t, ['helm4'])) return;
    assertNormalResource(helmInstallDryRunJson(chartOf([text])), 'capital');
    assert.deepEqual(
      hookNamed(helmInstallDryRunJson(chartOf([fixed('unknown-helm-annotation', text)])), 'capital').events,
      ['pre-install'],
    );
  });

  it('helm.sh/hook-weights on a hook: Helm reads weight 0; fixed to helm.sh/hook-weight, weight 5', (t) => {
    const text = configMapWith(['helm.sh/hook: pre-install', 'helm.sh/hook-weights: "5"'], 'weights');
    reported('unknown-helm-annotation', text);
    if (!requireBinaries(t, ['helm4'])) return;
    assert.equal(hookNamed(helmInstallDryRunJson(chartOf([text])), 'weights').weight, 0);
    assert.equal(
      hookNamed(helmInstallDryRunJson(chartOf([fixed('unknown-helm-annotation', text)])), 'weights').weight,
      5,
    );
  });

  it('helm.sh/resource-policy and helm.sh/hook-output-log-policy are not reported', () => {
    const text = configMapWith(
      ['helm.sh/hook: pre-install', 'helm.sh/resource-policy: keep', 'helm.sh/hook-output-log-policy: hook-failed'],
      'known',
    );
    assert.deepEqual(lint('unknown-helm-annotation', text), []);
  });
});

describe('orphan-hook-annotation: without helm.sh/hook the resource is a normal manifest (W19, D10)', () => {
  const ROWS: readonly string[] = [
    'helm.sh/hook-weight: "5"',
    'helm.sh/hook-delete-policy: hook-succeeded',
    'helm.sh/hook-output-log-policy: hook-failed',
  ];
  const documents = ROWS.map((line, index) => configMapWith([line], `orphan-${index}`));
  const release = once(() => helmInstallDryRunJson(chartOf(documents)));
  const withHook = once(() =>
    helmInstallDryRunJson(
      chartOf(ROWS.map((line, index) => configMapWith(['helm.sh/hook: pre-install', line], `orphan-${index}`))),
    ),
  );

  ROWS.forEach((line, index) => {
    it(`${line} alone is reported and ignored by Helm; with helm.sh/hook it is a hook and not reported`, (t) => {
      reported('orphan-hook-annotation', documents[index]!);
      assert.deepEqual(
        lint('orphan-hook-annotation', configMapWith(['helm.sh/hook: pre-install', line], `orphan-${index}`)),
        [],
      );
      if (!requireBinaries(t, ['helm4'])) return;
      assertNormalResource(release(), `orphan-${index}`);
      hookNamed(withHook(), `orphan-${index}`);
    });
  });

  it('helm.sh/hook-delete-policy: keep is offered as helm.sh/resource-policy: keep, still a normal manifest', (t) => {
    const text = configMapWith(['helm.sh/hook-delete-policy: keep'], 'kept');
    const findings = reported('orphan-hook-annotation', text);
    const finding = findings.find((candidate) =>
      candidate.fixes.some((fix) => fix.edits.some((edit) => edit.newText.includes('helm.sh/resource-policy'))),
    );
    assert.ok(finding, 'a fix writes helm.sh/resource-policy');
    const fixIndex = finding.fixes.findIndex((fix) =>
      fix.edits.some((edit) => edit.newText.includes('helm.sh/resource-policy')),
    );
    assert.equal(finding.fixes[fixIndex]!.safe, false, 'the key changes what Helm does, so the user decides');
    const repaired = applyFix(text, finding, fixIndex);
    assert.equal(repaired, configMapWith(['helm.sh/resource-policy: keep'], 'kept'));
    if (!requireBinaries(t, ['helm4'])) return;
    assertNormalResource(helmInstallDryRunJson(chartOf([text])), 'kept');
    assertNormalResource(helmInstallDryRunJson(chartOf([repaired])), 'kept');
  });
});

describe('misplaced-hook-annotation: hook annotations outside metadata.annotations do not make a hook (§1.1)', () => {
  const job = (metadataLines: string[], templateMetadataLines: string[]) =>
    [
      'apiVersion: batch/v1',
      'kind: Job',
      'metadata:',
      '  name: migrate',
      ...metadataLines,
      'spec:',
      '  template:',
      ...(templateMetadataLines.length > 0 ? ['    metadata:', ...templateMetadataLines] : []),
      '    spec:',
      '      restartPolicy: Never',
      '      containers:',
      '        - name: main',
      '          image: busybox:1.36',
      '',
    ].join('\n');
  const CASES: readonly { title: string; text: string; pointed: string }[] = [
    {
      title: 'on the pod template',
      text: job([], ['      annotations:', '        helm.sh/hook: pre-upgrade', '        helm.sh/hook-weight: "-1"']),
      pointed: 'helm.sh/hook',
    },
    { title: 'under labels', text: job(['  labels:', '    helm.sh/hook: pre-upgrade'], []), pointed: 'helm.sh/hook' },
  ];
  const good = job(['  annotations:', '    helm.sh/hook: pre-upgrade'], []);

  CASES.forEach((row) => {
    it(`helm.sh/hook ${row.title}: reported, and the Job is a normal release resource`, (t) => {
      const findings = reported('misplaced-hook-annotation', row.text);
      assert.ok(pointedText(row.text, findings).includes(row.pointed), pointedText(row.text, findings).join(', '));
      if (!requireBinaries(t, ['helm4'])) return;
      assertNormalResource(helmInstallDryRunJson(chartOf([row.text])), 'migrate');
    });
  });

  it("helm.sh/hook in the Job's own annotations: not reported, and the Job is a pre-upgrade hook", (t) => {
    assert.deepEqual(lint('misplaced-hook-annotation', good), []);
    if (!requireBinaries(t, ['helm4'])) return;
    assert.deepEqual(hookNamed(helmInstallDryRunJson(chartOf([good])), 'migrate').events, ['pre-upgrade']);
  });
});

describe('unclosed-template-action: Helm cannot parse the template', () => {
  const head = [
    'apiVersion: v1',
    'kind: ConfigMap',
    'metadata:',
    '  name: action',
    '  annotations:',
    '    helm.sh/hook: pre-install',
  ];
  const CASES: readonly { title: string; text: string; helmError: RegExp }[] = [
    {
      title: 'an action left open at the end of the file',
      text: [...head, '    helm.sh/hook-weight: {{ "5" | quote', ''].join('\n'),
      helmError: /parse error at \(diff\/templates\/t\.yaml:\d+\): unclosed action/,
    },
    {
      title: 'an action left open before more YAML',
      text: [...head, '    helm.sh/hook-weight: {{ "5" | quote', 'data: {}', ''].join('\n'),
      helmError: /parse error at \(diff\/templates\/t\.yaml:\d+\)/,
    },
  ];

  CASES.forEach((row) => {
    it(`${row.title}: reported, and helm template fails on Helm 4 and 3`, (t) => {
      const [finding] = reported('unclosed-template-action', row.text);
      if (!requireBinaries(t, ['helm4', 'helm3'])) return;
      for (const helm of [4, 3] as const) {
        const result = helmTemplate(writeChart({ 't.yaml': row.text }), helm);
        assert.equal(result.code, 1, `Helm ${helm} fails`);
        assert.match(result.stderr, row.helmError);
        if (finding!.help.includes('parse error at (')) assertQuotedErrorsPrinted(finding!, result.stderr);
      }
    });
  });

  it('the closed action: not reported, and Helm renders the hook with weight 5', (t) => {
    const text = [...head, '    helm.sh/hook-weight: {{ "5" | quote }}', 'data: {}', ''].join('\n');
    assert.deepEqual(lint('unclosed-template-action', text), []);
    if (!requireBinaries(t, ['helm4'])) return;
    assert.equal(hookNamed(helmInstallDryRunJson(chartOf([text])), 'action').weight, 5);
  });
});

describe('invalid-yaml: Helm cannot decode the document', () => {
  const bad = [
    'apiVersion: v1',
    'kind: ConfigMap',
    'metadata:',
    '  name: broken',
    '  annotations:',
    '    helm.sh/hook: pre-install',
    '   helm.sh/hook-weight: "1"',
    'data: {}',
    '',
  ].join('\n');
  const good = bad.replace('   helm.sh/hook-weight', '    helm.sh/hook-weight');

  it('a mis-indented annotation: reported, and helm template fails with a YAML parse error', (t) => {
    reported('invalid-yaml', bad);
    if (!requireBinaries(t, ['helm4', 'helm3'])) return;
    for (const helm of [4, 3] as const) {
      const result = helmTemplate(chartOf([bad]), helm);
      assert.equal(result.code, 1);
      assert.match(
        result.stderr,
        /YAML parse error on diff\/templates\/t\.yaml: error converting YAML to JSON: yaml: line \d+: did not find expected key/,
      );
    }
  });

  it('indented right: not reported, and Helm reads the hook with weight 1', (t) => {
    assert.deepEqual(lint('invalid-yaml', good), []);
    if (!requireBinaries(t, ['helm4'])) return;
    assert.equal(hookNamed(helmInstallDryRunJson(chartOf([good])), 'broken').weight, 1);
  });
});
