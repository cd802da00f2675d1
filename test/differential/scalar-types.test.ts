import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { analyzeTemplate } from '../../server/src/engine/analysis/file';
import type { ValueModel } from '../../server/src/engine/model/document';
import { parseHookWeight, parsePolicyList } from '../../server/src/engine/model/hook';
import type { KubeScalarType } from '../../server/src/engine/model/scalar';
import { helmStringOf, resolvePlainScalar } from '../../server/src/engine/model/scalar';
import type { DecodeOutcome } from '../support/helm';
import { helmInstallDryRunJson, kubectlDecode, kubectlDecodeAll, requireBinaries, writeChart } from '../support/helm';
import { configMapWith } from '../support/rule-tester';

/**
 * Unquoted annotation values, each with the type go-yaml v2 (through sigs.k8s.io/yaml) gives it, worked out by hand
 * from its resolve rules: int/float/bool make Kubernetes reject the object, string/null are accepted.
 * `kubectl` overrides the expected rejection text where the value is a float JSON cannot hold.
 */
interface Row {
  text: string;
  type: KubeScalarType;
  kubectl?: RegExp;
}

const ROWS: readonly Row[] = [
  // Integers: strconv.ParseInt(s, 0, 64) after removing underscores, then ParseUint.
  { text: '010', type: 'int' },
  { text: '0777', type: 'int' },
  { text: '0x10', type: 'int' },
  { text: '0X1F', type: 'int' },
  { text: '+0x10', type: 'int' },
  { text: '0o10', type: 'int' },
  { text: '0b101', type: 'int' },
  { text: '-0b101', type: 'int' },
  { text: '1_000', type: 'int' },
  { text: '1__0', type: 'int' },
  { text: '+5', type: 'int' },
  { text: '-5', type: 'int' },
  { text: '0', type: 'int' },
  { text: '-0', type: 'int' },
  { text: '9223372036854775807', type: 'int' },
  { text: '18446744073709551615', type: 'int' },
  // Floats: yamlStyleFloat, or a leading "." that strconv.ParseFloat accepts.
  { text: '.5', type: 'float' },
  { text: '-.5', type: 'float' },
  { text: '5.0', type: 'float' },
  { text: '0.', type: 'float' },
  { text: '1e3', type: 'float' },
  { text: '1E3', type: 'float' },
  { text: '1_000.5', type: 'float' },
  { text: '08', type: 'float' }, // not octal, so ParseInt fails; "08" still matches yamlStyleFloat
  { text: '99999999999999999999', type: 'float' }, // beyond uint64
  { text: '-9223372036854775809', type: 'float' },
  { text: '3.141592653589793', type: 'float' },
  { text: '16777217.0', type: 'float' },
  { text: '.inf', type: 'float', kubectl: /unsupported value: \+Inf/ },
  { text: '.Inf', type: 'float', kubectl: /unsupported value: \+Inf/ },
  { text: '+.inf', type: 'float', kubectl: /unsupported value: \+Inf/ },
  { text: '-.inf', type: 'float', kubectl: /unsupported value: -Inf/ },
  { text: '.nan', type: 'float', kubectl: /unsupported value: NaN/ },
  { text: '.NaN', type: 'float', kubectl: /unsupported value: NaN/ },
  // Booleans: YAML 1.1's y/n, yes/no, on/off, true/false in three spellings each.
  { text: 'y', type: 'bool' },
  { text: 'Y', type: 'bool' },
  { text: 'n', type: 'bool' },
  { text: 'yes', type: 'bool' },
  { text: 'Yes', type: 'bool' },
  { text: 'on', type: 'bool' },
  { text: 'ON', type: 'bool' },
  { text: 'NO', type: 'bool' },
  { text: 'off', type: 'bool' },
  { text: 'true', type: 'bool' },
  { text: 'False', type: 'bool' },
  { text: 'TRUE', type: 'bool' },
  // Nulls.
  { text: '~', type: 'null' },
  { text: 'null', type: 'null' },
  { text: 'Null', type: 'null' },
  { text: 'NULL', type: 'null' },
  // Strings: no sexagesimal numbers in go-yaml v2, timestamps kept as text, mixed case is not a bool or null.
  { text: '12:30', type: 'string' },
  { text: '12:30:45', type: 'string' },
  { text: '2024-01-01', type: 'string' },
  { text: '2024-1-1', type: 'string' },
  { text: '2024-01-01T10:00:00Z', type: 'string' },
  { text: 'abc', type: 'string' },
  { text: '1.2.3', type: 'string' },
  { text: '0x', type: 'string' },
  { text: '0o8', type: 'string' },
  { text: '0b2', type: 'string' },
  { text: '0x1p3', type: 'string' },
  { text: '+', type: 'string' },
  { text: '.', type: 'string' },
  { text: '_1', type: 'string' },
  { text: '1e', type: 'string' },
  { text: '1e400', type: 'string' }, // ParseFloat overflows, so go-yaml keeps the text
  { text: 'inf', type: 'string' },
  { text: 'nan', type: 'string' },
  { text: 'oN', type: 'string' },
  { text: 'tRUE', type: 'string' },
  { text: 'yEs', type: 'string' },
  { text: 'nULL', type: 'string' },
  { text: '1,000', type: 'string' },
  { text: '5Mi', type: 'string' },
  { text: 'v1', type: 'string' },
];

