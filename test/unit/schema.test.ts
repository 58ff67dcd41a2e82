/**
 * The published JSON Schemas (schema/, generated from the spec types by scripts/build-schema.mjs):
 *  - regenerating them gives the committed bytes (the schema cannot drift from the types);
 *  - every example spec, every rate and spiking scenario's spec and the specs of the GPU tests are valid;
 *  - specs the validators refuse for a structural reason (a wrong type, an unknown key, a missing key, a
 *    bound the types state) are refused by the schema too;
 *  - Python's jsonschema accepts examples/spiking.json against the shipped schema (and refuses it with dt a
 *    string); skipped outside CI where jsonschema is not installed.
 */
import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Ajv } from 'ajv';
import { SpecError } from '../../engine/errors.ts';
import { compile } from '../../engine/plan/rate.ts';
import { compileSpiking } from '../../engine/plan/compile-spiking.ts';
import { isSpikingSpec } from '../../engine/spec/kind.ts';
import { validateSpec } from '../../engine/spec/validate-rate.ts';
import { SCENARIOS } from '../../scenarios/index.ts';
import type { ProtocolScenario } from '../../scenarios/scenario.ts';
import { plasticTwoPopulationSpec, randomTwoPopulationSpec } from '../specs.ts';
import { plasticSpec, proceduralSpiking, twoPopulationSpiking } from '../spiking-specs.ts';

const root = fileURLToPath(new URL('../..', import.meta.url));
const FILES = ['lamina-spec.schema.json', 'rate-spec.schema.json', 'spiking-spec.schema.json'];
const read = (file: string) => JSON.parse(readFileSync(join(root, 'schema', file), 'utf8')) as object;
const ajv = new Ajv({ allErrors: true, strict: false });
const combined = ajv.compile(read('lamina-spec.schema.json'));
const perKind = { rate: ajv.compile(read('rate-spec.schema.json')), spiking: ajv.compile(read('spiking-spec.schema.json')) };

/** A spec as JSON holds it (undefined keys dropped). */
const asJson = (spec: unknown): unknown => JSON.parse(JSON.stringify(spec));

function expectValid(spec: unknown, what: string): void {
  const json = asJson(spec);
  const kind = isSpikingSpec(json) ? 'spiking' : 'rate';
  expect(combined(json), `${what}: ${ajv.errorsText(combined.errors)}`).toBe(true);
  expect(perKind[kind](json), `${what} (${kind}): ${ajv.errorsText(perKind[kind].errors)}`).toBe(true);
}

/** The SpecError field the engine's validator gives `spec` (undefined: accepted). */
function refusedAt(spec: unknown): string | undefined {
  try {
    if (isSpikingSpec(spec)) compileSpiking(spec);
    else compile(validateSpec(spec));
  } catch (e) {
    if (e instanceof SpecError) return e.field;
    throw e;
  }
  return undefined;
}

