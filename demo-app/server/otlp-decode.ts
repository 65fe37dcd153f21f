/**
 * Turns an OTLP/HTTP trace export body (JSON or protobuf) into flat span records.
 *
 * Protobuf is decoded with the code the OpenTelemetry project generated from the official
 * opentelemetry-proto schema (no hand-written wire parser), then converted to the same camelCase object shape the
 * OTLP/JSON encoding uses. One normalizer then handles both, so the two encodings of the same
 * spans yield identical records. It only has to bridge the few places where they differ: ids
 * (bytes vs hex), 64-bit integers (Long vs string-or-number), enums (int vs int-or-name) and
 * bytes values (bytes vs base64).
 */
import { createRequire } from 'node:module';

export type SpanKindName = 'UNSPECIFIED' | 'INTERNAL' | 'SERVER' | 'CLIENT' | 'PRODUCER' | 'CONSUMER';
export type StatusCodeName = 'UNSET' | 'OK' | 'ERROR';
export type AttributeValue =
  | string
  | number
  | boolean
  | null
  | AttributeValue[]
  | { [key: string]: AttributeValue };
export type Attributes = Record<string, AttributeValue>;

export interface ReceivedSpan {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  kind: SpanKindName;
  startTimeUnixNano: string;
  endTimeUnixNano: string;
  durationMs: number;
  attributes: Attributes;
  events: { name: string; timeUnixNano: string; attributes: Attributes }[];
  links: { traceId: string; spanId: string; attributes: Attributes }[];
  status: { code: StatusCodeName; message?: string };
  serviceName: string;
  resource: Attributes;
  scope: { name: string; version?: string };
}

/** A body that is not a valid OTLP trace export; the receiver answers 400 with the message. */
export class OtlpDecodeError extends Error {
  override name = 'OtlpDecodeError';
}

const KINDS: readonly SpanKindName[] = ['UNSPECIFIED', 'INTERNAL', 'SERVER', 'CLIENT', 'PRODUCER', 'CONSUMER'];
const STATUS_CODES: readonly StatusCodeName[] = ['UNSET', 'OK', 'ERROR'];

// ---------------------------------------------------------------------------------------------
// Protobuf

/** The slice of protobufjs's generated message API the receiver uses. */
interface GeneratedMessageType {
  decode(body: Uint8Array): object;
  toObject(message: object, options: { longs: StringConstructor; enums: NumberConstructor }): unknown;
}

let requestType: GeneratedMessageType | undefined;

/**
 * `ExportTraceServiceRequest`, as the OpenTelemetry project generated it from the official
 * opentelemetry-proto files (protobufjs static code). Current OTLP packages ship only a
 * hand-written encoder, so it comes from the last otlp-transformer release that shipped the
 * generated schema, installed under the alias `otlp-proto-official` (a devDependency: only the
 * demo and the tests decode). Loaded lazily: importing the receiver costs nothing until a
 * protobuf export arrives.
 */
function exportTraceServiceRequest(): GeneratedMessageType {
  if (requestType === undefined) {
    const require = createRequire(import.meta.url);
    const root = require('otlp-proto-official/build/src/generated/root.js') as {
      opentelemetry: { proto: { collector: { trace: { v1: { ExportTraceServiceRequest: GeneratedMessageType } } } } };
    };
    requestType = root.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
  }
  return requestType;
}

/** Decodes a protobuf `ExportTraceServiceRequest` into the OTLP/JSON-shaped object. */
export function decodeProtobufRequest(body: Uint8Array): unknown {
  const type = exportTraceServiceRequest();
  let message: object;
  try {
    message = type.decode(body);
  } catch (err) {
    throw new OtlpDecodeError(`invalid protobuf: ${err instanceof Error ? err.message : String(err)}`);
  }
  // longs as decimal strings (like OTLP/JSON), enums as numbers, bytes left as Uint8Array.
  return type.toObject(message, { longs: String, enums: Number });
}

/** Parses an OTLP/JSON request body. */
export function parseJsonRequest(text: string): unknown {
  try {
    const parsed: unknown = JSON.parse(text);
    return parsed;
  } catch (err) {
    throw new OtlpDecodeError(`invalid JSON: ${err instanceof Error ? err.message : String(err)}`);
  }
}

// ---------------------------------------------------------------------------------------------
// Normalization (shared by both encodings)

type Obj = Record<string, unknown>;

function isObj(v: unknown): v is Obj {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && !(v instanceof Uint8Array);
}

function obj(v: unknown, where: string): Obj {
  // proto3 omits empty messages, so an absent message is the empty one.
  if (v === undefined || v === null) return {};
  if (!isObj(v)) throw new OtlpDecodeError(`${where} must be an object`);
  return v;
}

