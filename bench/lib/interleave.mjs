/**
 * Runs `measure(contender, round)` for every contender in every round: A B C A B C ...
 * The order rotates each round so that no contender always runs first (on a cold
 * cache) or right after the heaviest one. Returns samples[name] = one value per round.
 */
export async function interleave(rounds, contenders, measure, log) {
  const samples = Object.fromEntries(contenders.map((c) => [c.name, []]));
  for (let round = 0; round < rounds; round++) {
    for (let i = 0; i < contenders.length; i++) {
      const contender = contenders[(i + round) % contenders.length];
      const value = await measure(contender, round);
      samples[contender.name].push(value);
      log?.(`  round ${round + 1}/${rounds} ${contender.name}: ${format(value)}`);
    }
  }
  return samples;
}

function format(value) {
  if (typeof value === 'number') return value.toPrecision(4);
  return JSON.stringify(value, (_, v) => (typeof v === 'number' ? Number(v.toPrecision(4)) : v));
}

/** Lets a pool's workers come up and reach steady state before a measurement. */
export async function warmUp(pool, poolSize) {
  const burst = [];
  for (let i = 0; i < poolSize * 8; i++) burst.push(pool.run('inc', i));
  await Promise.all(burst);
  for (let i = 0; i < 50; i++) await pool.run('inc', i);
}

export function sleep(ms) {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Splits samples of objects ({p50, p99}) into one sample list per field. */
export function pluck(samples, field) {
  return Object.fromEntries(
    Object.entries(samples).map(([name, values]) => [name, values.map((v) => v[field])]),
  );
}
