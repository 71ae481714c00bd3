/**
 * What a unit of an elastic map weighs, in fine units (bulk units are laid out by elastic/plan.ts).
 * The worker (its claims and its measure of itself) and the pool (the open work) both weigh
 * units with it, so they count alike.
 */

/**
 * What unit k weighs in fine units: bulk.size / unitSize for a leading bulk unit, 1 for the rest.
 * Claim sizes (claim-size.ts) and the measured work (worker-target.ts) count in fine units, so a
 * bulk unit counts for the tasks it holds, not as one unit: otherwise a claim of "a share of the
 * open units" taken from the bulk would hold several times that share of the tasks.
 */
export function unitWeight(layout: { unitSize: number; bulk?: { size: number; units: number } | undefined }, unit: number): number {
  return layout.bulk && unit < layout.bulk.units ? layout.bulk.size / layout.unitSize : 1;
}

/** The summed weight of some units (see unitWeight). */
export function unitsWeight(layout: Parameters<typeof unitWeight>[0], units: readonly number[]): number {
  let weight = 0;
  for (const unit of units) weight += unitWeight(layout, unit);
  return weight;
}