function list(v: unknown, where: string): unknown[] {
  // proto3 omits empty repeated fields, so an absent list is the empty one.
  if (v === undefined || v === null) return [];
  if (!Array.isArray(v)) throw new OtlpDecodeError(`${where} must be an array`);
  return v;
}

function str(v: unknown, where: string): string {
  if (v === undefined || v === null) return '';
  if (typeof v !== 'string') throw new OtlpDecodeError(`${where} must be a string`);
  return v;
}

function toHex(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('hex');
}

/**
 * An id as lowercase hex. Protobuf gives bytes; OTLP/JSON gives hex. Some older JSON exporters
 * sent base64, which is accepted when it decodes to the right length.
 */
function id(v: unknown, byteLength: number, where: string, optional: boolean): string | undefined {
  let hex: string | undefined;
  if (v instanceof Uint8Array) {
    if (v.byteLength === byteLength) hex = toHex(v);
  } else if (typeof v === 'string') {
    if (v.length === byteLength * 2 && /^[0-9a-fA-F]+$/.test(v)) hex = v.toLowerCase();
    else if (/^[A-Za-z0-9+/]+={0,2}$/.test(v)) {
      const bytes = Buffer.from(v, 'base64');
      if (bytes.byteLength === byteLength) hex = bytes.toString('hex');
    }
  }
  const empty = v === undefined || v === null || v === '' || (v instanceof Uint8Array && v.byteLength === 0);
  if (optional && (empty || hex === '0'.repeat(byteLength * 2))) return undefined;
  if (hex === undefined || hex === '0'.repeat(byteLength * 2)) {
    throw new OtlpDecodeError(`${where} must be ${byteLength} bytes (${byteLength * 2} hex digits), non-zero`);
  }
  return hex;
}

/** An unsigned 64-bit nanosecond timestamp as a canonical decimal string. */
function nanos(v: unknown, where: string): string {
  if (v === undefined || v === null) return '0';
  if (typeof v === 'string' && /^\d+$/.test(v)) return BigInt(v).toString();
  if (typeof v === 'number' && Number.isInteger(v) && v >= 0) return BigInt(v).toString();
  throw new OtlpDecodeError(`${where} must be a non-negative integer (string or number)`);
}

/** A signed 64-bit integer: a number when it fits exactly, else its decimal string. */
function int64(v: unknown, where: string): number | string {
  let big: bigint;
  if (typeof v === 'string' && /^-?\d+$/.test(v)) big = BigInt(v);
  else if (typeof v === 'number' && Number.isInteger(v)) big = BigInt(v);
  else throw new OtlpDecodeError(`${where} must be an integer`);
  const n = Number(big);
  return Number.isSafeInteger(n) ? n : big.toString();
}

/** An enum given as its number or (OTLP/JSON allows it) its full name, e.g. SPAN_KIND_CLIENT. */
function enumValue<T extends string>(v: unknown, names: readonly T[], prefix: string, where: string): T {
  if (v === undefined || v === null) return names[0] as T;
  if (typeof v === 'number' && names[v] !== undefined) return names[v];
  if (typeof v === 'string') {
    const found = names.find((n) => `${prefix}${n}` === v);
    if (found) return found;
  }
  throw new OtlpDecodeError(`${where} has unknown value ${JSON.stringify(v)}`);
}

function anyValue(v: unknown, where: string): AttributeValue {
  const o = obj(v, where);
  if ('stringValue' in o) return str(o.stringValue, `${where}.stringValue`);
  if ('boolValue' in o) {
    if (typeof o.boolValue !== 'boolean') throw new OtlpDecodeError(`${where}.boolValue must be a boolean`);
    return o.boolValue;
  }
  if ('intValue' in o) return int64(o.intValue, `${where}.intValue`);
  if ('doubleValue' in o) {
    const d = o.doubleValue;
    // OTLP/JSON writes NaN and the infinities as strings.
    if (typeof d === 'number' || d === 'NaN' || d === 'Infinity' || d === '-Infinity') return Number(d);
    throw new OtlpDecodeError(`${where}.doubleValue must be a number`);
  }
  if ('arrayValue' in o) {
    const values = list(obj(o.arrayValue, `${where}.arrayValue`).values, `${where}.arrayValue.values`);
    return values.map((item, i) => anyValue(item, `${where}.arrayValue.values[${i}]`));
  }
  if ('kvlistValue' in o) {
    return keyValues(obj(o.kvlistValue, `${where}.kvlistValue`).values, `${where}.kvlistValue.values`);
  }
  if ('bytesValue' in o) {
    const b = o.bytesValue;
    // Both encodings end as base64: OTLP/JSON already carries bytes that way.
    if (b instanceof Uint8Array) return Buffer.from(b).toString('base64');
    return str(b, `${where}.bytesValue`);
  }
  return null; // an empty AnyValue is allowed
}

