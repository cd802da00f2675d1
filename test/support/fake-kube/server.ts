import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { createServer } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { parse as parseYaml } from 'yaml';
import { decodeProtobufObject } from './protobuf';
import type { ResourceType } from './resources';
import { apiVersionOf, Discovery } from './resources';

/**
 * A recording fake Kubernetes API server for the tests: the real `helm` binaries install, upgrade, roll back,
 * uninstall and test releases against it through a kubeconfig, and the tests read what Helm asked for.
 *
 * In memory, HTTP only, one process. It serves discovery and a minimal OpenAPI v3, create / get / list / watch /
 * update / delete, server-side apply as an upsert, merge and strategic-merge patches, and pod logs. A toy
 * controller completes, fails or leaves hanging each Job and Pod as the scenario says for its name. It is not a
 * kube-apiserver: no admission, no field ownership, no immutable fields, no finalizers, no garbage collection.
 */

export type KubeObject = Record<string, unknown> & {
  apiVersion?: string;
  kind?: string;
  metadata?: ObjectMeta;
  status?: Record<string, unknown>;
};

export interface ObjectMeta {
  name?: string;
  namespace?: string;
  uid?: string;
  resourceVersion?: string;
  generation?: number;
  creationTimestamp?: string;
  deletionTimestamp?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  [key: string]: unknown;
}

/** What the toy controller does with a Job or Pod of a given name. */
export interface WorkloadScenario {
  /** `complete` (the default) succeeds, `fail` fails, `hang` stays running. */
  outcome?: 'complete' | 'fail' | 'hang';
  /** How long after creation the outcome is reported (default 20 ms). */
  delayMs?: number;
  /** What GET pods/NAME/log returns (for a Job, the log of its pod). */
  log?: string;
}

export type RequestVerb =
  | 'discovery'
  | 'openapi'
  | 'get'
  | 'list'
  | 'watch'
  | 'create'
  | 'update'
  | 'patch'
  | 'apply'
  | 'delete'
  | 'deletecollection'
  | 'log'
  | 'unknown';

export interface StoredObjectRef {
  kind: string;
  name: string;
  namespace?: string;
  releaseRecord: boolean;
  /** Made by the toy controller (a Job's pod), not sent by a client. */
  controllerMade: boolean;
}

/** One request Helm sent, in arrival order. */
export interface RequestRecord {
  seq: number;
  /** Milliseconds since the server started (or was last reset). */
  timeMs: number;
  method: string;
  path: string;
  query: Record<string, string>;
  verb: RequestVerb;
  contentType?: string;
  group?: string;
  resource?: string;
  subresource?: string;
  kind?: string;
  namespace?: string;
  name?: string;
  status: number;
  /** For writes to an object: whether it existed just before the request. */
  existedBefore?: boolean;
  /** For writes: the object as stored after the request; for a delete, as it was; for a failed create or apply, as sent. */
  object?: KubeObject;
  /** For writes: every object stored just before the request (Helm's release records included). */
  storeBefore?: StoredObjectRef[];
  /** For errors: the Status message returned. */
  message?: string;
}

interface Watcher {
  group: string;
  plural: string;
  namespace?: string;
  matches: (object: KubeObject) => boolean;
  response: ServerResponse;
}

interface WatchEvent {
  rv: number;
  type: 'ADDED' | 'MODIFIED' | 'DELETED';
  group: string;
  plural: string;
  object: KubeObject;
}

class ApiError extends Error {
  constructor(
    readonly code: number,
    readonly reason: string,
    message: string,
    readonly details?: object,
  ) {
    super(message);
  }
}

const RELEASE_SECRET_TYPE = 'helm.sh/release.v1';

/** Whether an object is one of Helm's release records (the storage Secrets), not something a chart made. */
export function isReleaseRecord(object: KubeObject | undefined): boolean {
  return object?.kind === 'Secret' && object.type === RELEASE_SECRET_TYPE;
}

