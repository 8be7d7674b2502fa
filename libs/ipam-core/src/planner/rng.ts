// Seeded pseudo-random numbers for the `random` allocation strategy, so that a plan is
// reproducible. Not cryptographic, and it does not need to be: upstream uses math/rand too.

/** FNV-1a 32-bit hash of a string. */
function fnv1a(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}

/** mulberry32: a small, well-distributed 32-bit generator returning numbers in [0, 1). */
export function seededRandom(seed: number, stream = ''): () => number {
  let state = (seed ^ fnv1a(stream)) >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
