/**
 * Rate units as data (engine/models/rate-unit.ts): the built-in units reproduce the former fixed update
 * bit for bit in the twin, values are placed per population / unit / instance and zeros are folded, and
 * every error in a unit or in a population's unit fields is a SpecError naming the field.
 */
import { describe, expect, it } from 'vitest';
import { compile } from '../../engine/plan/rate.ts';
import { validateSpec } from '../../engine/spec/validate-rate.ts';
import { fieldOf, rejectsEach } from '../rate-spec-cases.ts';
import { unitTwin, unitWgsl, type RateUnitSpec } from '../../engine/models/rate-unit.ts';
import { BUILTIN_RATE_UNITS } from '../../engine/models/builtin-rate-units.ts';
import { unitProblem } from '../../engine/models/check.ts';
import { PhiloxStream } from '../../engine/util/philox.ts';
import type { Activation, Integrator, NetworkSpec } from '../../engine/spec/rate.ts';

const f = Math.fround;
const ACTIVATIONS: Activation[] = ['tanh', 'relu', 'sigmoid', 'softplus', 'linear'];

/** The activation and unit update as engine/reference/rate.ts wrote them before units were data. */
function formerActivation(a: Activation, x: number): number {
  switch (a) {
    case 'tanh': return f(Math.tanh(Math.min(Math.max(x, -15), 15)));
    case 'relu': return Math.max(x, 0);
    case 'sigmoid': return f(1 / f(1 + f(Math.exp(-x))));
    case 'softplus': return x > 20 ? x : f(Math.log(f(1 + f(Math.exp(x)))));
    case 'linear': return x;
  }
}
function formerUpdate(integrator: Integrator, tau: number, dt: number, bias: number, sigma: number, x: number, rec: number, ext: number, xi: number): number {
  const h = dt / tau;
  const [c1, c2, c3] = (integrator === 'euler' ? [1 - h, h, Math.sqrt(2 * h)] : [Math.exp(-h), -Math.expm1(-h), Math.sqrt(-Math.expm1(-2 * h))]).map(f);
  const drive = f(f(rec + f(bias)) + ext);
  let y = f(f(c1 * x) + f(c2 * drive));
  if (sigma !== 0) y = f(y + f(f(c3 * f(sigma)) * xi));
  return y;
}

describe('built-in units reproduce the former fixed update', () => {
  for (const integrator of ['exponential', 'euler'] as const) {
    it(`${integrator}: every activation, per-unit tau and bias, noise or none, bit for bit in the twin`, () => {
      const rng = new PhiloxStream(5, 1, 0);
      const n = 16;
      const taus = Array.from({ length: n }, () => 1 + 30 * rng.uniform());
      const spec = validateSpec({
        dt: 0.7, integrator,
        populations: ACTIVATIONS.map((a, k) => ({
          name: a, size: n, activation: a, tau: k % 2 ? taus : 9, bias: k % 2 ? taus.map((t) => t / 10 - 1) : 0.3 * k, noise: k < 3 ? 0.25 * k : 0,
        })),
      });
      const plan = compile(spec, { batch: 2 });
      let compared = 0;
      for (const pop of plan.pops) {
        const p = spec.populations[pop.index];
        const twin = unitTwin(pop.unit, pop.tableBase, plan);
        for (let trial = 0; trial < 200; trial++) {
          const i = trial % n, b = trial % 2;
          const x = f(60 * (rng.uniform() - 0.5)), rec = f(4 * (rng.uniform() - 0.5)), ext = f(rng.uniform()), xi = f(3 * (rng.uniform() - 0.5));
          const tau = Array.isArray(p.tau) ? p.tau[i] : p.tau!, bias = Array.isArray(p.bias) ? p.bias[i] : p.bias!;
          const want = formerUpdate(integrator, tau, spec.dt, bias, p.noise as number, x, rec, ext, xi);
          expect(Object.is(twin.update(x, rec, ext, xi, b, i), want)).toBe(true);
          expect(Object.is(twin.activation(x, b, i), formerActivation(pop.name as Activation, x))).toBe(true);
          compared++;
        }
        // noise 0 is folded away: the kernel neither draws nor adds a sample
        expect(pop.unit.reads.xi).toBe((p.noise as number) > 0);
        expect(unitWgsl(pop.unit).values.includes('unit_normal')).toBe((p.noise as number) > 0);
      }
      expect(compared).toBe(1000);
    });
  }

  it('every built-in unit compiles and names its activation and integrator', () => {
    expect(Object.keys(BUILTIN_RATE_UNITS).sort()).toEqual(
      ACTIVATIONS.flatMap((a) => [`${a}_euler`, `${a}_exponential`]).sort());
  });
});