function clone<T>(value: T): T {
  return structuredClone(value);
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** RFC 7386 JSON merge patch. */
function mergePatch(target: unknown, patch: unknown): unknown {
  if (!isPlainObject(patch)) return clone(patch);
  const result: Record<string, unknown> = isPlainObject(target) ? { ...target } : {};
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) delete result[key];
    else result[key] = mergePatch(result[key], value);
  }
  return result;
}

/**
 * A strategic merge patch as kubectl and Helm 3 compute them, approximately: maps merge, `$`-directives are dropped,
 * and lists of objects that carry a `name` merge by it (containers, volumes, env, ports); other lists are replaced.
 */
function strategicMergePatch(target: unknown, patch: unknown): unknown {
  if (!isPlainObject(patch)) return clone(patch);
  const result: Record<string, unknown> = isPlainObject(target) ? { ...target } : {};
  for (const [key, value] of Object.entries(patch)) {
    if (key.startsWith('$')) continue;
    if (value === null) delete result[key];
    else if (
      Array.isArray(value) &&
      Array.isArray(result[key]) &&
      value.every((item) => isPlainObject(item) && typeof item.name === 'string')
    ) {
      const merged = [...(result[key] as unknown[])];
      for (const item of value as Record<string, unknown>[]) {
        const index = merged.findIndex((existing) => isPlainObject(existing) && existing.name === item.name);
        if (item.$patch === 'delete') {
          if (index >= 0) merged.splice(index, 1);
        } else if (index >= 0) merged[index] = strategicMergePatch(merged[index], item);
        else merged.push(strategicMergePatch(undefined, item));
      }
      result[key] = merged;
    } else result[key] = strategicMergePatch(result[key], value);
  }
  return result;
}

/** A label selector as the API server reads it: `a=b`, `a==b`, `a!=b`, `a in (x,y)`, `a notin (x)`, `a`, `!a`. */
function labelSelectorMatcher(selector: string | undefined): (labels: Record<string, string>) => boolean {
  if (!selector) return () => true;
  const terms = selector.match(/[^,(]+(\([^)]*\))?/g) ?? [];
  const tests = terms.map((raw): ((labels: Record<string, string>) => boolean) => {
    const term = raw.trim();
    let match = /^(\S+)\s+(in|notin)\s+\(([^)]*)\)$/.exec(term);
    if (match) {
      const [, key, operator, list] = match;
      const values = list.split(',').map((value) => value.trim());
      return operator === 'in' ? (labels) => values.includes(labels[key]) : (labels) => !values.includes(labels[key]);
    }
    match = /^([^!=\s]+)\s*(==|=|!=)\s*(\S*)$/.exec(term);
    if (match) {
      const [, key, operator, value] = match;
      return operator === '!=' ? (labels) => labels[key] !== value : (labels) => labels[key] === value;
    }
    if (term.startsWith('!')) return (labels) => !(term.slice(1) in labels);
    return (labels) => term in labels;
  });
  return (labels) => tests.every((test) => test(labels));
}

/** Field selectors Helm uses: `metadata.name=X` and `metadata.namespace=X`. */
function fieldSelectorMatcher(selector: string | undefined): (object: KubeObject) => boolean {
  if (!selector) return () => true;
  const terms = selector.split(',').map((term) => /^([^!=]+)(==|=|!=)(.*)$/.exec(term.trim()));
  return (object) =>
    terms.every((term) => {
      if (!term) return true;
      const [, field, operator, value] = term;
      const actual =
        field === 'metadata.name'
          ? object.metadata?.name
          : field === 'metadata.namespace'
            ? object.metadata?.namespace
            : undefined;
      return operator === '!=' ? actual !== value : actual === value;
    });
}

interface Route {
  group: string;
  version: string;
  type?: ResourceType;
  plural: string;
  namespace?: string;
  name?: string;
  subresource?: string;
}

export class FakeKubeServer {
  private readonly server: Server;
  private readonly sockets = new Set<Socket>();
  private discovery = new Discovery();
  private store = new Map<string, KubeObject>();
  private watchers = new Set<Watcher>();
  private history: WatchEvent[] = [];
  private timers = new Set<NodeJS.Timeout>();
  private resourceVersion = 1;
  private uidCounter = 0;
  private started = Date.now();
  private scenario: Record<string, WorkloadScenario> = {};
  /** Every request since the start or the last reset, in arrival order. */
  requests: RequestRecord[] = [];

