// `npm run schema`: JSON Schemas (draft-07) of the network spec, generated from the TypeScript types by
// ts-json-schema-generator, written to schema/ and committed (test/unit/schema.test.ts regenerates them
// and compares bytes, so they cannot drift from the types):
//  - schema/rate-spec.schema.json     NetworkSpec (engine/spec/rate.ts)
//  - schema/spiking-spec.schema.json  SpikingSpec (engine/spec/spiking.ts)
//  - schema/lamina-spec.schema.json   either, chosen as engine/spec/kind.ts isSpikingSpec chooses: a spec
//    with a population that names a `model` is spiking.
// Objects forbid unknown keys, as the validators do. TSDoc tags on the types carry the bounds the
// validators check (@minimum, @exclusiveMinimum, @maximum, @asType integer, ...).
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { createGenerator } from 'ts-json-schema-generator';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const DRAFT = 'http://json-schema.org/draft-07/schema#';

/** A definition's name in the combined schema: spiking types that share a rate type's name but differ get "Spiking" in front (as engine/index.ts exports them). */
function rename(spikingDefs, rateDefs) {
  const names = new Map();
  for (const [name, def] of Object.entries(spikingDefs)) {
    const clash = name in rateDefs && JSON.stringify(rateDefs[name]) !== JSON.stringify(def);
    names.set(name, clash ? `Spiking${name}` : name);
  }
  // A shared definition must not reach a renamed one (it would mean the rate one in the combined schema).
  for (const [name, def] of Object.entries(spikingDefs)) {
    const reached = [...JSON.stringify(def).matchAll(/"#\/definitions\/([^"]+)"/g)].map((m) => decodeURIComponent(m[1]));
    if (name in rateDefs && names.get(name) === name && reached.some((r) => names.get(r) !== r)) throw new Error(`schema: ${name} is shared by both kinds but refers to a renamed spiking type`);
  }
  return names;
}

/** `value` with every "#/definitions/NAME" reference renamed by `names`. */
function renameRefs(value, names) {
  if (Array.isArray(value)) return value.map((v) => renameRefs(v, names));
  if (typeof value !== 'object' || value === null) return value;
  const out = {};
  for (const [k, v] of Object.entries(value)) {
    const ref = k === '$ref' && typeof v === 'string' ? /^#\/definitions\/(.+)$/.exec(v) : null;
    out[k] = ref ? `#/definitions/${names.get(decodeURIComponent(ref[1])) ?? ref[1]}` : renameRefs(v, names);
  }
  return out;
}

/** The schemas, file name (under schema/) to text. */
export function buildSchemas() {
  const generator = createGenerator({
    path: join(root, 'engine/spec/{rate,spiking}.ts'),
    tsconfig: join(root, 'tsconfig.json'),
    skipTypeCheck: true, // `npx tsc --noEmit` checks the types
    additionalProperties: false,
    topRef: true,
  });
  const rate = generator.createSchema('NetworkSpec');
  const spiking = generator.createSchema('SpikingSpec');
  const names = rename(spiking.definitions, rate.definitions);
  const definitions = { ...rate.definitions };
  for (const [name, def] of Object.entries(spiking.definitions)) definitions[names.get(name)] = renameRefs(def, names);
  const combined = {
    $schema: DRAFT,
    title: 'Lamina network spec',
    description: 'A rate network (NetworkSpec) or a spiking network (SpikingSpec): a spec with a population that names a `model` is spiking.',
    if: { type: 'object', required: ['populations'], properties: { populations: { type: 'array', contains: { type: 'object', required: ['model'] } } } },
    then: { $ref: '#/definitions/SpikingSpec' },
    else: { $ref: '#/definitions/NetworkSpec' },
    definitions,
  };
  const text = (schema, title) => `${JSON.stringify({ $schema: DRAFT, title, $ref: schema.$ref, definitions: schema.definitions }, null, 2)}\n`;
  return {
    'rate-spec.schema.json': text(rate, 'Lamina rate network spec (NetworkSpec)'),
    'spiking-spec.schema.json': text(spiking, 'Lamina spiking network spec (SpikingSpec)'),
    'lamina-spec.schema.json': `${JSON.stringify(combined, null, 2)}\n`,
  };
}

// `node scripts/build-schema.mjs [--out DIR]`: writes into DIR (default schema/).
if (import.meta.url === pathToFileURL(process.argv[1]).href) {
  const at = process.argv.indexOf('--out');
  const dir = at > 0 ? process.argv[at + 1] : join(root, 'schema');
  mkdirSync(dir, { recursive: true });
  for (const [file, text] of Object.entries(buildSchemas())) {
    writeFileSync(join(dir, file), text);
    console.log(join(dir, file));
  }
}