const SSN: RateUnitSpec = {
  params: { tau: { unit: 'ms' }, k: { value: 0.04, unit: 'Hz/mV^2' }, n: { value: 2, unit: '1' }, sigma: { value: 0, unit: 'mV' } },
  derived: { decay: 'exp(-dt / tau)', gain: '-expm1(-dt / tau)', kick: 'sqrt(-expm1(-2 * dt / tau))' },
  update: 'x = decay * x + gain * (rec + I_ext) + kick * sigma * xi;',
  activation: 'k * pow(max(x, 0), n)',
  checks: [{ param: 'tau', require: 'tau > 0', message: 'must be > 0' }],
};

const userSpec = (): any => ({
  dt: 0.5,
  units: { ssn: structuredClone(SSN) },
  populations: [{ name: 'E', size: 4, unit: 'ssn', tau: [10, 12, 14, 16] }, { name: 'I', size: 2, unit: 'ssn', params: { tau: 5, n: 3 } }],
  batch: { size: 3, params: { 'populations.I.k': [0.01, 0.02, 0.03] } },
});

describe('values of a user unit: one per population, per unit, per instance', () => {
  it('places scalars once, per-unit arrays per unit, batch.params per instance; zeros are folded', () => {
    const plan = compile(validateSpec(userSpec()));
    const [E, I] = plan.pops;
    expect(E.unit.values.decay).toEqual({ kind: 'unit', offset: expect.any(Number) });
    expect(E.unit.values.k.kind).toBe('uniform');
    expect(I.unit.values.decay.kind).toBe('uniform');
    expect(I.unit.values.k.kind).toBe('instance');
    expect(plan.instColumns).toContain('populations.I.k');
    // sigma = 0 everywhere: no noise term, so neither sigma, kick nor xi is read
    for (const pop of [E, I]) {
      expect(Object.keys(pop.unit.values).sort()).toEqual(['decay', 'gain', 'k', 'n']);
      expect(pop.unit.reads).toEqual({ I_ext: true, xi: false });
    }
    const decay = E.unit.values.decay as { offset: number };
    expect([...plan.unitTable.subarray(E.tableBase + decay.offset, E.tableBase + decay.offset + 4)]).toEqual([10, 12, 14, 16].map((t) => f(Math.exp(-0.5 / t))));
    const twin = unitTwin(I.unit, I.tableBase, plan);
    expect(twin.activation(2, 1, 0)).toBe(f(f(0.02) * f(2 ** 3)));
  });

  it('a noise level swept per instance keeps the noise term and reads xi', () => {
    const s = userSpec();
    s.batch.params['populations.E.sigma'] = [0, 0.5, 1];
    const plan = compile(validateSpec(s));
    expect(plan.pops[0].unit.reads.xi).toBe(true);
    expect(plan.pops[0].unit.values.sigma.kind).toBe('instance');
    expect(plan.pops[1].unit.reads.xi).toBe(false);
  });
});