  private constructor() {
    this.reset();
    this.server = createServer((request, response) => this.handle(request, response));
    this.server.on('connection', (socket) => {
      this.sockets.add(socket);
      socket.on('close', () => this.sockets.delete(socket));
    });
  }

  /** Starts a server on a free port of 127.0.0.1. */
  static async start(): Promise<FakeKubeServer> {
    const fake = new FakeKubeServer();
    await new Promise<void>((resolve, reject) => {
      fake.server.once('error', reject);
      fake.server.listen(0, '127.0.0.1', () => resolve());
    });
    return fake;
  }

  get url(): string {
    const address = this.server.address() as AddressInfo;
    return `http://127.0.0.1:${address.port}`;
  }

  /** Forgets every object, request, watch and scenario: the next run starts from a cluster with only its namespaces. */
  reset(scenario: Record<string, WorkloadScenario> = {}): void {
    for (const watcher of this.watchers) watcher.response.end();
    this.watchers.clear();
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
    this.discovery = new Discovery();
    this.store.clear();
    this.history = [];
    this.requests = [];
    this.scenario = scenario;
    this.started = Date.now();
    for (const name of ['default', 'kube-system']) {
      this.store.set(this.key('', 'namespaces', undefined, name), {
        apiVersion: 'v1',
        kind: 'Namespace',
        metadata: { name, uid: `fake-uid-${++this.uidCounter}`, resourceVersion: String(++this.resourceVersion) },
        status: { phase: 'Active' },
      });
    }
  }

  /** The stored objects, optionally of one namespace. */
  objects(namespace?: string): KubeObject[] {
    return [...this.store.values()]
      .filter((object) => namespace === undefined || object.metadata?.namespace === namespace)
      .map(clone);
  }

