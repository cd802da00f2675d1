import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { parseAllDocuments } from 'yaml';
import { lintText } from '../../../server/src/engine/lint/lint';
import type { ParsedHook } from '../../support/helm';
import { helmInstallDryRunJson, helmTemplate, kubectlDecode, requireBinaries, writeChart } from '../../support/helm';
import { REPO_ROOT } from '../../support/paths';
import { expandSnippet } from './expand';

/**
 * Every snippet, expanded as the editor inserts it with its defaults (and with each other option of each choice),
 * renders with the real `helm template`, decodes with kubectl, is parsed by Helm 4 as the hooks its description
 * promises, follows hook practice (quoted weight, before-hook-creation, restartPolicy Never, bounded Jobs, pinned
 * images, release-scoped names, credentials through secretKeyRef), and has no error or warning of our own.
 */

interface Snippet {
  prefix: string | string[];
  description: string;
  body: string | string[];
}

const SNIPPETS_FILE = join(REPO_ROOT, 'snippets', 'helm-hooks.code-snippets');
const snippets = JSON.parse(readFileSync(SNIPPETS_FILE, 'utf8')) as Record<string, Snippet>;

/** Helm's hook events and delete policies (pkg/release/v1/hook.go in Helm v4.1.4). */
const EVENTS = new Set([
  'pre-install',
  'post-install',
  'pre-delete',
  'post-delete',
  'pre-upgrade',
  'post-upgrade',
  'pre-rollback',
  'post-rollback',
  'test',
]);
const DELETE_POLICIES = new Set(['before-hook-creation', 'hook-succeeded', 'hook-failed']);

/** The backup Job's claim, rendered by the chart as a release resource that uninstall keeps. */
const BACKUP_PVC = `apiVersion: v1
kind: PersistentVolumeClaim
metadata:
  name: {{ .Release.Name }}-backup
  annotations:
    helm.sh/resource-policy: keep
spec:
  accessModes: [ReadWriteOnce]
  resources:
    requests:
      storage: 1Gi
`;

/** Where a snippet goes in a chart: a whole template, or (the annotation block) inside a resource's metadata. */
interface Placement {
  wrap(expanded: (indent: string) => string): string;
  support: Record<string, string>;
  /** Helm 4's parse of the hooks with the defaults, by hand from the snippet text (release name r1). */
  hooks: Array<Pick<ParsedHook, 'name' | 'kind' | 'events' | 'weight' | 'delete_policies'>>;
}

const JOB_POLICIES = ['before-hook-creation', 'hook-succeeded'];
const whole = (hooks: Placement['hooks'], support: Record<string, string> = {}): Placement => ({
  wrap: (expanded) => expanded(''),
  support,
  hooks,
});

const PLACEMENTS: Record<string, Placement> = {
  'Helm hook: database migration Job': whole([
    {
      name: 'r1-migrate',
      kind: 'Job',
      events: ['pre-install', 'pre-upgrade'],
      weight: -5,
      delete_policies: JOB_POLICIES,
    },
  ]),
  'Helm hook: backup Job': whole(
    [
      {
        name: 'r1-backup',
        kind: 'Job',
        events: ['pre-upgrade', 'pre-delete'],
        weight: -10,
        delete_policies: JOB_POLICIES,
      },
    ],
    {
      'backup-pvc.yaml': BACKUP_PVC,
    },
  ),
  'Helm hook: notification Job': whole([
    {
      name: 'r1-notify',
      kind: 'Job',
      events: ['post-install', 'post-upgrade'],
      weight: 10,
      delete_policies: JOB_POLICIES,
    },
  ]),
  'Helm hook: test Pod': whole([
    { name: 'r1-test-connection', kind: 'Pod', events: ['test'], weight: 0, delete_policies: JOB_POLICIES },
  ]),
  'Helm hook: pre-install check Job': whole([
    { name: 'r1-preflight', kind: 'Job', events: ['pre-install'], weight: -20, delete_policies: JOB_POLICIES },
  ]),
  'Helm hook: annotations': {
    wrap: (expanded) =>
      [
        'apiVersion: v1',
        'kind: ConfigMap',
        'metadata:',
        '  name: {{ .Release.Name }}-annotated',
        `  ${expanded('  ')}`,
        'data:',
        '  greeting: hello',
        '',
      ].join('\n'),
    support: {},
    hooks: [
      {
        name: 'r1-annotated',
        kind: 'ConfigMap',
        events: ['pre-install', 'pre-upgrade'],
        weight: 0,
        delete_policies: JOB_POLICIES,
      },
    ],
  },
  'Helm hook: weighted sequence': whole([
    {
      name: 'r1-wait-for-db',
      kind: 'Job',
      events: ['pre-install', 'pre-upgrade'],
      weight: -10,
      delete_policies: JOB_POLICIES,
    },
    {
      name: 'r1-schema',
      kind: 'Job',
      events: ['pre-install', 'pre-upgrade'],
      weight: 0,
      delete_policies: JOB_POLICIES,
    },
    { name: 'r1-seed', kind: 'Job', events: ['pre-install', 'pre-upgrade'], weight: 10, delete_policies: JOB_POLICIES },
  ]),
};

