import { xoroshiro128plus } from 'pure-rand/generator/xoroshiro128plus';
import { uniformFloat32 } from 'pure-rand/distribution/uniformFloat32';
import { uniformInt } from 'pure-rand/distribution/uniformInt';

/**
 * The only source of randomness of the embedded Toxiproxy server: toxicity rolls, latency jitter
 * and slicer split points. Inject a seeded one to make a run reproducible (Toxiproxy's `-seed`,
 * reference `toxiproxy-api.md` §1).
 */
export interface ProxyRandom {
  /** Uniform float in [0, 1) with float32 resolution (Go `rand.Float32`). */
  float32(): number;
  /** Uniform integer in [0, n) for n ≥ 1 (Go `rand.Int63n` / `rand.Intn`). */
  intBelow(n: number): number;
}

/**
 * A seeded xoroshiro128+ generator (pure-rand).
 * @param seed any 32-bit integer; the same seed gives the same sequence of draws.
 */
export function seededRandom(seed: number): ProxyRandom {
  const rng = xoroshiro128plus(seed | 0);
  return {
    float32: () => uniformFloat32(rng),
    intBelow: (n) => (n <= 1 ? 0 : uniformInt(rng, 0, Math.floor(n) - 1)),
  };
}