const ANNOTATION = 'example.com/value';

function objectWith(value: string): string {
  return configMapWith([`${ANNOTATION}: ${value}`], 'probe');
}

/** The annotation's value as our as-written model sees it in `text`. */
function modelValue(text: string, key: string, document = 0): ValueModel {
  const annotations = analyzeTemplate('templates/t.yaml', text).model.documents[document]?.annotations;
  const entry = annotations?.entries.find((candidate) => candidate.key === key);
  assert.ok(entry, `the model finds ${key}`);
  return entry.value;
}

function isRejected(type: KubeScalarType): boolean {
  return type === 'int' || type === 'float' || type === 'bool';
}

function rejection(row: Row): RegExp {
  if (row.kubectl) return row.kubectl;
  const json = row.type === 'bool' ? 'bool' : 'number';
  return new RegExp(
    `unable to decode ".*": json: cannot unmarshal ${json} into Go struct field ObjectMeta\\.metadata\\.annotations of type string`,
  );
}

describe('unquoted annotation scalars: our resolver against the hand-written table', () => {
  it('the table covers at least 30 scalars of every type', () => {
    assert.ok(ROWS.length >= 30);
    for (const type of ['int', 'float', 'bool', 'null', 'string'] as const)
      assert.ok(
        ROWS.some((row) => row.type === type),
        type,
      );
    assert.equal(new Set(ROWS.map((row) => row.text)).size, ROWS.length, 'no row is listed twice');
  });

  for (const row of ROWS) {
    it(`resolves ${row.text} as ${row.type}, directly and in an annotation`, () => {
      assert.equal(resolvePlainScalar(row.text).type, row.type);
      const value = modelValue(objectWith(row.text), ANNOTATION);
      assert.equal(value.style, 'plain');
      assert.equal(value.kubeType, row.type);
    });
  }
});