const VARIABLES = { TM_FILENAME_BASE: 'hook', TM_FILENAME: 'hook.yaml' };

function templateOf(name: string, pick?: ReadonlyMap<number, string>): string {
  const snippet = snippets[name]!;
  return PLACEMENTS[name]!.wrap(
    (indent) => expandSnippet(snippet.body, { variables: VARIABLES, indent, ...(pick ? { pick } : {}) }).text,
  );
}

/** Each other option of each choice, one at a time, the rest at their defaults. */
function variants(name: string): Array<{ label: string; text: string }> {
  const { choices } = expandSnippet(snippets[name]!.body);
  return [...choices].flatMap(([index, options]) =>
    options
      .slice(1)
      .map((option) => ({ label: `$${index}=${option}`, text: templateOf(name, new Map([[index, option]])) })),
  );
}

function loudFindings(path: string, text: string): string[] {
  return lintText(path, text)
    .filter((finding) => finding.severity === 'error' || finding.severity === 'warning')
    .map((finding) => `${finding.rule} (${finding.severity}) at ${finding.range.start}: ${finding.message}`);
}

interface K8sObject {
  kind?: string;
  metadata?: { name?: string; annotations?: Record<string, unknown> };
  spec?: Record<string, unknown> & { template?: { spec?: PodSpec } };
}
interface PodSpec {
  restartPolicy?: string;
  activeDeadlineSeconds?: unknown;
  containers?: Array<{
    image?: string;
    env?: Array<{ name: string; value?: string; valueFrom?: { secretKeyRef?: { name?: string; key?: string } } }>;
  }>;
  volumes?: Array<{ persistentVolumeClaim?: { claimName?: string } }>;
}

function renderedObjects(stdout: string): K8sObject[] {
  return parseAllDocuments(stdout)
    .map((document) => document.toJS() as K8sObject | null)
    .filter((object): object is K8sObject => object !== null);
}

/** What makes a hook work the first time and every time after; empty when the object follows it all. */
function practiceProblems(object: K8sObject): string[] {
  const problems: string[] = [];
  const annotations = object.metadata?.annotations ?? {};
  if (!('helm.sh/hook' in annotations)) return problems;
  const name = object.metadata?.name ?? '';
  if (!name.startsWith('r1-')) problems.push(`name ${name} is not scoped to the release`);
  const weight = annotations['helm.sh/hook-weight'];
  if (weight !== undefined && (typeof weight !== 'string' || !/^-?\d+$/.test(weight)))
    problems.push(`weight ${String(weight)} is not a quoted integer`);
  const kind = object.kind;
  if (kind !== 'Job' && kind !== 'Pod') return problems;
  const policies = String(annotations['helm.sh/hook-delete-policy'] ?? '').split(',');
  if (!policies.includes('before-hook-creation'))
    problems.push(`delete policy ${policies.join(',')} lacks before-hook-creation`);
  const pod = (kind === 'Job' ? object.spec?.template?.spec : (object.spec as PodSpec | undefined)) ?? {};
  if (pod.restartPolicy !== 'Never') problems.push(`restartPolicy is ${pod.restartPolicy}`);
  if (kind === 'Job') {
    if (typeof object.spec?.backoffLimit !== 'number') problems.push('no backoffLimit');
    if (typeof object.spec?.activeDeadlineSeconds !== 'number') problems.push('no activeDeadlineSeconds');
  } else if (typeof pod.activeDeadlineSeconds !== 'number') problems.push('no activeDeadlineSeconds');
  for (const container of pod.containers ?? []) {
    const image = container.image ?? '';
    const tag = /:([^:/@]+)$/.exec(image)?.[1];
    if (!image.includes('@sha256:') && (!tag || tag === 'latest')) problems.push(`image ${image} is not pinned`);
    for (const variable of container.env ?? []) {
      if (/URL|PASSWORD|TOKEN|SECRET|KEY/.test(variable.name) && !variable.valueFrom?.secretKeyRef?.name) {
        problems.push(`${variable.name} does not come from a Secret`);
      }
    }
  }
  return problems;
}

