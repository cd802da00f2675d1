import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import { FakeKubeServer } from '../support/fake-kube/server';

/**
 * The fake API server's own behaviour, over HTTP and without Helm, so that its answers are pinned down even where
 * the Helm binaries are missing: what the differential tests read from it must be what it was asked.
 */

let server: FakeKubeServer;
before(async () => {
  server = await FakeKubeServer.start();
});
after(() => server.close());
beforeEach(() => server.reset({ 'stuck-job': { outcome: 'hang' }, 'bad-job': { outcome: 'fail', log: 'it broke' } }));

/** The tests read API responses field by field, as a client does. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- responses are arbitrary JSON
type ApiJson = Record<string, any>;

async function call(
  method: string,
  path: string,
  body?: unknown,
  contentType = 'application/json',
): Promise<{ status: number; json: ApiJson }> {
  const response = await fetch(`${server.url}${path}`, {
    method,
    headers: { 'Content-Type': contentType },
    ...(body === undefined ? {} : { body: typeof body === 'string' ? body : JSON.stringify(body) }),
  });
  const text = await response.text();
  return { status: response.status, json: text.startsWith('{') ? JSON.parse(text) : { text } };
}

const CONFIGMAPS = '/api/v1/namespaces/default/configmaps';
const configMap = (name: string, data: Record<string, string> = { key: 'value' }, labels?: Record<string, string>) => ({
  apiVersion: 'v1',
  kind: 'ConfigMap',
  metadata: { name, ...(labels ? { labels } : {}) },
  data,
});

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

describe('fake Kubernetes API server', { timeout: 30_000 }, () => {
  it('serves discovery for the core group and the named groups charts use, and the default namespace', async () => {
    assert.deepEqual((await call('GET', '/api')).json.versions, ['v1']);
    const groups = (await call('GET', '/apis')).json.groups.map((group: { name: string }) => group.name);
    for (const group of [
      'apps',
      'batch',
      'rbac.authorization.k8s.io',
      'networking.k8s.io',
      'policy',
      'apiextensions.k8s.io',
      'autoscaling',
    ])
      assert.ok(groups.includes(group), group);
    const batch = (await call('GET', '/apis/batch/v1')).json.resources.map(
      (resource: { name: string }) => resource.name,
    );
    assert.deepEqual(batch, ['jobs', 'jobs/status', 'cronjobs', 'cronjobs/status']);
    assert.equal((await call('GET', '/apis/unknown.example.com/v1')).status, 404);
    // The namespaces a cluster starts with.
    assert.equal((await call('GET', '/api/v1/namespaces/default')).json.status.phase, 'Active');
  });

  it('creates, gets and deletes, with Kubernetes-shaped 404 and 409 answers, and logs each request in order', async () => {
    assert.equal((await call('POST', CONFIGMAPS, configMap('a'))).status, 201);
    const conflict = await call('POST', CONFIGMAPS, configMap('a'));
    assert.equal(conflict.status, 409);
    assert.equal(conflict.json.message, 'configmaps "a" already exists');
    assert.equal((await call('GET', `${CONFIGMAPS}/a`)).json.data.key, 'value');
    assert.equal((await call('DELETE', `${CONFIGMAPS}/a`, { propagationPolicy: 'Background' })).status, 200);
    const missing = await call('GET', `${CONFIGMAPS}/a`);
    assert.equal(missing.status, 404);
    assert.equal(missing.json.message, 'configmaps "a" not found');
    assert.equal(
      (await call('DELETE', '/apis/batch/v1/namespaces/default/jobs/a')).json.message,
      'jobs.batch "a" not found',
    );
    assert.deepEqual(
      server.requests.map((request) => [
        request.seq,
        request.method,
        request.verb,
        request.kind,
        request.name,
        request.status,
        request.existedBefore,
      ]),
      [
        [1, 'POST', 'create', 'ConfigMap', 'a', 201, false],
        [2, 'POST', 'create', 'ConfigMap', 'a', 409, true],
        [3, 'GET', 'get', 'ConfigMap', 'a', 200, undefined],
        [4, 'DELETE', 'delete', 'ConfigMap', 'a', 200, true],
        [5, 'GET', 'get', 'ConfigMap', 'a', 404, undefined],
        [6, 'DELETE', 'delete', 'Job', 'a', 404, false],
      ],
    );
    assert.equal(server.requests[3].query.propagationPolicy, 'Background');
  });

  it('applies server-side as an upsert, and patches with merge and strategic merge', async () => {
    const apply = (body: unknown) =>
      call('PATCH', `${CONFIGMAPS}/b?fieldManager=helm`, body, 'application/apply-patch+yaml');
    assert.equal((await apply(configMap('b', { one: '1' }))).status, 201);
    assert.equal((await apply(configMap('b', { two: '2' }))).status, 200);
    assert.deepEqual((await call('GET', `${CONFIGMAPS}/b`)).json.data, { two: '2' });
    assert.deepEqual([server.requests[0].existedBefore, server.requests[1].existedBefore], [false, true]);

    await call('PATCH', `${CONFIGMAPS}/b`, { data: { two: null, three: '3' } }, 'application/merge-patch+json');
    assert.deepEqual((await call('GET', `${CONFIGMAPS}/b`)).json.data, { three: '3' });

    await call('POST', '/api/v1/namespaces/default/pods', {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'p' },
      spec: {
        containers: [
          { name: 'a', image: 'x' },
          { name: 'b', image: 'y' },
        ],
      },
    });
    await call(
      'PATCH',
      '/api/v1/namespaces/default/pods/p',
      { spec: { $setElementOrder: [], containers: [{ name: 'b', image: 'z' }] } },
      'application/strategic-merge-patch+json',
    );
    assert.deepEqual((await call('GET', '/api/v1/namespaces/default/pods/p')).json.spec.containers, [
      { name: 'a', image: 'x' },
      { name: 'b', image: 'z' },
    ]);
    assert.equal((await call('PATCH', `${CONFIGMAPS}/b`, [], 'application/json-patch+json')).status, 415);
  });

  it('lists by label selector and replays watch events after a resource version', async () => {
    await call('POST', CONFIGMAPS, configMap('x', {}, { owner: 'helm', name: 'r' }));
    await call('POST', CONFIGMAPS, configMap('y', {}, { owner: 'other' }));
    const names = async (selector: string) =>
      (await call('GET', `${CONFIGMAPS}?labelSelector=${encodeURIComponent(selector)}`)).json.items.map(
        (item: { metadata: { name: string } }) => item.metadata.name,
      );
    assert.deepEqual(await names('owner=helm,name=r'), ['x']);
    assert.deepEqual(await names('owner!=helm'), ['y']);
    assert.deepEqual(await names('owner in (helm,other)'), ['x', 'y']);
    assert.deepEqual(await names('!name'), ['y']);

    const version = (await call('GET', CONFIGMAPS)).json.metadata.resourceVersion;
    await call('DELETE', `${CONFIGMAPS}/y`);
    const controller = new AbortController();
    const response = await fetch(`${server.url}${CONFIGMAPS}?watch=true&resourceVersion=${version}`, {
      signal: controller.signal,
    });
    const reader = response.body!.getReader();
    let received = '';
    while (!received.includes('\n')) {
      const { value, done } = await reader.read();
      if (done) break;
      received += new TextDecoder().decode(value);
    }
    controller.abort();
    const event = JSON.parse(received.split('\n')[0]);
    assert.equal(event.type, 'DELETED');
    assert.equal(event.object.metadata.name, 'y');
  });

  it('completes, fails and logs Jobs as the scenario says, keeps a completed Job’s status when it is applied again, and deletes its pod with it', async () => {
    const job = (name: string) => ({
      apiVersion: 'batch/v1',
      kind: 'Job',
      metadata: { name },
      spec: { template: { spec: { containers: [{ name: 'main' }] } } },
    });
    for (const name of ['good-job', 'bad-job', 'stuck-job'])
      await call('POST', '/apis/batch/v1/namespaces/default/jobs', job(name));
    await delay(150);
    const conditions = async (name: string) =>
      ((await call('GET', `/apis/batch/v1/namespaces/default/jobs/${name}`)).json.status.conditions ?? []).map(
        (condition: { type: string }) => condition.type,
      );
    assert.ok((await conditions('good-job')).includes('Complete'));
    assert.ok((await conditions('bad-job')).includes('Failed'));
    assert.deepEqual(await conditions('stuck-job'), []);
    // Applied again unchanged, a completed Job stays complete: it does not run again (reference R4).
    await call(
      'PATCH',
      '/apis/batch/v1/namespaces/default/jobs/good-job',
      job('good-job'),
      'application/apply-patch+yaml',
    );
    assert.ok((await conditions('good-job')).includes('Complete'));
    const pods = (await call('GET', '/api/v1/namespaces/default/pods?labelSelector=job-name%3Dbad-job')).json.items;
    assert.deepEqual(
      pods.map((pod: { metadata: { name: string }; status: { phase: string } }) => [
        pod.metadata.name,
        pod.status.phase,
      ]),
      [['bad-job-run', 'Failed']],
    );
    assert.equal((await call('GET', '/api/v1/namespaces/default/pods/bad-job-run/log')).json.text, 'it broke');
    await call('DELETE', '/apis/batch/v1/namespaces/default/jobs/bad-job');
    assert.equal((await call('GET', '/api/v1/namespaces/default/pods/bad-job-run')).status, 404);
  });

  it('reads the protobuf Secrets Helm stores its releases in', async () => {
    // k8s\0 + runtime.Unknown{typeMeta{apiVersion "v1", kind "Secret"}, raw Secret{metadata{name "s", labels{owner: helm}}, type "t"}}.
    const field = (number: number, bytes: Buffer) =>
      Buffer.concat([Buffer.from([(number << 3) | 2, bytes.length]), bytes]);
    const text = (number: number, value: string) => field(number, Buffer.from(value));
    const metadata = Buffer.concat([text(1, 's'), field(11, Buffer.concat([text(1, 'owner'), text(2, 'helm')]))]);
    const secret = Buffer.concat([field(1, metadata), text(3, 't')]);
    const body = Buffer.concat([
      Buffer.from('k8s\0'),
      field(1, Buffer.concat([text(1, 'v1'), text(2, 'Secret')])),
      field(2, secret),
    ]);
    const response = await fetch(`${server.url}/api/v1/namespaces/default/secrets`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/vnd.kubernetes.protobuf' },
      body,
    });
    assert.equal(response.status, 201);
    const stored = (await call('GET', '/api/v1/namespaces/default/secrets/s')).json;
    assert.deepEqual([stored.kind, stored.type, stored.metadata.labels], ['Secret', 't', { owner: 'helm' }]);
  });
});