describe('unquoted annotation scalars: kubectl v1.34 decodes as the table says', () => {
  // One kubectl run for the whole table: each row unquoted, then double-quoted as the positive control.
  let outcomes: DecodeOutcome[] | undefined;
  const decoded = (index: number) => {
    outcomes ??= kubectlDecodeAll(ROWS.flatMap((row) => [objectWith(row.text), objectWith(JSON.stringify(row.text))]));
    return { unquoted: outcomes[2 * index]!, quoted: outcomes[2 * index + 1]! };
  };

  ROWS.forEach((row, index) => {
    if (isRejected(row.type)) {
      it(`rejects ${row.text} (${row.type}) and accepts it quoted`, (t) => {
        if (!requireBinaries(t, ['kubectl'])) return;
        const { unquoted, quoted } = decoded(index);
        assert.equal(unquoted.object, undefined);
        assert.match(unquoted.error, rejection(row));
        assert.equal(quoted.error, '');
        assert.equal(quoted.object?.metadata?.labels?.probe, '1');
        assert.equal(quoted.object?.metadata?.annotations?.[ANNOTATION], row.text);
      });
    } else {
      it(`accepts ${row.text} (${row.type})`, (t) => {
        if (!requireBinaries(t, ['kubectl'])) return;
        const { unquoted } = decoded(index);
        assert.equal(unquoted.error, '');
        assert.equal(unquoted.object?.metadata?.labels?.probe, '1');
        assert.equal(unquoted.object?.metadata?.annotations?.[ANNOTATION], row.type === 'null' ? null : row.text);
      });
    }
  });

  it('one kubectl run for many files reports each file as one run per file does (exit 1 and its error, or exit 0)', (t) => {
    if (!requireBinaries(t, ['kubectl'])) return;
    const texts = [objectWith('010'), objectWith('abc'), objectWith('yes')];
    const together = kubectlDecodeAll(texts);
    texts.forEach((text, index) => {
      const alone = kubectlDecode(text);
      const outcome = together[index]!;
      if (outcome.error === '') {
        assert.equal(alone.code, 0, alone.stderr);
        assert.equal(outcome.object?.metadata?.annotations?.[ANNOTATION], 'abc');
      } else {
        assert.equal(alone.code, 1);
        assert.ok(
          alone.stderr.includes(outcome.error.slice(outcome.error.indexOf('json: '))),
          `${alone.stderr} / ${outcome.error}`,
        );
      }
    });
    assert.deepEqual(
      together.map((outcome) => outcome.error === ''),
      [false, true, false],
    );
  });

  it('refuses a lone "-" as YAML, as our parser does, and accepts it quoted', (t) => {
    if (!requireBinaries(t, ['kubectl'])) return;
    const text = objectWith('-');
    const result = kubectlDecode(text);
    assert.equal(result.code, 1);
    assert.match(result.stderr, /block sequence entries are not allowed in this context/);
    assert.ok(
      analyzeTemplate('templates/t.yaml', text).model.yamlProblems.length > 0,
      'our parse reports a YAML problem',
    );
    const control = kubectlDecode(objectWith('"-"'));
    assert.equal(control.code, 0, control.stderr);
    assert.match(control.stdout, new RegExp(`^ +${ANNOTATION}: '?-'?$`, 'm'));
  });
});

/** Formatting corner cases of Helm's float-to-string conversion, beside the table's floats. */
const FLOAT_TEXTS = [
  '0.000244140625',
  '19781.0625',
  '1e39',
  '-1e39',
  '1e-50',
  '123456789.0',
  '1e6',
  '999999.0',
  '2.5e-5',
];

describe("Helm's string of each scalar is helmStringOf's", () => {
  const texts = [...ROWS.map((row) => row.text), ...FLOAT_TEXTS];
  // metadata.name and the annotations are decoded into Go strings the same way; the name keeps the case that the
  // delete-policy parser lower-cases, and the delete policy proves that annotations get the same conversion.
  const chart = () =>
    writeChart({
      't.yaml':
        texts
          .map((text, index) =>
            [
              '---',
              'apiVersion: v1',
              'kind: ConfigMap',
              'metadata:',
              `  name: ${text}`,
              '  annotations:',
              '    helm.sh/hook: pre-install',
              `    helm.sh/hook-delete-policy: ${text}`,
              `    helm.sh/hook-output-log-policy: "row-${index}"`,
              'data: {}',
            ].join('\n'),
          )
          .join('\n') + '\n',
    });
  let release: ReturnType<typeof helmInstallDryRunJson> | undefined;

  texts.forEach((text, index) => {
    it(`Helm reads unquoted ${text} as helmStringOf says`, (t) => {
      if (!requireBinaries(t, ['helm4'])) return;
      release ??= helmInstallDryRunJson(chart());
      const hook = release.hooks.find((candidate) => candidate.output_log_policies[0] === `row-${index}`);
      assert.ok(hook, `row ${index} is a hook`);
      const expected = helmStringOf(text, 'plain');
      assert.equal(hook.name, expected);
      assert.deepEqual(hook.delete_policies, parsePolicyList(expected));
    });
  });
});

