import { ApiError, API_ERRORS } from './errors.js';
import {
  decodeFields,
  float32Json,
  goJson,
  isJsonObject,
  jsonKind,
  JsonSyntaxError,
  JsonTypeError,
  parseFirstJsonValue,
  type GoFieldType,
  type JsonObject,
  type JsonValue,
} from './json.js';
import { Proxy, resolveListen, type ProxyConfig } from './proxy.js';
import type { ProxyMetrics } from './metrics.js';
import type { ProxyRandom } from './random.js';
import { isToxicType, TOXIC_TYPES, type StreamDirection, type ToxicRecord, type ToxicType } from './toxics.js';

/**
 * The embedded server's state: proxies by name, and the API operations on them with the real
 * server's checks, order of checks and error texts.
 *
 * Toxiproxy 2.12 semantics: reference `toxiproxy-api.md` §4.1–§4.9.
 */

/** Parses a request body (Go `json.NewDecoder(r.Body).Decode`). @throws ApiError 400 `bad request body: ...` */
function parseBody(body: string): JsonValue {
  try {
    return parseFirstJsonValue(body);
  } catch (e) {
    if (e instanceof JsonSyntaxError) throw API_ERRORS.badBody(e.message);
    throw e;
  }
}

/** Runs a struct decode, turning Go type errors into 400 `bad request body: json: ...`. */
function decoding<T>(fn: () => T): T {
  try {
    return fn();
  } catch (e) {
    if (e instanceof JsonTypeError) throw API_ERRORS.badBody(e.message);
    throw e;
  }
}

const PROXY_FIELDS = { name: 'string', listen: 'string', upstream: 'string', enabled: 'bool' } as const;

/**
 * The Go type of a `/populate` entry (`proxy_collection.go` PopulateJson): an anonymous struct
 * embedding `Proxy` with a nullable `Enabled`, so its field errors name no struct (`.name`).
 */
const POPULATE_ITEM_GO_TYPE = 'struct { toxiproxy.Proxy; Enabled *bool "json:\\"enabled\\"" }';

/**
 * Decodes one `Proxy` JSON object onto defaults.
 * @param goValueType and `structName`: the Go type decoded into, for error texts.
 */
function decodeProxy(v: JsonValue, into: ProxyConfig, goValueType = 'toxiproxy.Proxy', structName = 'Proxy'): ProxyConfig {
  return decoding(() => {
    if (v === null) return into;
    if (!isJsonObject(v)) throw new JsonTypeError(`json: cannot unmarshal ${jsonKind(v)} into Go value of type ${goValueType}`);
    const out: Record<string, unknown> = { ...into };
    decodeFields(v, PROXY_FIELDS, out, structName);
    return out as unknown as ProxyConfig;
  });
}

/** Toxic JSON in the real key order: attributes, name, type, stream, toxicity (§3). */
export function toxicJson(t: ToxicRecord): string {
  return `{"attributes":${goJson(t.attributes)},"name":${goJson(t.name)},"type":${goJson(t.type)},"stream":${goJson(
    t.stream,
  )},"toxicity":${float32Json(t.toxicity)}}`;
}

/** Proxy JSON in the real key order, with `"Logger":{}` and toxics (§3). */
export function proxyJson(p: Proxy): string {
  const c = p.config();
  return `{"name":${goJson(c.name)},"listen":${goJson(c.listen)},"upstream":${goJson(c.upstream)},"enabled":${
    c.enabled
  },"Logger":{},"toxics":[${p.toxicList().map(toxicJson).join(',')}]}`;
}

/** A populate failure: status, message and the proxies applied before it (§4.9). */
export class PopulateError extends ApiError {
  constructor(status: number, message: string, readonly applied: Proxy[] | null) {
    super(status, message);
  }
}

/** All proxies of one server. */
export class ProxyCollection {
  private readonly proxies = new Map<string, Proxy>();

  /** @param metrics byte counters for `/metrics`, when `--proxy-metrics` is on. */
  constructor(
    private readonly rng: ProxyRandom,
    private readonly metrics?: ProxyMetrics,
  ) {}

  /** Proxies sorted by name as Go marshals a map: by the names' UTF-8 bytes (not UTF-16 code units). */
  list(): Proxy[] {
    return [...this.proxies.values()].sort((a, b) => Buffer.compare(Buffer.from(a.name), Buffer.from(b.name)));
  }

  /** @throws ApiError 404 `proxy not found`. */
  get(name: string): Proxy {
    const p = this.proxies.get(name);
    if (!p) throw API_ERRORS.proxyNotFound();
    return p;
  }