  async close(): Promise<void> {
    this.reset();
    for (const socket of this.sockets) socket.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private key(group: string, plural: string, namespace: string | undefined, name: string): string {
    return `${group}|${plural}|${namespace ?? ''}|${name}`;
  }

  private handle(request: IncomingMessage, response: ServerResponse): void {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const url = new URL(request.url ?? '/', 'http://fake');
      const record: RequestRecord = {
        seq: this.requests.length + 1,
        timeMs: Date.now() - this.started,
        method: request.method ?? 'GET',
        path: url.pathname,
        query: Object.fromEntries(url.searchParams),
        verb: 'unknown',
        contentType: request.headers['content-type'],
        status: 200,
      };
      this.requests.push(record);
      try {
        this.dispatch(record, Buffer.concat(chunks), response);
      } catch (error) {
        const apiError =
          error instanceof ApiError
            ? error
            : new ApiError(500, 'InternalError', `fake-kube: ${(error as Error).message}`);
        record.status = apiError.code;
        record.message = apiError.message;
        this.sendJson(record, response, apiError.code, {
          kind: 'Status',
          apiVersion: 'v1',
          metadata: {},
          status: 'Failure',
          message: apiError.message,
          reason: apiError.reason,
          details: apiError.details,
          code: apiError.code,
        });
      }
    });
  }

  private sendJson(record: RequestRecord, response: ServerResponse, code: number, body: unknown): void {
    record.status = code;
    const text = JSON.stringify(body);
    response.writeHead(code, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(text) });
    response.end(text);
  }

  private dispatch(record: RequestRecord, body: Buffer, response: ServerResponse): void {
    const path = record.path.replace(/\/+$/, '') || '/';
    const segments = path.split('/').filter((segment) => segment !== '');
    const found = (document: object | undefined) => {
      if (!document) throw new ApiError(404, 'NotFound', 'the server could not find the requested resource');
      this.sendJson(record, response, 200, document);
    };
    if (path === '/version') {
      record.verb = 'discovery';
      return found(this.discovery.version());
    }
    if (path === '/api') {
      record.verb = 'discovery';
      return found(this.discovery.coreVersions());
    }
    if (path === '/apis') {
      record.verb = 'discovery';
      return found(this.discovery.groupList());
    }
    if (segments[0] === 'openapi') {
      record.verb = 'openapi';
      if (segments[1] !== 'v3') throw new ApiError(404, 'NotFound', 'the server could not find the requested resource');
      if (segments.length === 2) return found(this.discovery.openApiIndex());
      if (segments[2] === 'api' && segments.length === 4)
        return found(this.discovery.openApiGroupVersion('', segments[3]));
      if (segments[2] === 'apis' && segments.length === 5)
        return found(this.discovery.openApiGroupVersion(segments[3], segments[4]));
      throw new ApiError(404, 'NotFound', 'the server could not find the requested resource');
    }
    let rest: string[];
    let group: string;
    let version: string;
    if (segments[0] === 'api' && segments.length >= 2) {
      group = '';
      version = segments[1];
      rest = segments.slice(2);
    } else if (segments[0] === 'apis' && segments.length >= 2) {
      group = segments[1];
      if (segments.length === 2) {
        record.verb = 'discovery';
        return found(this.discovery.group(group));
      }
      version = segments[2];
      rest = segments.slice(3);
    } else throw new ApiError(404, 'NotFound', 'the server could not find the requested resource');
    if (rest.length === 0) {
      record.verb = 'discovery';
      return found(this.discovery.resourceList(group, version));
    }
    const route: Route = { group, version, plural: '' };
    if (rest[0] === 'namespaces' && rest.length >= 3) {
      route.namespace = rest[1];
      rest = rest.slice(2);
    }
    [route.plural, route.name, route.subresource] = rest;
    route.type = this.discovery.byPlural(group, route.plural);
    record.group = group;
    record.resource = route.plural;
    record.subresource = route.subresource;
    record.namespace = route.namespace;
    record.name = route.name;
    record.kind = route.type?.kind;
    if (!route.type || rest.length > 3)
      throw new ApiError(404, 'NotFound', 'the server could not find the requested resource');
    this.serveResource(record, route, body, response);
  }

  private qualifiedResource(route: Route): string {
    return route.group === '' ? route.plural : `${route.plural}.${route.group}`;
  }

  private notFound(route: Route, name: string): ApiError {
    return new ApiError(404, 'NotFound', `${this.qualifiedResource(route)} "${name}" not found`, {
      name,
      group: route.group,
      kind: route.plural,
    });
  }

  private serveResource(record: RequestRecord, route: Route, body: Buffer, response: ServerResponse): void {
    const type = route.type as ResourceType;
    const namespace = type.namespaced ? route.namespace : undefined;
    const method = record.method;
    if (!route.name) {
      if (method === 'GET' && (record.query.watch === 'true' || record.query.watch === '1')) {
        record.verb = 'watch';
        return this.watch(record, route, namespace, response);
      }
      if (method === 'GET') {
        record.verb = 'list';
        return this.sendJson(record, response, 200, this.list(record, route, namespace));
      }
      if (method === 'POST') {
        record.verb = 'create';
        const object = this.parseBody(body, record.contentType);
        const name = object.metadata?.name ?? '';
        record.name = name;
        return this.sendJson(record, response, 201, this.create(record, route, namespace, name, object));
      }
      if (method === 'DELETE') {
        record.verb = 'deletecollection';
        throw new ApiError(405, 'MethodNotAllowed', 'fake-kube: deletecollection is not supported');
      }
      throw new ApiError(405, 'MethodNotAllowed', `fake-kube: ${method} on a collection is not supported`);
    }
    const name = route.name;
    const key = this.key(route.group, route.plural, namespace, name);
    if (route.subresource === 'log') {
      record.verb = 'log';
      if (!this.store.has(key)) throw this.notFound(route, name);
      const jobName = this.store.get(key)?.metadata?.labels?.['job-name'];
      const text = this.scenario[name]?.log ?? (jobName ? this.scenario[jobName]?.log : undefined) ?? '';
      response.writeHead(200, { 'Content-Type': 'text/plain', 'Content-Length': Buffer.byteLength(text) });
      response.end(text);
      return;
    }
    if (route.subresource && route.subresource !== 'status')
      throw new ApiError(404, 'NotFound', 'the server could not find the requested resource');
    if (method === 'GET') {
      record.verb = 'get';
      const object = this.store.get(key);
      if (!object) throw this.notFound(route, name);
      return this.sendJson(record, response, 200, object);
    }
    if (method === 'DELETE') {
      record.verb = 'delete';
      // Helm sends DeleteOptions as JSON; the propagation policy is kept in the record as if it were a query.
      const options =
        (record.contentType ?? '').includes('json') && body.length > 0
          ? (JSON.parse(body.toString('utf8')) as { propagationPolicy?: string })
          : {};
      if (options.propagationPolicy) record.query.propagationPolicy ??= options.propagationPolicy;
      return this.sendJson(record, response, 200, this.remove(record, route, key, name));
    }
    if (method === 'PUT') {
      record.verb = 'update';
      const object = this.parseBody(body, record.contentType);
      return this.sendJson(
        record,
        response,
        200,
        this.update(record, route, key, name, (existing) =>
          route.subresource === 'status'
            ? { ...existing, status: object.status }
            : { ...object, status: object.status ?? existing.status },
        ),
      );
    }
    if (method === 'PATCH') {
      const contentType = (record.contentType ?? '').split(';')[0].trim();
      if (contentType === 'application/apply-patch+yaml') {
        record.verb = 'apply';
        const object = this.parseBody(body, contentType);
        record.object = clone(object);
        const existing = this.store.get(key);
        if (!existing) return this.sendJson(record, response, 201, this.create(record, route, namespace, name, object));
        // Server-side apply as an upsert: the applied fields replace the stored ones; status stays.
        return this.sendJson(
          record,
          response,
          200,
          this.update(record, route, key, name, (stored) => ({
            ...stored,
            ...object,
            metadata: { ...stored.metadata, ...object.metadata },
            status: stored.status,
          })),
        );
      }
      record.verb = 'patch';
      if (contentType !== 'application/merge-patch+json' && contentType !== 'application/strategic-merge-patch+json') {
        throw new ApiError(415, 'UnsupportedMediaType', `fake-kube: patch type ${contentType} is not supported`);
      }
      const patch = this.parseBody(body, contentType);
      if (contentType === 'application/merge-patch+json')
        return this.sendJson(
          record,
          response,
          200,
          this.update(record, route, key, name, (existing) => mergePatch(existing, patch) as KubeObject),
        );
      return this.sendJson(
        record,
        response,
        200,
        this.update(record, route, key, name, (existing) => strategicMergePatch(existing, patch) as KubeObject),
      );
    }
    throw new ApiError(405, 'MethodNotAllowed', `fake-kube: ${method} is not supported`);
  }

  private parseBody(body: Buffer, contentType: string | undefined): KubeObject {
    let parsed: unknown;
    try {
      const type = contentType ?? '';
      if (type.startsWith('application/vnd.kubernetes.protobuf')) parsed = decodeProtobufObject(body);
      else parsed = type.includes('yaml') ? parseYaml(body.toString('utf8')) : JSON.parse(body.toString('utf8'));
    } catch (error) {
      throw new ApiError(400, 'BadRequest', `fake-kube: cannot decode the request body: ${(error as Error).message}`);
    }
    if (!isPlainObject(parsed)) throw new ApiError(400, 'BadRequest', 'fake-kube: the request body is not an object');
    return parsed as KubeObject;
  }

  private isDryRun(record: RequestRecord): boolean {
    return record.query.dryRun !== undefined && record.query.dryRun !== '';
  }

  private storeContents(): StoredObjectRef[] {
    return [...this.store.values()].map((object) => ({
      kind: object.kind ?? '',
      name: object.metadata?.name ?? '',
      ...(object.metadata?.namespace ? { namespace: object.metadata.namespace } : {}),
      releaseRecord: isReleaseRecord(object),
      controllerMade: Array.isArray(object.metadata?.ownerReferences) && object.metadata.ownerReferences.length > 0,
    }));
  }

  private create(
    record: RequestRecord,
    route: Route,
    namespace: string | undefined,
    name: string,
    body: KubeObject,
  ): KubeObject {
    const type = route.type as ResourceType;
    const key = this.key(route.group, route.plural, namespace, name);
    record.existedBefore = this.store.has(key);
    record.storeBefore = this.storeContents();
    record.object = clone(body);
    if (!name)
      throw new ApiError(
        422,
        'Invalid',
        `${type.kind} "" is invalid: metadata.name: Required value: name or generateName is required`,
      );
    if (record.existedBefore)
      throw new ApiError(409, 'AlreadyExists', `${this.qualifiedResource(route)} "${name}" already exists`, {
        name,
        group: route.group,
        kind: route.plural,
      });
    const object: KubeObject = clone(body);
    object.apiVersion ??= apiVersionOf(route.group, route.version);
    object.kind ??= type.kind;
    object.metadata = {
      ...object.metadata,
      name,
      ...(namespace ? { namespace } : {}),
      uid: `fake-uid-${++this.uidCounter}`,
      resourceVersion: String(++this.resourceVersion),
      generation: 1,
      creationTimestamp: new Date().toISOString().replace(/\.\d+Z$/, 'Z'),
    };
    // Status is the controllers' to write, as on a real API server.
    delete object.status;
    record.object = clone(object);
    if (this.isDryRun(record)) return object;
    this.store.set(key, object);
    this.emit('ADDED', route, object);
    if (type.kind === 'CustomResourceDefinition') this.discovery.addCustomResource(object);
    this.startWorkload(route, key, object);
    return object;
  }

  private update(
    record: RequestRecord,
    route: Route,
    key: string,
    name: string,
    change: (existing: KubeObject) => KubeObject,
  ): KubeObject {
    const existing = this.store.get(key);
    record.existedBefore = !!existing;
    record.storeBefore = this.storeContents();
    if (!existing) throw this.notFound(route, name);
    const changed = change(clone(existing));
    const object: KubeObject = {
      ...changed,
      apiVersion: changed.apiVersion ?? existing.apiVersion,
      kind: existing.kind,
      metadata: {
        ...changed.metadata,
        name,
        namespace: existing.metadata?.namespace,
        uid: existing.metadata?.uid,
        creationTimestamp: existing.metadata?.creationTimestamp,
        resourceVersion: String(++this.resourceVersion),
        generation: (existing.metadata?.generation ?? 1) + (route.subresource === 'status' ? 0 : 1),
      },
    };
    if (object.metadata?.namespace === undefined) delete object.metadata?.namespace;
    record.object = clone(object);
    if (this.isDryRun(record)) return object;
    this.store.set(key, object);
    this.emit('MODIFIED', route, object);
    return object;
  }

  private remove(record: RequestRecord, route: Route, key: string, name: string): KubeObject {
    const existing = this.store.get(key);
    record.existedBefore = !!existing;
    record.storeBefore = this.storeContents();
    if (!existing) throw this.notFound(route, name);
    record.object = clone(existing);
    if (this.isDryRun(record)) return existing;
    this.store.delete(key);
    existing.metadata = { ...existing.metadata, resourceVersion: String(++this.resourceVersion) };
    this.emit('DELETED', route, existing);
    if (existing.kind === 'CustomResourceDefinition') this.discovery.removeCustomResource(existing);
    this.deleteDependents(existing);
    return existing;
  }

  private list(record: RequestRecord, route: Route, namespace: string | undefined): object {
    const byLabels = labelSelectorMatcher(record.query.labelSelector);
    const byFields = fieldSelectorMatcher(record.query.fieldSelector);
    const items = [...this.store.entries()]
      .filter(
        ([key]) =>
          key.startsWith(`${route.group}|${route.plural}|${namespace ?? ''}|`) ||
          (namespace === undefined && key.startsWith(`${route.group}|${route.plural}|`)),
      )
      .map(([, object]) => object)
      .filter((object) => byLabels(object.metadata?.labels ?? {}) && byFields(object));
    const type = route.type as ResourceType;
    return {
      kind: `${type.kind}List`,
      apiVersion: apiVersionOf(route.group, route.version),
      metadata: { resourceVersion: String(this.resourceVersion) },
      items,
    };
  }

  private watch(record: RequestRecord, route: Route, namespace: string | undefined, response: ServerResponse): void {
    const byLabels = labelSelectorMatcher(record.query.labelSelector);
    const byFields = fieldSelectorMatcher(record.query.fieldSelector);
    const watcher: Watcher = {
      group: route.group,
      plural: route.plural,
      namespace,
      matches: (object) => byLabels(object.metadata?.labels ?? {}) && byFields(object),
      response,
    };
    response.writeHead(200, { 'Content-Type': 'application/json', 'Transfer-Encoding': 'chunked' });
    const since = Number(record.query.resourceVersion ?? '0');
    const initial =
      record.query.sendInitialEvents === 'true' ||
      !record.query.resourceVersion ||
      record.query.resourceVersion === '0';
    if (initial) {
      for (const [key, object] of this.store) {
        const [group, plural] = key.split('|');
        if (this.watcherSees(watcher, group, plural, object)) this.send(watcher, 'ADDED', object);
      }
      if (record.query.sendInitialEvents === 'true') {
        const bookmark = {
          kind: route.type?.kind,
          apiVersion: apiVersionOf(route.group, route.version),
          metadata: {
            resourceVersion: String(this.resourceVersion),
            annotations: { 'k8s.io/initial-events-end': 'true' },
          },
        };
        response.write(`${JSON.stringify({ type: 'BOOKMARK', object: bookmark })}\n`);
      }
    } else {
      for (const event of this.history) {
        if (event.rv > since && this.watcherSees(watcher, event.group, event.plural, event.object))
          this.send(watcher, event.type, event.object);
      }
    }
    this.watchers.add(watcher);
    const timeoutSeconds = Number(record.query.timeoutSeconds ?? '0');
    if (timeoutSeconds > 0) {
      const timer = setTimeout(() => {
        this.timers.delete(timer);
        this.watchers.delete(watcher);
        response.end();
      }, timeoutSeconds * 1000);
      this.timers.add(timer);
    }
    response.on('close', () => this.watchers.delete(watcher));
  }

  private watcherSees(watcher: Watcher, group: string, plural: string, object: KubeObject): boolean {
    if (watcher.group !== group || watcher.plural !== plural) return false;
    if (watcher.namespace !== undefined && object.metadata?.namespace !== watcher.namespace) return false;
    return watcher.matches(object);
  }

  private send(watcher: Watcher, type: WatchEvent['type'], object: KubeObject): void {
    watcher.response.write(`${JSON.stringify({ type, object })}\n`);
  }

  private emit(type: WatchEvent['type'], route: Route, object: KubeObject): void {
    const event: WatchEvent = {
      rv: this.resourceVersion,
      type,
      group: route.group,
      plural: route.plural,
      object: clone(object),
    };
    this.history.push(event);
    for (const watcher of this.watchers)
      if (this.watcherSees(watcher, route.group, route.plural, object)) this.send(watcher, type, event.object);
  }

  /**
   * The toy controller: a new Job or Pod reports its scenario's outcome after a short delay. A Job also gets one Pod
   * (`NAME-run`, labelled `job-name` as the Job controller does, owned by the Job) in the same state, because Helm
   * reads a Job hook's logs from the pods it lists by that label.
   */
  private startWorkload(route: Route, key: string, object: KubeObject): void {
    const kind = object.kind;
    if (route.group === 'apiextensions.k8s.io') return this.establish(route, key, object);
    if (!(route.group === 'batch' && kind === 'Job') && !(route.group === '' && kind === 'Pod')) return;
    const name = object.metadata?.name ?? '';
    const scenario = this.scenario[name] ?? {};
    const outcome = scenario.outcome ?? 'complete';
    const uid = object.metadata?.uid;
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      const current = this.store.get(key);
      if (!current || current.metadata?.uid !== uid) return;
      const now = new Date().toISOString().replace(/\.\d+Z$/, 'Z');
      if (kind === 'Job') this.addJobPod(current, outcome, now);
      current.status = kind === 'Job' ? jobStatus(outcome, now) : podStatus(outcome, now);
      current.metadata = { ...current.metadata, resourceVersion: String(++this.resourceVersion) };
      this.emit('MODIFIED', route, current);
    }, scenario.delayMs ?? 20);
    this.timers.add(timer);
  }

  /** A new CustomResourceDefinition is Established at once, as Helm waits for that after installing crds/. */
  private establish(route: Route, key: string, crd: KubeObject): void {
    const now = new Date().toISOString().replace(/\.\d+Z$/, 'Z');
    const names = (crd.spec as { names?: unknown } | undefined)?.names ?? {};
    crd.status = {
      acceptedNames: names,
      conditions: [
        { type: 'NamesAccepted', status: 'True', reason: 'NoConflicts', lastTransitionTime: now },
        { type: 'Established', status: 'True', reason: 'InitialNamesAccepted', lastTransitionTime: now },
      ],
    };
    crd.metadata = { ...crd.metadata, resourceVersion: String(++this.resourceVersion) };
    this.store.set(key, crd);
    this.emit('MODIFIED', route, crd);
  }

  private addJobPod(job: KubeObject, outcome: WorkloadScenario['outcome'], now: string): void {
    const jobName = job.metadata?.name ?? '';
    const namespace = job.metadata?.namespace;
    const name = `${jobName}-run`;
    const key = this.key('', 'pods', namespace, name);
    if (this.store.has(key)) return;
    const pod: KubeObject = {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: {
        name,
        namespace,
        uid: `fake-uid-${++this.uidCounter}`,
        resourceVersion: String(++this.resourceVersion),
        creationTimestamp: now,
        labels: { 'job-name': jobName, 'batch.kubernetes.io/job-name': jobName },
        ownerReferences: [
          { apiVersion: 'batch/v1', kind: 'Job', name: jobName, uid: job.metadata?.uid, controller: true },
        ],
      },
      spec: (job.spec as { template?: { spec?: unknown } } | undefined)?.template?.spec ?? {},
      status: podStatus(outcome, now),
    };
    this.store.set(key, pod);
    this.emit('ADDED', { group: '', version: 'v1', plural: 'pods', namespace }, pod);
  }

  /** Garbage collection, at once: the objects a deleted object controls go with it. */
  private deleteDependents(owner: KubeObject): void {
    for (const [key, object] of [...this.store]) {
      const references = (object.metadata?.ownerReferences ?? []) as { uid?: string }[];
      if (!references.some((reference) => reference.uid === owner.metadata?.uid)) continue;
      const [group, plural] = key.split('|');
      this.store.delete(key);
      object.metadata = { ...object.metadata, resourceVersion: String(++this.resourceVersion) };
      this.emit('DELETED', { group, version: 'v1', plural, namespace: object.metadata?.namespace }, object);
    }
  }
}

