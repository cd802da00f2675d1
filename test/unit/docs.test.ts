import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { renderRulesDoc, renderRuleTable, updateReadme } from '../../scripts/docs';
import { ALL_RULES } from '../../server/src/engine/rules';
import { REPO_ROOT } from '../support/paths';

describe('generated documentation', () => {
  it('the README rule table is the one generated from the rules (run npm run docs when this fails)', () => {
    const readme = readFileSync(join(REPO_ROOT, 'README.md'), 'utf8');
    assert.equal(updateReadme(readme), readme);
    for (const rule of ALL_RULES) assert.ok(readme.includes(`\`${rule.id}\``), `README lists ${rule.id}`);
  });

  it('docs/rules.md is the one generated from the rules (run npm run docs when this fails)', () => {
    assert.equal(readFileSync(join(REPO_ROOT, 'docs', 'rules.md'), 'utf8'), renderRulesDoc());
  });

  it('every rule has a summary, a description, its Helm fact and both examples', () => {
    for (const rule of ALL_RULES) {
      assert.ok(rule.summary.length > 10, `${rule.id} summary`);
      assert.ok(rule.docs.description.length > 40, `${rule.id} description`);
      assert.ok(rule.docs.helmFact.length > 20, `${rule.id} Helm fact`);
      assert.ok(rule.docs.bad.trim() !== '' && rule.docs.good.trim() !== '', `${rule.id} examples`);
      assert.match(rule.id, /^[a-z]+(-[a-z]+)*$/);
    }
  });

  it('the table names every rule once, in registry order', () => {
    const ids = [...renderRuleTable().matchAll(/\[`([a-z-]+)`\]/g)].map((match) => match[1]);
    assert.deepEqual(ids, ALL_RULES.map((rule) => rule.id));
  });
});
