// Figures for the benchmarks: quantiles of a list of timings, rounded to 0.1.
export function quantile(xs, q) {
  if (!xs.length) return null;
  const s = [...xs].sort((a, b) => a - b);
  const i = (s.length - 1) * q;
  const lo = Math.floor(i);
  return Math.round((s[lo] + (s[Math.ceil(i)] - s[lo]) * (i - lo)) * 10) / 10;
}
export const median = (xs) => quantile(xs, 0.5);
export const summary = (xs) => ({ median: median(xs), p90: quantile(xs, 0.9), n: xs.length });

/** The most events (times in ms) within any `windowMs` ms. */
export function peakRate(times, windowMs = 1000) {
  const t = [...times].sort((a, b) => a - b);
  let peak = 0;
  for (let lo = 0, hi = 0; hi < t.length; hi++) {
    while (t[hi] - t[lo] >= windowMs) lo++;
    peak = Math.max(peak, hi - lo + 1);
  }
  return peak;
}
