// P6's task durations: a fixed, seeded list of 200 (the same on every machine and run), shaped like
// a science workload: lognormal around a median of about 0.1 s, plus four stragglers of 5-10 s at
// seeded positions. Printed with the benchmark: total and longest, from which the ideal follows.
function mulberry32(seed) {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function unevenDurations(count = 200, seed = 20261203) {
  const random = mulberry32(seed);
  const durations = [];
  for (let i = 0; i < count; i++) {
    const z = Math.sqrt(-2 * Math.log(random() || 1e-9)) * Math.cos(2 * Math.PI * random());
    durations.push(Math.min(3, Math.max(0.01, 0.09 * Math.exp(1.15 * z))));
  }
  for (const seconds of [5, 6.5, 8, 10]) durations[Math.floor(random() * count)] = seconds;
  return durations.map((s) => Math.round(s * 1000) / 1000);
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const d = unevenDurations();
  const sorted = [...d].sort((a, b) => a - b);
  console.log({ total: d.reduce((a, b) => a + b, 0), median: sorted[100], longest: sorted.at(-1), top: sorted.slice(-6) });
}
