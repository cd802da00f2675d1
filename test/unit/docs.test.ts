import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { readManifest, renderRulesDoc, renderRuleTable, renderSettingsTable, updateReadme } from '../../scripts/docs';
import { ALL_RULES } from '../../server/src/engine/rules';
import { REPO_ROOT } from '../support/paths';

describe('generated documentation', () => {
  it('the README rule table is the one generated from the rules (run npm run docs when this fails)', () => {
    const readme = readFileSync(join(REPO_ROOT, 'README.md'), 'utf8');
    assert.equal(updateReadme(readme), readme);
    for (const rule of ALL_RULES) assert.ok(readme.includes(`\`${rule.id}\``), `README lists ${rule.id}`);
  });

  it("the README settings table is the one generated from package.json's settings (run npm run docs when this fails)", () => {
    const readme = readFileSync(join(REPO_ROOT, 'README.md'), 'utf8');
    const manifest = readManifest(REPO_ROOT);
    const table = renderSettingsTable(manifest);
    assert.ok(readme.includes(table), 'README holds the generated settings table');
    const settings = Object.entries(manifest.contributes.configuration.properties);
    assert.ok(settings.length >= 6);
    for (const [id, setting] of settings) {
      assert.ok(table.includes(`| \`${id}\` | \`${JSON.stringify(setting.default)}\` |`), `${id} and its default`);
    }
    // A description changed in package.json alone leaves the README stale, and the check above fails.
    const [firstId, first] = settings[0]!;
    const changed = structuredClone(manifest);
    changed.contributes.configuration.properties[firstId] = { ...first, markdownDescription: 'Something else.' };
    assert.ok(!readme.includes(renderSettingsTable(changed)));
  });

  it('the README rule table links each rule to its source file', () => {
    for (const rule of ALL_RULES) {
      const path = `server/src/engine/rules/${rule.id}.ts`;
      assert.ok(renderRuleTable().includes(`](${path})`), `${rule.id} links ${path}`);
      assert.ok(existsSync(join(REPO_ROOT, path)), `${path} exists`);
    }
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
    assert.deepEqual(
      ids,
      ALL_RULES.map((rule) => rule.id),
    );
  });
});
