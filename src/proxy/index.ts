/**
 * The embedded Toxiproxy-compatible server and faultline's Toxiproxy client.
 * Toxiproxy 2.12 semantics throughout: /work/shared/reference/toxiproxy-api.md.
 */
export { startToxiproxyServer, TOXIPROXY_COMPAT_VERSION } from './server.js';
export { ProxyMetrics, METRICS_CONTENT_TYPE } from './metrics.js';
export type { LinkLabels } from './metrics.js';
export type { ToxiproxyServer, ToxiproxyServerOptions, ApiLogEntry } from './server.js';
export { ProxyControl } from './client.js';
export type { ProxyInfo, ToxicInfo, ToxicSpec } from './client.js';
export { ApiError, ProxyError } from './errors.js';
export { seededRandom } from './random.js';
export type { ProxyRandom } from './random.js';
export { TOXIC_TYPES } from './toxics.js';
export type { ToxicType, StreamDirection } from './toxics.js';
export { RunProxies, newRunPrefix } from './run-proxies.js';
export type { ProxyScope } from './run-proxies.js';
export { ToxiproxyApiError } from './http.js';