describe('the JSON Schema of the spec', () => {
  it('is what scripts/build-schema.mjs generates from the types today', () => {
    const out = mkdtempSync(join(tmpdir(), 'lamina-schema-'));
    try {
      const r = spawnSync(process.execPath, ['scripts/build-schema.mjs', '--out', out], { cwd: root, encoding: 'utf8' });
      expect(r.status, r.stderr).toBe(0);
      for (const f of FILES) expect(readFileSync(join(out, f), 'utf8'), `schema/${f} is stale: run npm run schema`).toBe(readFileSync(join(root, 'schema', f), 'utf8'));
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  }, 120_000);

  it('carries descriptions with units', () => {
    const defs = (read('lamina-spec.schema.json') as { definitions: Record<string, { properties?: Record<string, { description?: string }> }> }).definitions;
    expect(defs.NetworkSpec.properties?.dt.description).toMatch(/\[ms\]/);
    expect(defs.SpikingSpec.properties?.dt.description).toMatch(/\[ms\]/);
    expect(defs.SpikingProjectionSpec.properties?.delay.description).toMatch(/\[ms\]/);
  });

  it('accepts every example spec', () => {
    const examples = readdirSync(join(root, 'examples')).filter((f) => f.endsWith('.json'));
    expect(examples.length).toBeGreaterThan(0);
    for (const f of examples) expectValid(JSON.parse(readFileSync(join(root, 'examples', f), 'utf8')), `examples/${f}`);
  });

  it('a spec may name its schema ("$schema", for editors): the validators and the schema accept it', () => {
    const $schema = './node_modules/@lamina-sim/lamina/schema/lamina-spec.schema.json';
    for (const spec of [{ $schema, ...randomTwoPopulationSpec(1, 30, 11) }, { $schema, ...twoPopulationSpiking() }]) {
      expect(refusedAt(spec)).toBeUndefined();
      expectValid(spec, `${isSpikingSpec(spec) ? 'spiking' : 'rate'} spec with $schema`);
    }
  });

  it('accepts the spec of every rate and spiking scenario', () => {
    const built = Object.values(SCENARIOS).filter((s) => s.kind !== 'protocol');
    expect(built.length).toBeGreaterThan(0);
    for (const s of built) expectValid((s as Exclude<typeof s, ProtocolScenario>).build({}).spec, `scenario ${s.name}`);
  });

  it('accepts the specs of the GPU tests', () => {
    expectValid(randomTwoPopulationSpec(1, 30, 11), 'randomTwoPopulationSpec');
    expectValid(plasticTwoPopulationSpec(1, 30, 11), 'plasticTwoPopulationSpec');
    for (const model of ['lif_psc_exp', 'lif_coba', 'coba']) expectValid(twoPopulationSpiking(model), `twoPopulationSpiking(${model})`);
    expectValid(proceduralSpiking(), 'proceduralSpiking');
    expectValid(plasticSpec({ threeFactor: true, batch: 3 }), 'plasticSpec');
  });

  // Each case changes a valid spec into one the engine refuses for a structural reason; the schema must refuse it too.
  const rate = () => randomTwoPopulationSpec(1, 30, 11) as unknown as Record<string, any>;
  const spiking = () => twoPopulationSpiking() as unknown as Record<string, any>;
  const refused: [what: string, make: () => Record<string, any>, mutate: (s: Record<string, any>) => void, field: string][] = [
    ['rate: dt a string', rate, (s) => { s.dt = '0.5'; }, 'dt'],
    ['rate: dt 0', rate, (s) => { s.dt = 0; }, 'dt'],
    ['rate: $schema a number', rate, (s) => { s.$schema = 7; }, '$schema'],
    ['rate: an unknown top-level key', rate, (s) => { s.duration = 10; }, 'spec.duration'],
    ['rate: an unknown population key', rate, (s) => { s.populations[1].gain = 2; }, 'populations[1].gain'],
    ['rate: a population without a size', rate, (s) => { delete s.populations[0].size; }, 'populations[0].size'],
    ['rate: a fractional population size', rate, (s) => { s.populations[0].size = 2.5; }, 'populations[0].size'],
    ['rate: a population name with a path separator', rate, (s) => { s.populations[1].name = 'I/x'; }, 'populations[1].name'],
    ['rate: a recorder named ".."', rate, (s) => { s.record[0].name = '..'; }, 'record[0].name'],
    ['rate: an unknown weights type', rate, (s) => { s.projections[0].weights = { type: 'sparse', g: 1 }; }, 'projections[0].weights.type'],
    ['rate: steps beyond 32 bits', rate, (s) => { s.steps = 2 ** 32; }, 'steps'],
    ['rate: a seed beyond 32 bits', rate, (s) => { s.seed = 2 ** 32; }, 'seed'],
    ['rate: a recorder every 0 steps', rate, (s) => { s.record[0].every = 0; }, 'record[0].every'],
    ['spiking: an unknown projection key', spiking, (s) => { s.projections[1].delays = 1; }, 'projections[1].delays'],
    ['spiking: a population without a size', spiking, (s) => { delete s.populations[1].size; }, 'populations[1].size'],
    ['spiking: a weight given as a string', spiking, (s) => { s.projections[1].weight = '87.8'; }, 'projections[1].weight'],
    ['spiking: a connection probability above 1', spiking, (s) => { s.projections[0].connectivity.p = 1.5; }, 'projections[0].connectivity.p'],
    ['spiking: an input of unknown type', spiking, (s) => { s.inputs[2].type = 'noise'; }, 'inputs[2].type'],
    ['spiking: a batch of 0 instances', spiking, (s) => { s.batch = { size: 0 }; }, 'batch.size'],
    ['spiking: $schema a number', spiking, (s) => { s.$schema = 7; }, '$schema'],
  ];
  for (const [what, make, mutate, field] of refused) {
    it(`refuses what the validator refuses: ${what}`, () => {
      const s = make();
      mutate(s);
      expect(refusedAt(s)).toBe(field);
      expect(combined(asJson(s))).toBe(false);
    });
  }

  // Outside CI a machine without Python's jsonschema skips this; in CI (scripts/setup-test-peers.sh installs python3-jsonschema) it fails.
  const jsonschema = spawnSync('/usr/bin/python3', ['-c', 'import jsonschema']).status === 0;
  it.skipIf(!jsonschema && !process.env.CI)('validates from Python (jsonschema) against the shipped schema', () => {
    expect(jsonschema, 'Python jsonschema is required in CI (scripts/setup-test-peers.sh installs python3-jsonschema)').toBe(true);
    const script = [
      'import json, sys, jsonschema',
      "schema = json.load(open('schema/lamina-spec.schema.json'))",
      'jsonschema.Draft7Validator.check_schema(schema)',
      "v = jsonschema.Draft7Validator(schema)",
      "good = json.load(open('examples/spiking.json'))",
      'bad = dict(good, dt="0.1")',
      "print(len(list(v.iter_errors(good))), len(list(v.iter_errors(bad))))",
    ].join('\n');
    const r = spawnSync('/usr/bin/python3', ['-c', script], { cwd: root, encoding: 'utf8' });
    expect(r.status, r.stderr).toBe(0);
    const [good, bad] = r.stdout.trim().split(' ').map(Number);
    expect(good).toBe(0);
    expect(bad).toBeGreaterThan(0);
  });

});
