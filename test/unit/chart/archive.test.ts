import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, describe, it } from 'node:test';
import { gunzipSync, gzipSync } from 'node:zlib';
import { readChartArchive } from '../../../server/src/engine/chart/archive';

const scratch = mkdtempSync(join(tmpdir(), 'helm-hooks-archive-'));
after(() => rmSync(scratch, { recursive: true, force: true }));

/** A .tgz written by the system tar (GNU tar: ustar with GNU long-name or pax records as needed). */
function tarGz(files: Readonly<Record<string, string | Buffer>>, args: string[] = []): Buffer {
  const root = mkdtempSync(join(scratch, 'src-'));
  for (const [path, data] of Object.entries(files)) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), data);
  }
  const out = join(root, '..', `${Date.now()}-${Math.random()}.tgz`);
  const result = spawnSync(
    'tar',
    [
      'czf',
      out,
      ...args,
      '-C',
      root,
      ...Object.keys(files)
        .map((path) => path.split('/')[0]!)
        .filter((v, i, a) => a.indexOf(v) === i),
    ],
    { encoding: 'utf8' },
  );
  assert.equal(result.status, 0, result.stderr);
  return readFileSync(out);
}

describe('readChartArchive reads chart .tgz files as Helm LoadArchiveFiles', () => {
  it('drops the top directory from every name and skips directory entries', () => {
    const result = readChartArchive(
      tarGz({ 'mychart/Chart.yaml': 'name: mychart\n', 'mychart/templates/a.yaml': 'a' }),
    );
    assert.ok(result.ok);
    assert.equal(result.contents.root, 'mychart');
    assert.deepEqual(result.contents.files.map((file) => [file.name, file.data.toString()]).sort(), [
      ['Chart.yaml', 'name: mychart\n'],
      ['templates/a.yaml', 'a'],
    ]);
  });

  it('reads names longer than 100 bytes (GNU long names and pax headers)', () => {
    const long = `mychart/templates/${'d'.repeat(120)}/${'f'.repeat(90)}.yaml`;
    for (const format of ['--format=gnu', '--format=pax']) {
      const result = readChartArchive(tarGz({ [long]: 'x', 'mychart/Chart.yaml': '' }, [format]));
      assert.ok(result.ok, format);
      assert.ok(
        result.contents.files.some((file) => file.name === long.slice('mychart/'.length)),
        format,
      );
    }
  });

  it('strips a UTF-8 byte order mark from file contents', () => {
    const result = readChartArchive(
      tarGz({ 'c/values.yaml': Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('a: 1\n')]) }),
    );
    assert.ok(result.ok);
    assert.equal(result.contents.files[0]!.data.toString(), 'a: 1\n');
  });

  it('reports, without throwing, data that is not gzip, a truncated archive, and an empty one', () => {
    assert.deepEqual(readChartArchive(Buffer.from('values: not an archive')).ok, false);
    const good = tarGz({ 'c/Chart.yaml': 'x'.repeat(2000) });
    const truncated = gzipSync(gunzipSync(good).subarray(0, 700));
    const result = readChartArchive(truncated);
    assert.equal(result.ok, false);
    assert.match(!result.ok ? result.error : '', /unexpected end|invalid tar header/);
    const empty = readChartArchive(gzipSync(Buffer.alloc(1024)));
    assert.deepEqual(empty, { ok: false, error: 'no files in chart archive' });
  });

  it('refuses names that climb out of the chart, as Helm does', () => {
    const header = Buffer.alloc(512);
    header.write('c/../../etc/passwd', 0, 'latin1');
    header.write('0000644\0', 100, 'latin1');
    header.write('00000000001\0', 124, 'latin1');
    header.write('0', 156, 'latin1');
    header.write('ustar\0' + '00', 257, 'latin1');
    header.fill(0x20, 148, 156);
    let sum = 0;
    for (const byte of header) sum += byte;
    header.write(sum.toString(8).padStart(6, '0') + '\0 ', 148, 'latin1');
    const body = Buffer.alloc(512);
    body.write('x');
    const result = readChartArchive(gzipSync(Buffer.concat([header, body, Buffer.alloc(1024)])));
    assert.deepEqual(result, { ok: false, error: 'chart illegally references parent directory' });
  });
});
