/**
 * Just enough of Kubernetes' protobuf encoding to read what Helm's release storage sends: Helm's Secrets driver
 * writes its release records with `application/vnd.kubernetes.protobuf`. The body is the magic `k8s\0`, then a
 * runtime.Unknown { typeMeta{apiVersion, kind}, raw } whose raw bytes are the object's own message
 * (k8s.io/api/core/v1/generated.proto). Only Secret and ConfigMap are decoded; the caller answers anything else
 * with 415, so that a new use shows up as a clear error.
 */

const MAGIC = Buffer.from([0x6b, 0x38, 0x73, 0x00]);

interface Field {
  number: number;
  /** Length-delimited payload, or undefined for numeric fields. */
  bytes?: Buffer;
  value?: bigint;
}

function readVarint(buffer: Buffer, offset: number): [bigint, number] {
  let result = 0n;
  let shift = 0n;
  for (;;) {
    if (offset >= buffer.length) throw new Error('truncated varint');
    const byte = buffer[offset++];
    result |= BigInt(byte & 0x7f) << shift;
    if ((byte & 0x80) === 0) return [result, offset];
    shift += 7n;
  }
}

function fields(buffer: Buffer): Field[] {
  const result: Field[] = [];
  let offset = 0;
  while (offset < buffer.length) {
    const [tag, afterTag] = readVarint(buffer, offset);
    offset = afterTag;
    const number = Number(tag >> 3n);
    const wireType = Number(tag & 7n);
    if (wireType === 0) {
      const [value, next] = readVarint(buffer, offset);
      result.push({ number, value });
      offset = next;
    } else if (wireType === 2) {
      const [length, next] = readVarint(buffer, offset);
      const end = next + Number(length);
      if (end > buffer.length) throw new Error('truncated field');
      result.push({ number, bytes: buffer.subarray(next, end) });
      offset = end;
    } else if (wireType === 1) offset += 8;
    else if (wireType === 5) offset += 4;
    else throw new Error(`unsupported wire type ${wireType}`);
  }
  return result;
}

function text(field: Field): string {
  return (field.bytes ?? Buffer.alloc(0)).toString('utf8');
}

/** A map<string, string> or map<string, bytes> entry: key = 1, value = 2. */
function mapEntry(field: Field): [string, Buffer] {
  let key = '';
  let value: Buffer = Buffer.alloc(0);
  for (const part of fields(field.bytes ?? Buffer.alloc(0))) {
    if (part.number === 1) key = text(part);
    if (part.number === 2) value = part.bytes ?? Buffer.alloc(0);
  }
  return [key, value];
}

function objectMeta(buffer: Buffer): Record<string, unknown> {
  const meta: Record<string, unknown> = {};
  const labels: Record<string, string> = {};
  const annotations: Record<string, string> = {};
  const finalizers: string[] = [];
  for (const field of fields(buffer)) {
    if (field.number === 1) meta.name = text(field);
    else if (field.number === 2) meta.generateName = text(field);
    else if (field.number === 3) meta.namespace = text(field);
    else if (field.number === 5) meta.uid = text(field);
    else if (field.number === 6) meta.resourceVersion = text(field);
    else if (field.number === 7) meta.generation = Number(field.value ?? 0n);
    else if (field.number === 11) {
      const [key, value] = mapEntry(field);
      labels[key] = value.toString('utf8');
    } else if (field.number === 12) {
      const [key, value] = mapEntry(field);
      annotations[key] = value.toString('utf8');
    } else if (field.number === 14) finalizers.push(text(field));
  }
  for (const key of Object.keys(meta)) if (meta[key] === '') delete meta[key];
  if (Object.keys(labels).length > 0) meta.labels = labels;
  if (Object.keys(annotations).length > 0) meta.annotations = annotations;
  if (finalizers.length > 0) meta.finalizers = finalizers;
  return meta;
}

function secret(buffer: Buffer): Record<string, unknown> {
  const object: Record<string, unknown> = {};
  const data: Record<string, string> = {};
  const stringData: Record<string, string> = {};
  for (const field of fields(buffer)) {
    if (field.number === 1) object.metadata = objectMeta(field.bytes ?? Buffer.alloc(0));
    else if (field.number === 2) {
      const [key, value] = mapEntry(field);
      data[key] = value.toString('base64');
    } else if (field.number === 3) object.type = text(field);
    else if (field.number === 4) {
      const [key, value] = mapEntry(field);
      stringData[key] = value.toString('utf8');
    } else if (field.number === 5) object.immutable = field.value !== 0n;
  }
  if (Object.keys(data).length > 0) object.data = data;
  if (Object.keys(stringData).length > 0) object.stringData = stringData;
  return object;
}

function configMap(buffer: Buffer): Record<string, unknown> {
  const object: Record<string, unknown> = {};
  const data: Record<string, string> = {};
  const binaryData: Record<string, string> = {};
  for (const field of fields(buffer)) {
    if (field.number === 1) object.metadata = objectMeta(field.bytes ?? Buffer.alloc(0));
    else if (field.number === 2) {
      const [key, value] = mapEntry(field);
      data[key] = value.toString('utf8');
    } else if (field.number === 3) {
      const [key, value] = mapEntry(field);
      binaryData[key] = value.toString('base64');
    } else if (field.number === 4) object.immutable = field.value !== 0n;
  }
  if (Object.keys(data).length > 0) object.data = data;
  if (Object.keys(binaryData).length > 0) object.binaryData = binaryData;
  return object;
}

/** Decodes a protobuf request body into the JSON form of the object, or says why it cannot. */
export function decodeProtobufObject(body: Buffer): Record<string, unknown> {
  if (!body.subarray(0, 4).equals(MAGIC)) throw new Error('not a Kubernetes protobuf body (no k8s\\0 prefix)');
  let apiVersion = '';
  let kind = '';
  let raw: Buffer = Buffer.alloc(0);
  for (const field of fields(body.subarray(4))) {
    if (field.number === 1) {
      for (const part of fields(field.bytes ?? Buffer.alloc(0))) {
        if (part.number === 1) apiVersion = text(part);
        if (part.number === 2) kind = text(part);
      }
    } else if (field.number === 2) raw = field.bytes ?? Buffer.alloc(0);
  }
  if (kind === 'Secret') return { apiVersion, kind, ...secret(raw) };
  if (kind === 'ConfigMap') return { apiVersion, kind, ...configMap(raw) };
  throw new Error(`protobuf bodies of kind ${kind || '(none)'} are not supported`);
}
