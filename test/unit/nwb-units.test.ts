/** Units of the NWB export: model unit strings to NWB's SI names and factors, and a port's input unit. */
import { describe, expect, it } from 'vitest';
import { BUILTIN_MODELS } from '../../engine/models/builtin-models.ts';
import { nwbUnit, portUnit } from '../../engine/node/nwb-units.ts';
import { COBA_MODEL } from '../../scenarios/coba.ts';

describe('NWB units', () => {
  it('maps a prefixed SI symbol to its name and factor, keeps compound units, and 1 is dimensionless', () => {
    expect(nwbUnit('mV')).toEqual({ unit: 'volts', conversion: 1e-3 });
    expect(nwbUnit('pA')).toEqual({ unit: 'amperes', conversion: 1e-12 });
    expect(nwbUnit('nS')).toEqual({ unit: 'siemens', conversion: 1e-9 });
    expect(nwbUnit('ms')).toEqual({ unit: 'seconds', conversion: 1e-3 });
    expect(nwbUnit('Hz')).toEqual({ unit: 'hertz', conversion: 1 });
    expect(nwbUnit('m')).toEqual({ unit: 'meters', conversion: 1 });
    expect(nwbUnit('1')).toEqual({ unit: 'dimensionless', conversion: 1 });
    expect(nwbUnit('1/ms')).toEqual({ unit: '1/ms', conversion: 1 });
    expect(nwbUnit(undefined)).toEqual({ unit: 'a.u.', conversion: 1 });
  });

  it("finds the unit of a port's input from the state variable the update adds it to", () => {
    expect(portUnit(BUILTIN_MODELS.lif_psc_exp, 'exc')).toBe('pA');
    expect(portUnit(BUILTIN_MODELS.adlif_psc_exp, 'inh')).toBe('pA');
    expect(portUnit(BUILTIN_MODELS.lif_coba, 'inh')).toBe('1');
    // Through a let: `let ge = g_e + in_exc` (the V update that reads ge is not the port's target).
    expect(portUnit(COBA_MODEL, 'exc')).toBe('1');
    expect(portUnit({ ...BUILTIN_MODELS.lif_psc_exp, update: 'V = V + in_exc;', state: { V: { init: 0, unit: 'mV' } } }, 'inh')).toBeUndefined();
  });
});
