// Seeded PRNG (mulberry32): the emulator's ids, request ids and fault draws are a function of
// its seed, so a failing run can be replayed exactly.

export class EmulatorPrng {
  private s: number;

  constructor(seed: number) {
    this.s = seed >>> 0;
  }

  /** Uniform in [0, 1). */
  float(): number {
    this.s = (this.s + 0x6d2b79f5) >>> 0;
    let t = this.s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  /** True with probability `p` (0 never draws, so a zero rate does not shift the stream). */
  chance(p: number): boolean {
    if (!(p > 0)) return false;
    return this.float() < p;
  }

  /** `count` lowercase hex digits. */
  hex(count: number): string {
    let out = '';
    while (out.length < count) {
      out += Math.floor(this.float() * 0x10000)
        .toString(16)
        .padStart(4, '0');
    }
    return out.slice(0, count);
  }
}