  /**
   * POST /proxies (§4.1): decode → name → upstream → duplicate → start if enabled → add.
   * @throws ApiError 400/409/500.
   */
  async create(body: string): Promise<Proxy> {
    const cfg = decodeProxy(parseBody(body), { name: '', listen: '', upstream: '', enabled: true });
    if (cfg.name === '') throw API_ERRORS.missingName();
    if (cfg.upstream === '') throw API_ERRORS.missingUpstream();
    if (this.proxies.has(cfg.name)) throw API_ERRORS.proxyExists();
    const proxy = new Proxy(cfg.name, cfg, this.rng, this.metrics);
    if (cfg.enabled) await proxy.start();
    if (this.proxies.has(cfg.name)) {
      await proxy.stop();
      throw API_ERRORS.proxyExists();
    }
    this.proxies.set(cfg.name, proxy);
    return proxy;
  }

  /**
   * PATCH|POST /proxies/{name} (§4.2): a changed listen or upstream restarts the proxy (dropping
   * its connections), then `enabled` is applied.
   * @throws ApiError 400 (body), 404, 500 (resolve or bind; a failed rebind leaves it disabled).
   */
  async update(name: string, body: string): Promise<Proxy> {
    const proxy = this.get(name);
    const cfg = decodeProxy(parseBody(body), { ...proxy.config() });
    const resolved = await resolveListen(cfg.listen);
    if (proxy.listen !== resolved.text || proxy.upstream !== cfg.upstream) {
      const wasEnabled = proxy.enabled;
      await proxy.stop();
      proxy.listen = cfg.listen;
      proxy.upstream = cfg.upstream;
      if (wasEnabled && cfg.enabled) await proxy.start();
    }
    if (cfg.enabled !== proxy.enabled) {
      if (cfg.enabled) await proxy.start();
      else await proxy.stop();
    }
    return proxy;
  }

  /** DELETE /proxies/{name} (§4.3). @throws ApiError 404. */
  async remove(name: string): Promise<void> {
    const proxy = this.get(name);
    this.proxies.delete(name);
    await proxy.stop();
  }

  /**
   * POST /proxies/{name}/toxics (§4.4): decode → stream → default name → type → duplicate →
   * attributes → add. The first decode has a noop toxic under `attributes` (`toxic_collection.go`
   * AddToxicJson), so a non-object there fails before the other checks. Slicer with average_size = size_variation = 0 is rejected (400): the real
   * server recurses forever on it (§5.2 hazard).
   * @throws ApiError 400/404/409.
   */
  addToxic(proxyName: string, body: string): ToxicRecord {
    const proxy = this.get(proxyName);
    const v = parseBody(body);
    const w: Record<string, unknown> = { name: '', type: '', stream: 'downstream', toxicity: 1 };
    const fields = { name: 'string', type: 'string', stream: 'string', toxicity: 'float32', attributes: 'struct:toxics.NoopToxic' } as const;
    const attrs = decodeToxicBody(v, fields, w, 'ToxicWrapper', 'toxics.ToxicWrapper');
    const stream = w.stream as string;
    const direction = stream.toLowerCase();
    if (direction !== 'upstream' && direction !== 'downstream') throw API_ERRORS.invalidStream();
    const type = w.type as string;
    const name = (w.name as string) === '' ? `${type}_${stream}` : (w.name as string);
    if (!isToxicType(type)) throw API_ERRORS.invalidToxicType();
    if (proxy.findToxic(name)) throw API_ERRORS.toxicExists();
    const attributes = decodeAttributes(type, attrs, zeroAttributes(type));
    const toxic: ToxicRecord = {
      name,
      type,
      stream,
      direction: direction as StreamDirection,
      toxicity: w.toxicity as number,
      attributes,
    };
    proxy.addToxic(toxic);
    return toxic;
  }

  /**
   * PATCH|POST /proxies/{name}/toxics/{toxic} (§4.5): attributes merged onto the current ones,
   * toxicity kept if omitted; name/type/stream ignored.
   * @throws ApiError 400/404.
   */
  updateToxic(proxyName: string, toxicName: string, body: string): ToxicRecord {
    const proxy = this.get(proxyName);
    const current = proxy.findToxic(toxicName);
    if (!current) throw API_ERRORS.toxicNotFound();
    const v = parseBody(body);
    const w: Record<string, unknown> = { toxicity: current.toxicity };
    // Go decodes into an anonymous struct { Attributes; Toxicity } (`toxic_collection.go` UpdateToxicJson).
    const fields = { attributes: `struct:toxics.${TOXIC_TYPES[current.type].struct}`, toxicity: 'float32' } as const;
    const attrs = decodeToxicBody(v, fields, w, '', TOXIC_UPDATE_GO_TYPE);
    const attributes = decodeAttributes(current.type, attrs, { ...current.attributes });
    const toxic: ToxicRecord = { ...current, toxicity: w.toxicity as number, attributes };
    proxy.updateToxic(toxic);
    return toxic;
  }

  /** DELETE /proxies/{name}/toxics/{toxic} (§4.6). @throws ApiError 404. */
  removeToxic(proxyName: string, toxicName: string): void {
    this.get(proxyName).removeToxic(toxicName);
  }

