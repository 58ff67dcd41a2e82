/** Which kind of network a spec describes: one whose populations name a neuron model is spiking. */
export function isSpikingSpec(raw: unknown): boolean {
  const pops = (raw as { populations?: unknown })?.populations;
  return Array.isArray(pops) && pops.some((p) => typeof p === 'object' && p !== null && 'model' in p);
}
