import {readFileSync} from 'node:fs';
import getPort from 'get-port';

/** Lowest port faultline hands to a node or a server it starts. */
const LOWEST_PORT = 10_000;

/**
 * The kernel's ephemeral port range (Linux `ip_local_port_range`), from which outgoing
 * connections take their local ports. Default 32768–60999.
 */
function ephemeralRange(): [number, number] {
  try {
    const [lo, hi] = readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').trim().split(/\s+/).map(Number);
    if (Number.isInteger(lo) && Number.isInteger(hi)) return [lo, hi];
  } catch {
    // not Linux: assume the IANA range
  }
  return [49152, 65535];
}

/**
 * A free port on 127.0.0.1 for a node or server that listens for the whole run, chosen below the
 * ephemeral range: a port picked inside it can be taken, between the check and the bind (or while
 * a killed node is down), as the local port of one of the many outgoing connections nodes and
 * proxies make. Toxiproxy's README gives the same advice for fixed listen ports.
 */
export async function freePort(): Promise<number> {
  const [lo] = ephemeralRange();
  if (lo - 1 <= LOWEST_PORT) return getPort({host: '127.0.0.1'});
  // Random candidates (not the seeded PRNG: ports are not part of a replay), so that two runs
  // starting at once do not both try the same first port.
  const candidates = Array.from({length: 64}, () => LOWEST_PORT + Math.floor(Math.random() * (lo - 1 - LOWEST_PORT)));
  return getPort({host: '127.0.0.1', port: candidates});
}