/** Hook weights, hand-worked from Helm's YAML 1.1 string conversion followed by strconv.Atoi (0 on error). */
const WEIGHTS: readonly { lines: string[]; weight: number }[] = [
  { lines: ['helm.sh/hook-weight: 010'], weight: 8 },
  { lines: ['helm.sh/hook-weight: 5.0'], weight: 5 },
  { lines: ['helm.sh/hook-weight: 1e3'], weight: 1000 },
  { lines: ['helm.sh/hook-weight: 0x10'], weight: 16 },
  { lines: ['helm.sh/hook-weight: 1_000'], weight: 1000 },
  { lines: ['helm.sh/hook-weight: 0o10'], weight: 8 },
  { lines: ['helm.sh/hook-weight: 0b101'], weight: 5 },
  { lines: ['helm.sh/hook-weight: 08'], weight: 8 },
  { lines: ['helm.sh/hook-weight: -5'], weight: -5 },
  { lines: ['helm.sh/hook-weight: +5'], weight: 5 },
  { lines: ['helm.sh/hook-weight: 5.5'], weight: 0 },
  { lines: ['helm.sh/hook-weight: .5'], weight: 0 },
  { lines: ['helm.sh/hook-weight: 1e5'], weight: 100000 },
  { lines: ['helm.sh/hook-weight: 1e6'], weight: 0 }, // "1e+06"
  { lines: ['helm.sh/hook-weight: 99999999999999999999'], weight: 0 }, // "1e+20"
  { lines: ['helm.sh/hook-weight: true'], weight: 0 },
  { lines: ['helm.sh/hook-weight: ~'], weight: 0 },
  { lines: ['helm.sh/hook-weight: "010"'], weight: 10 },
  { lines: ['helm.sh/hook-weight: "5.0"'], weight: 0 },
  { lines: ['helm.sh/hook-weight: " 5"'], weight: 0 },
  { lines: ['helm.sh/hook-weight: "5 "'], weight: 0 },
  { lines: ['helm.sh/hook-weight: "+5"'], weight: 5 },
  { lines: ['helm.sh/hook-weight: "-0"'], weight: 0 },
  { lines: ['helm.sh/hook-weight: "007"'], weight: 7 },
  { lines: ['helm.sh/hook-weight: "0x10"'], weight: 0 },
  { lines: ['helm.sh/hook-weight: "1_000"'], weight: 0 },
  { lines: ['helm.sh/hook-weight: "99999999999999999999"'], weight: 0 },
  { lines: ["helm.sh/hook-weight: '12'"], weight: 12 },
  { lines: ['helm.sh/hook-weight: |', '  5', 'example.com/after: x'], weight: 0 }, // "5\n"
  { lines: ['helm.sh/hook-weight: |-', '  5', 'example.com/after: x'], weight: 5 },
];

describe("hook weights: Helm's parse equals parseHookWeight(helmStringOf(...))", () => {
  const documents = WEIGHTS.map((row, index) =>
    configMapWith(['helm.sh/hook: pre-install', ...row.lines], `weight-${index}`),
  );
  let release: ReturnType<typeof helmInstallDryRunJson> | undefined;

  WEIGHTS.forEach((row, index) => {
    const written = row.lines.join(' ⏎ ');
    it(`${written} has weight ${row.weight}`, (t) => {
      const value = modelValue(documents[index]!, 'helm.sh/hook-weight');
      assert.ok(value.decoded !== undefined && value.style !== undefined);
      assert.equal(parseHookWeight(helmStringOf(value.decoded, value.style)).weight, BigInt(row.weight));
      assert.equal(parseHookWeight(value.helmString).weight, BigInt(row.weight));
      if (!requireBinaries(t, ['helm4'])) return;
      release ??= helmInstallDryRunJson(writeChart({ 't.yaml': documents.map((text) => `---\n${text}`).join('') }));
      const hook = release.hooks.find((candidate) => candidate.name === `weight-${index}`);
      assert.ok(hook, `weight-${index} is a hook`);
      assert.equal(hook.weight, row.weight);
    });
  });
});
