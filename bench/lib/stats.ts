// Exact percentiles over every sample (autocannon's own histogram keeps whole milliseconds, too
// coarse for sub-millisecond targets), and the number formats the reports use.

export class Samples {
  private data = new Float64Array(4096);
  private size = 0;
  private sortedView: Float64Array | null = null;

  push(value: number): void {
    if (this.size === this.data.length) {
      const grown = new Float64Array(this.data.length * 2);
      grown.set(this.data);
      this.data = grown;
    }
    this.data[this.size++] = value;
    this.sortedView = null;
  }

  get count(): number {
    return this.size;
  }

  private sorted(): Float64Array {
    this.sortedView ??= this.data.slice(0, this.size).sort();
    return this.sortedView;
  }

  /** Nearest-rank percentile (`p` in 0–100); NaN without samples. */
  percentile(p: number): number {
    const s = this.sorted();
    if (!s.length) return Number.NaN;
    return s[Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1))]!;
  }

  summary(): Summary {
    const s = this.sorted();
    let sum = 0;
    for (const v of s) sum += v;
    return {
      n: s.length,
      mean: s.length ? sum / s.length : Number.NaN,
      p50: this.percentile(50),
      p90: this.percentile(90),
      p99: this.percentile(99),
      max: s.length ? s[s.length - 1]! : Number.NaN,
    };
  }
}

export interface Summary {
  n: number;
  mean: number;
  p50: number;
  p90: number;
  p99: number;
  max: number;
}

export function summarize(values: Iterable<number>): Summary {
  const samples = new Samples();
  for (const v of values) samples.push(v);
  return samples.summary();
}

export const ms = (v: number, digits = 2) => (Number.isFinite(v) ? v.toFixed(digits) : '—');
export const int = (v: number) => (Number.isFinite(v) ? Math.round(v).toLocaleString('en-US') : '—');
export const ratio = (a: number, b: number) =>
  Number.isFinite(a) && Number.isFinite(b) && b > 0 ? `${(a / b).toFixed(2)}×` : '—';
export const kib = (bytes: number) => (Number.isFinite(bytes) ? (bytes / 1024).toFixed(1) : '—');