describe('hook snippets', () => {
  it('are exactly the seven the client promises, each with a helm-hook- prefix and a description that says what it is for', () => {
    assert.deepEqual(Object.keys(snippets).sort(), Object.keys(PLACEMENTS).sort());
    for (const [name, snippet] of Object.entries(snippets)) {
      const prefixes = typeof snippet.prefix === 'string' ? [snippet.prefix] : snippet.prefix;
      assert.ok(
        prefixes.length > 0 && prefixes.every((prefix) => prefix.startsWith('helm-hook')),
        `${name}: ${prefixes.join(', ')}`,
      );
      assert.ok(snippet.description.length >= 80, `${name}: description too short to say what it is for`);
    }
  });

  it('offer tab stops for names, images and weights, and choices of events and delete policies that Helm knows', () => {
    for (const [name, snippet] of Object.entries(snippets)) {
      const source = typeof snippet.body === 'string' ? snippet.body : snippet.body.join('\n');
      const { choices, tabStops } = expandSnippet(snippet.body);
      assert.ok(tabStops.has(0), `${name}: no final tab stop`);
      assert.match(source, /helm\.sh\/hook-weight: "\$\{\d+:-?\d+\}"/, `${name}: the weight is not a quoted tab stop`);
      if (name !== 'Helm hook: annotations') {
        assert.match(
          source,
          /name: \{\{ \.Release\.Name \}\}-\$\{\d+:[a-z-]+\}/,
          `${name}: the name is not a release-scoped tab stop`,
        );
        assert.match(source, /image: \$\{\d+:[^}]+:[^}]+\}/, `${name}: the image is not a tab stop with a tag`);
      }
      const eventChoice = /helm\.sh\/hook: \$\{(\d+)\|/.exec(source);
      if (name !== 'Helm hook: test Pod') assert.ok(eventChoice, `${name}: events are not a choice`);
      const policyChoice = /helm\.sh\/hook-delete-policy: \$\{(\d+)\|/.exec(source);
      for (const [index, options] of choices) {
        const allowed =
          eventChoice && index === Number(eventChoice[1])
            ? EVENTS
            : policyChoice && index === Number(policyChoice[1])
              ? DELETE_POLICIES
              : undefined;
        assert.ok(allowed, `${name}: choice $${index} is neither events nor a delete policy`);
        for (const option of options) {
          for (const item of option.split(','))
            assert.ok(allowed.has(item), `${name}: choice $${index} offers unknown "${item}"`);
          if (allowed === DELETE_POLICIES)
            assert.ok(
              option.split(',').includes('before-hook-creation'),
              `${name}: "${option}" lacks before-hook-creation`,
            );
        }
      }
    }
  });

  it('create objects of distinct kinds and names, so that two of them in one chart never collide', () => {
    const creators = new Map<string, string>();
    for (const [name, snippet] of Object.entries(snippets)) {
      for (const document of expandSnippet(snippet.body, { variables: VARIABLES }).text.split(/^---$/m)) {
        const kind = /^kind: (\S+)$/m.exec(document)?.[1];
        const objectName = /^metadata:\n(?: {2}.*\n)*? {2}name: (.+)$/m.exec(document)?.[1];
        // The annotations snippet writes no object of its own.
        if (kind === undefined || objectName === undefined) continue;
        const object = `${kind} ${objectName}`;
        assert.equal(creators.get(object), undefined, `${name} creates ${object} too`);
        creators.set(object, name);
      }
    }
    // One object for each whole-object snippet, three for the weighted sequence.
    assert.equal(creators.size, Object.keys(snippets).length - 1 + 2);
  });

  it('write no blank line, also when inserted on an indented line', () => {
    for (const [name, snippet] of Object.entries(snippets)) {
      for (const indent of ['', '    ']) {
        const lines = expandSnippet(snippet.body, { variables: VARIABLES, indent }).text.split('\n');
        const blank = lines.findIndex((line) => line.trim() === '');
        assert.equal(
          blank,
          -1,
          `${name}, inserted with ${indent.length} spaces of indentation, leaves line ${blank + 1} of ${lines.length} blank`,
        );
      }
    }
  });

  for (const name of Object.keys(PLACEMENTS)) {
    describe(name, () => {
      const placement = PLACEMENTS[name]!;
      const text = templateOf(name);

      it('expands with its defaults to a template with no error or warning of ours, and every choice does too', () => {
        assert.doesNotMatch(text, /\$\{|\$\d/, 'a tab stop survived the expansion');
        assert.deepEqual(loudFindings('templates/snippet.yaml', text), []);
        for (const variant of variants(name))
          assert.deepEqual(loudFindings('templates/snippet.yaml', variant.text), [], variant.label);
      });

      it('renders with helm template, decodes with kubectl, and follows hook practice, for the defaults and every choice', (t) => {
        if (!requireBinaries(t, ['helm4', 'kubectl'])) return;
        const all = [{ label: 'defaults', text }, ...variants(name)];
        const templates: Record<string, string> = { ...placement.support };
        all.forEach((variant, index) => (templates[`snippet-${index}.yaml`] = variant.text));
        const rendered = helmTemplate(writeChart(templates), 4);
        assert.equal(rendered.code, 0, rendered.stderr);
        assert.doesNotMatch(rendered.stderr, /skipping unknown hook/);
        const objects = renderedObjects(rendered.stdout);
        const hookCount = objects.filter(
          (object) => object.metadata?.annotations?.['helm.sh/hook'] !== undefined,
        ).length;
        assert.equal(hookCount, all.length * placement.hooks.length);
        for (const object of objects)
          assert.deepEqual(practiceProblems(object), [], `${object.kind} ${object.metadata?.name}`);
        const decoded = kubectlDecode(rendered.stdout);
        assert.equal(decoded.code, 0, decoded.stderr);
        assert.equal(
          decoded.stdout.match(/^\s+probe: "1"$/gm)?.length,
          objects.length,
          'kubectl labelled every object',
        );
      });

      it('is parsed by Helm 4 as the hooks it promises', (t) => {
        if (!requireBinaries(t, ['helm4'])) return;
        const release = helmInstallDryRunJson(writeChart({ ...placement.support, 'snippet.yaml': text }));
        const hooks = release.hooks.map(({ name: hookName, kind, events, weight, delete_policies }) => ({
          name: hookName,
          kind,
          events,
          weight,
          delete_policies,
        }));
        assert.deepEqual(hooks, placement.hooks);
      });
    });
  }

  it('backup: the Job dumps to the claim the chart keeps as a release resource', (t) => {
    if (!requireBinaries(t, ['helm4'])) return;
    const rendered = helmTemplate(
      writeChart({ 'backup-pvc.yaml': BACKUP_PVC, 'backup.yaml': templateOf('Helm hook: backup Job') }),
      4,
    );
    assert.equal(rendered.code, 0, rendered.stderr);
    const objects = renderedObjects(rendered.stdout);
    const claim = objects.find((object) => object.kind === 'PersistentVolumeClaim');
    const job = objects.find((object) => object.kind === 'Job');
    assert.equal(claim?.metadata?.annotations?.['helm.sh/resource-policy'], 'keep');
    assert.deepEqual(
      job?.spec?.template?.spec?.volumes?.map((volume) => volume.persistentVolumeClaim?.claimName),
      [claim?.metadata?.name],
    );
  });
});

describe('snippet expansion (the editor behaviour the snippet tests rely on)', () => {
  it("keeps placeholder text, picks a choice's first option, mirrors a tab stop and drops $0", () => {
    assert.equal(expandSnippet('a: ${1:x} b: $1 c: ${2|p\\,q,r|} d: $2$0').text, 'a: x b: x c: p,q d: p,q');
  });

  it('expands nested placeholders and unescapes \\$, \\} and \\\\ but keeps other backslashes', () => {
    assert.equal(
      expandSnippet('${1:outer ${2:inner}} $2 \\$HOME \\} \\\\ \\"').text,
      'outer inner inner $HOME } \\ \\"',
    );
  });

  it("resolves variables, falls back to their default, and inserts an unknown variable's name", () => {
    const variables = { TM_FILENAME_BASE: 'job', TM_SELECTED_TEXT: '' };
    assert.equal(
      expandSnippet('$TM_FILENAME_BASE ${TM_SELECTED_TEXT:none} $NOT_A_VARIABLE', { variables }).text,
      'job none NOT_A_VARIABLE',
    );
  });

  it('indents every line after the first like the line it is inserted on, and can pick another option', () => {
    assert.equal(
      expandSnippet(['a:', '  b: ${1|x,y|}'], { indent: '    ', pick: new Map([[1, 'y']]) }).text,
      'a:\n      b: y',
    );
  });
});
