import { median, medianRatio } from './stats.mjs';

/**
 * One measured quantity for a set of contenders: the per-round samples, their
 * medians, and the median ratio of concur's value to each other contender's
 * (value / value, so for times < 1 means concur is faster, for rates > 1 does).
 */
export function metric(unit, better, samples) {
  const medians = {};
  for (const [name, values] of Object.entries(samples)) medians[name] = median(values);
  const ratios = {};
  if (samples.concur !== undefined) {
    for (const [name, values] of Object.entries(samples)) {
      if (name !== 'concur') ratios[name] = medianRatio(samples.concur, values);
    }
  }
  return { unit, better, samples, medians, ratios };
}

/** The best median among `names` (the best peer). */
export function best(m, names) {
  let bestName;
  for (const name of names) {
    const value = m.medians[name];
    if (value === undefined || !Number.isFinite(value)) continue;
    if (
      bestName === undefined ||
      (m.better === 'higher' ? value > m.medians[bestName] : value < m.medians[bestName])
    )
      bestName = name;
  }
  return bestName;
}