function keyValues(v: unknown, where: string): Attributes {
  const out: Attributes = {};
  list(v, where).forEach((item, i) => {
    const kv = obj(item, `${where}[${i}]`);
    out[str(kv.key, `${where}[${i}].key`)] = anyValue(kv.value, `${where}[${i}].value`);
  });
  return out;
}

function durationMs(start: string, end: string): number {
  return Number(BigInt(end) - BigInt(start)) / 1e6;
}

function normalizeSpan(
  v: unknown,
  where: string,
  resource: Attributes,
  serviceName: string,
  scope: ReceivedSpan['scope'],
): ReceivedSpan {
  const s = obj(v, where);
  const startTimeUnixNano = nanos(s.startTimeUnixNano, `${where}.startTimeUnixNano`);
  const endTimeUnixNano = nanos(s.endTimeUnixNano, `${where}.endTimeUnixNano`);
  const statusObj = obj(s.status, `${where}.status`);
  const statusMessage = str(statusObj.message, `${where}.status.message`);
  const parentSpanId = id(s.parentSpanId, 8, `${where}.parentSpanId`, true);
  const span: ReceivedSpan = {
    traceId: id(s.traceId, 16, `${where}.traceId`, false) as string,
    spanId: id(s.spanId, 8, `${where}.spanId`, false) as string,
    name: str(s.name, `${where}.name`),
    kind: enumValue(s.kind, KINDS, 'SPAN_KIND_', `${where}.kind`),
    startTimeUnixNano,
    endTimeUnixNano,
    durationMs: durationMs(startTimeUnixNano, endTimeUnixNano),
    attributes: keyValues(s.attributes, `${where}.attributes`),
    events: list(s.events, `${where}.events`).map((e, i) => {
      const ev = obj(e, `${where}.events[${i}]`);
      return {
        name: str(ev.name, `${where}.events[${i}].name`),
        timeUnixNano: nanos(ev.timeUnixNano, `${where}.events[${i}].timeUnixNano`),
        attributes: keyValues(ev.attributes, `${where}.events[${i}].attributes`),
      };
    }),
    links: list(s.links, `${where}.links`).map((l, i) => {
      const link = obj(l, `${where}.links[${i}]`);
      return {
        traceId: id(link.traceId, 16, `${where}.links[${i}].traceId`, false) as string,
        spanId: id(link.spanId, 8, `${where}.links[${i}].spanId`, false) as string,
        attributes: keyValues(link.attributes, `${where}.links[${i}].attributes`),
      };
    }),
    status: {
      code: enumValue(statusObj.code, STATUS_CODES, 'STATUS_CODE_', `${where}.status.code`),
      ...(statusMessage ? { message: statusMessage } : {}),
    },
    serviceName,
    resource,
    scope,
  };
  if (parentSpanId) span.parentSpanId = parentSpanId;
  return span;
}

/**
 * Flattens an OTLP/JSON-shaped `ExportTraceServiceRequest` into spans. Throws `OtlpDecodeError`
 * naming the first offending field; the whole request is then rejected (400), which is what the
 * spec asks for a malformed request and makes a client bug loud in tests.
 */
export function normalizeRequest(request: unknown): ReceivedSpan[] {
  if (!isObj(request)) throw new OtlpDecodeError('request must be an object');
  const out: ReceivedSpan[] = [];
  list(request.resourceSpans, 'resourceSpans').forEach((rsItem, r) => {
    const rs = obj(rsItem, `resourceSpans[${r}]`);
    const resource = keyValues(obj(rs.resource, `resourceSpans[${r}].resource`).attributes, `resourceSpans[${r}].resource.attributes`);
    const serviceName = typeof resource['service.name'] === 'string' ? resource['service.name'] : 'unknown_service';
    list(rs.scopeSpans, `resourceSpans[${r}].scopeSpans`).forEach((ssItem, s) => {
      const where = `resourceSpans[${r}].scopeSpans[${s}]`;
      const ss = obj(ssItem, where);
      const scopeObj = obj(ss.scope, `${where}.scope`);
      const version = str(scopeObj.version, `${where}.scope.version`);
      const scope = { name: str(scopeObj.name, `${where}.scope.name`), ...(version ? { version } : {}) };
      list(ss.spans, `${where}.spans`).forEach((spanItem, i) => {
        out.push(normalizeSpan(spanItem, `${where}.spans[${i}]`, resource, serviceName, scope));
      });
    });
  });
  return out;
}