  /**
   * POST /reset (§4.8): each proxy is started if disabled (first error → thrown, later proxies
   * untouched), then loses all its toxics.
   * @throws ApiError 500 on a failed start.
   */
  async reset(): Promise<void> {
    for (const p of this.list()) {
      await p.start();
      p.removeAllToxics();
    }
  }

  /**
   * POST /populate (§4.9): validate all entries, then per entry keep (same resolved listen and
   * upstream), replace (toxics dropped) or create. Not atomic: the first start error stops it
   * (a failed replacement leaves the old proxy in place, stopped).
   * @throws PopulateError with `applied` = the proxies done so far (`null` for validation errors).
   */
  async populate(body: string): Promise<Proxy[]> {
    let configs: ProxyConfig[];
    try {
      const v = parseBody(body);
      configs = decoding(() => {
        if (v === null) return [];
        if (!Array.isArray(v)) {
          throw new JsonTypeError(`json: cannot unmarshal ${jsonKind(v)} into Go value of type []${POPULATE_ITEM_GO_TYPE}`);
        }
        return v.map((item) => decodeProxy(item, { name: '', listen: '', upstream: '', enabled: true }, POPULATE_ITEM_GO_TYPE, ''));
      });
    } catch (e) {
      if (e instanceof ApiError) throw new PopulateError(e.status, e.message, null);
      throw e;
    }
    configs.forEach((c, i) => {
      if (c.name === '') throw new PopulateError(400, `missing required field: name at proxy ${i + 1}`, null);
      if (c.upstream === '') throw new PopulateError(400, `missing required field: upstream at proxy ${i + 1}`, null);
    });
    const applied: Proxy[] = [];
    for (const cfg of configs) {
      try {
        const existing = this.proxies.get(cfg.name);
        if (existing) {
          const resolved = await resolveListen(cfg.listen);
          if (existing.listen === resolved.text && existing.upstream === cfg.upstream) {
            applied.push(existing);
            continue;
          }
          // Go AddOrReplace: a replacement that fails to start leaves the old proxy mapped, stopped.
          await existing.stop();
        }
        const proxy = new Proxy(cfg.name, cfg, this.rng, this.metrics);
        if (cfg.enabled) await proxy.start();
        this.proxies.set(cfg.name, proxy);
        applied.push(proxy);
      } catch (e) {
        if (e instanceof ApiError) throw new PopulateError(e.status, e.message, applied);
        throw e;
      }
    }
    return applied;
  }

  /** Stops every proxy (listeners and connections); used by server shutdown. */
  async stopAll(): Promise<void> {
    await Promise.all([...this.proxies.values()].map((p) => p.stop()));
  }
}

function zeroAttributes(type: ToxicType): Record<string, number> {
  const out: Record<string, number> = {};
  for (const k of Object.keys(TOXIC_TYPES[type].fields)) out[k] = 0;
  return out;
}

/** The Go type a toxic update body is decoded into, for error texts. */
const TOXIC_UPDATE_GO_TYPE = 'struct { Attributes interface {} "json:\\"attributes\\""; Toxicity float32 "json:\\"toxicity\\"" }';

/**
 * Decodes a toxic create/update body's top-level fields onto `w` and returns its `attributes`
 * (an object, or null when absent or null: the last `attributes` key wins, as in Go).
 * @throws ApiError 400 `bad request body: json: ...` naming `structName` / `goValueType`.
 */
function decodeToxicBody(
  v: JsonValue,
  fields: Record<string, GoFieldType>,
  w: Record<string, unknown>,
  structName: string,
  goValueType: string,
): JsonObject | null {
  let attrs: JsonValue = null;
  decoding(() => {
    if (v === null) return;
    if (!isJsonObject(v)) throw new JsonTypeError(`json: cannot unmarshal ${jsonKind(v)} into Go value of type ${goValueType}`);
    decodeFields(v, fields, w, structName);
    for (const [k, val] of v.entries) if (k.toLowerCase() === 'attributes') attrs = val;
  });
  return attrs as JsonObject | null; // decodeFields rejected any other kind
}

/** Decodes `attributes` onto `base` for a toxic type; unknown keys are dropped (§3). @throws ApiError 400. */
function decodeAttributes(type: ToxicType, attrs: JsonObject | null, base: Record<string, number>): Record<string, number> {
  const spec = TOXIC_TYPES[type];
  const out: Record<string, unknown> = { ...base };
  decoding(() => {
    if (attrs !== null) decodeFields(attrs, spec.fields, out, spec.struct, 'attributes.');
  });
  const result = out as Record<string, number>;
  if (type === 'slicer' && result.average_size <= 0 && result.size_variation <= 0) {
    throw new ApiError(400, 'slicer: average_size and size_variation cannot both be 0 (the real server recurses forever)');
  }
  return result;
}