describe('unit errors name the field', () => {
  it('accepts the valid spec', () => expect(() => compile(validateSpec(userSpec()))).not.toThrow());
  rejectsEach(userSpec, [
    ['unknown unit', (s) => { s.populations[0].unit = 'ssm'; }, 'populations[0].unit'],
    ['both activation and unit', (s) => { s.populations[0].activation = 'tanh'; }, 'populations[0].unit'],
    ['neither activation nor unit', (s) => { delete s.populations[0].unit; }, 'populations[0].activation'],
    ['shorthand for a parameter the unit lacks', (s) => { s.populations[0].bias = 1; }, 'populations[0].bias'],
    ['unknown parameter', (s) => { s.populations[1].params.gamma = 1; }, 'populations[1].params.gamma'],
    ['parameter of the wrong type', (s) => { s.populations[1].params.n = 'two'; }, 'populations[1].params.n'],
    ['per-unit parameter of the wrong length', (s) => { s.populations[1].params.n = [1, 2, 3]; }, 'populations[1].params.n'],
    ['parameter given twice', (s) => { s.populations[1].tau = 5; }, 'populations[1].params.tau'],
    ['required parameter missing', (s) => { delete s.populations[1].params.tau; }, 'populations[1].params.tau'],
    ['check fails for one unit', (s) => { s.populations[0].tau = [10, 12, -1, 16]; }, 'populations[0].tau[2]'],
    ['check fails for one instance', (s) => { s.batch.params['populations.I.tau'] = [5, 0, 5]; delete s.populations[1].params.tau; }, 'batch.params.populations.I.tau[1]'],
    ['per-instance sweep of a per-unit parameter', (s) => { s.batch.params['populations.E.tau'] = [1, 2, 3]; }, 'batch.params.populations.E.tau'],
    ['derived value per unit and per instance', (s) => { s.units.ssn.derived.kick = 'sqrt(1 - decay * decay) * k'; s.batch.params['populations.E.k'] = [1, 2, 3]; s.batch.params['populations.E.sigma'] = [1, 1, 1]; }, 'batch.params.populations.E.k'],
    ['unknown batch parameter of a unit', (s) => { s.batch.params['populations.I.bias'] = [1, 2, 3]; }, 'batch.params.populations.I.bias'],
    ['a unit named like a built-in', (s) => { s.units.tanh_euler = s.units.ssn; }, 'units.tanh_euler'],
    ['units is not an object', (s) => { s.units = ['ssn']; }, 'units'],
    ['update missing', (s) => { delete s.units.ssn.update; }, 'units.ssn.update'],
    ['update not a string', (s) => { s.units.ssn.update = 5; }, 'units.ssn.update'],
    ['unknown unit field', (s) => { s.units.ssn.reset = 'x = 0;'; }, 'units.ssn.reset'],
    ['parameter without a unit', (s) => { delete s.units.ssn.params.k.unit; }, 'units.ssn.params.k.unit'],
    ['misspelt unit', (s) => { s.units.ssn.params.tau.unit = 'msec'; }, 'units.ssn.params.tau.unit'],
    ['default value not a number', (s) => { s.units.ssn.params.k.value = 'small'; }, 'units.ssn.params.k.value'],
    ['parameter named like an engine value', (s) => { s.units.ssn.params.xi = { unit: '1' }; }, 'units.ssn.params.xi'],
    ['derived value named like a parameter', (s) => { s.units.ssn.derived.k = '1'; }, 'units.ssn.derived.k'],
    ['derived value reads the state', (s) => { s.units.ssn.derived.decay = 'exp(-x / tau)'; }, 'units.ssn.derived.decay'],
    ['derived value not finite', (s) => { s.units.ssn.derived.decay = 'log(tau - 10)'; }, 'units.ssn.derived.decay'],
    ['unknown name in the update', (s) => { s.units.ssn.update = 'x = decay * x + gain * (rec + I_in);'; }, 'units.ssn.update'],
    ['update assigns a parameter', (s) => { s.units.ssn.update = 'k = 1;'; }, 'units.ssn.update'],
    ['update assigns a condition to x', (s) => { s.units.ssn.update = 'x = x > 0;'; }, 'units.ssn.update'],
    ['arithmetic on a condition', (s) => { s.units.ssn.update = 'x = (x > 0) + 1;'; }, 'units.ssn.update'],
    ['host-only function in the update', (s) => { s.units.ssn.update = 'x = expm1(x);'; }, 'units.ssn.update'],
    ['unknown function', (s) => { s.units.ssn.update = 'x = erf(x);'; }, 'units.ssn.update'],
    ['syntax error', (s) => { s.units.ssn.update = 'x = decay * ;'; }, 'units.ssn.update'],
    ['activation reads the input', (s) => { s.units.ssn.activation = 'rec'; }, 'units.ssn.activation'],
    ['activation is a condition', (s) => { s.units.ssn.activation = 'x > 0'; }, 'units.ssn.activation'],
    ['check of an unknown parameter', (s) => { s.units.ssn.checks[0].param = 'tau_m'; }, 'units.ssn.checks[0].param'],
    ['check that is not a condition', (s) => { s.units.ssn.checks[0].require = 'tau'; }, 'units.ssn.checks[0].require'],
  ]);

  it('built-in populations: a missing tau and a negative noise name their fields', () => {
    expect(fieldOf({ dt: 1, populations: [{ name: 'a', size: 2, activation: 'relu' }] })).toBe('populations[0].tau');
    expect(fieldOf({ dt: 1, populations: [{ name: 'a', size: 2, activation: 'relu', tau: 5, noise: -1 }] })).toBe('populations[0].noise');
    const swept: NetworkSpec = { dt: 1, populations: [{ name: 'a', size: 2, activation: 'relu', tau: 5 }], batch: { size: 2, params: { 'populations.a.noise': [0.1, -0.1] } } };
    expect(fieldOf(swept)).toBe('batch.params.populations.a.noise[1]');
  });
});

describe('unit strings', () => {
  it('accepts units and dimensionless 1; rejects misspellings', () => {
    for (const u of ['ms', 'mV', 'pA', 'nS', 'Hz', '1', '1/ms', 'Hz/mV^2', 'pA*ms', 'mV^-1']) expect(unitProblem(u), u).toBeUndefined();
    for (const u of ['msec', 'm s', '', 'ms^x', 'volts', '2/ms']) expect(unitProblem(u), u).toBeDefined();
  });
});
