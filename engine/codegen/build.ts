/**
 * WGSL of the synapse builder's kernels (build-count, build-place): the template with its constants, its
 * group-0 declarations (engine/gpu/layouts.ts: BUILD_GROUP0) and the generator library (Philox and
 * shaders/lib/synapse-gen.wgsl, whose float32 twin is engine/reference/synapse-build.ts).
 */
import philox from '../../shaders/lib/philox.wgsl';
import synapseGen from '../../shaders/lib/synapse-gen.wgsl';
import buildCount from '../../shaders/build-count.wgsl';
import buildPlace from '../../shaders/build-place.wgsl';
import { BUILD_GROUP0, type BuildKernel } from '../gpu/layouts.ts';
import { constantsBlock, declareBindings, splice, type Constants } from './wgsl.ts';

/** build_info.x is always 0: reading it keeps products from being fused into FMAs (synapse-gen.wgsl needs keep). */
const KEEP = 'fn keep(x: f32) -> f32 {\n  return select(x, 0.0, build_info.x != 0u);\n}';

const TEMPLATES: Record<BuildKernel, string> = { 'build-count': buildCount, 'build-place': buildPlace };

export function buildWgsl(kind: BuildKernel, c: Constants): string {
  return splice(kind, TEMPLATES[kind], { constants: `${constantsBlock(c)}\n${declareBindings(0, BUILD_GROUP0[kind])}`, lib: `${philox}\n${synapseGen}\n${KEEP}` });
}