function jobStatus(outcome: WorkloadScenario['outcome'], now: string): Record<string, unknown> {
  if (outcome === 'hang') return { active: 1, ready: 1, startTime: now };
  if (outcome === 'fail') {
    return {
      failed: 1,
      startTime: now,
      conditions: [
        {
          type: 'FailureTarget',
          status: 'True',
          reason: 'BackoffLimitExceeded',
          message: 'Job has reached the specified backoff limit',
          lastTransitionTime: now,
          lastProbeTime: now,
        },
        {
          type: 'Failed',
          status: 'True',
          reason: 'BackoffLimitExceeded',
          message: 'Job has reached the specified backoff limit',
          lastTransitionTime: now,
          lastProbeTime: now,
        },
      ],
    };
  }
  return {
    succeeded: 1,
    startTime: now,
    completionTime: now,
    conditions: [
      {
        type: 'SuccessCriteriaMet',
        status: 'True',
        reason: 'CompletionsReached',
        lastTransitionTime: now,
        lastProbeTime: now,
      },
      { type: 'Complete', status: 'True', reason: 'CompletionsReached', lastTransitionTime: now, lastProbeTime: now },
    ],
  };
}

function podStatus(outcome: WorkloadScenario['outcome'], now: string): Record<string, unknown> {
  if (outcome === 'hang') return { phase: 'Running', startTime: now };
  return { phase: outcome === 'fail' ? 'Failed' : 'Succeeded', startTime: now };
}
