/**
 * The mean-field rate of Brunel's (2000) model A (engine/analysis/siegert.ts) against the paper's
 * theoretical rates for the Fig. 8 panels, as quoted from p. 196 in the cppcourse-brunel code (see
 * docs/research/brunel-2000.md): B (g 6, eta 4) 55.8 Hz, C (g 5, eta 2) 38.0 Hz, D (g 4.5, eta 0.9) 6.5 Hz;
 * erfcx against scipy.special.erfcx.
 */
import { describe, expect, it } from 'vitest';
import { brunelInput, brunelRate, erfcx, siegertRate, thresholdRate, type BrunelParams } from '../../engine/analysis/siegert.ts';

/** Full-size model A with the paper's V_r = 10 mV. */
const paper = (g: number, eta: number): BrunelParams => {
  const p = { tau: 20, theta: 20, Vr: 10, tauRp: 2, CE: 1000, gamma: 0.25, J: 0.1, g, nuExt: 0 };
  return { ...p, nuExt: eta * thresholdRate(p) };
};

describe('Siegert mean-field rate', () => {
  it('erfcx equals scipy.special.erfcx to 1e-13 (relative) across the series, continued-fraction and reflected branches', () => {
    // python3 -c "from scipy.special import erfcx; print(repr(float(erfcx(x))))"
    const scipy: [number, number][] = [
      [-5, 144009798674.66104], [-2.5, 1035.8148429726227], [-1, 5.008980080762283], [-0.3, 1.4537492328427655],
      [0, 1], [0.5, 0.6156903441929258], [1.9999, 0.2554063563747341], [2, 0.2553956763105058],
      [3, 0.17900115118138998], [6, 0.09277656780053836], [25, 0.022549572432641357],
    ];
    for (const [x, v] of scipy) expect(Math.abs(erfcx(x) / v - 1), `erfcx(${x})`).toBeLessThan(1e-13);
  });

  it('nu_thr = theta / (J C_E tau) = 10 Hz at full size and with J C_E kept at 100 mV', () => {
    expect(thresholdRate({ theta: 20, J: 0.1, CE: 1000, tau: 20 })).toBeCloseTo(10, 12);
    expect(thresholdRate({ theta: 20, J: 0.5, CE: 200, tau: 20 })).toBeCloseTo(10, 12);
  });

  it("reproduces the paper's mean-field rates of Fig. 8 B, C, D (55.8, 38.0, 6.5 Hz) within the quoted digit", () => {
    expect(Math.abs(brunelRate(paper(6, 4)) - 55.8)).toBeLessThan(0.1);
    expect(Math.abs(brunelRate(paper(5, 2)) - 38.0)).toBeLessThan(0.1);
    expect(Math.abs(brunelRate(paper(4.5, 0.9)) - 6.5)).toBeLessThan(0.1);
  });

  it('equals an independent solution (scipy quad of erfcx, brentq) to 1e-9, full size and scaled (J C_E = 100 mV)', () => {
    // /tmp scratch: brentq(lambda n: phi(n) - n) with phi from scipy.integrate.quad(erfcx(-u)).
    const scipy: [CE: number, g: number, eta: number, Vr: number, rate: number][] = [
      [1000, 6, 4, 10, 55.841262376204384], [1000, 5, 2, 10, 37.94969708576336], [1000, 4.5, 0.9, 10, 6.5167022684150755],
      [1000, 5, 2, 0, 32.03311450386834], [200, 5, 2, 10, 49.30983681036034], [400, 3, 2, 10, 327.72610761385295],
    ];
    for (const [CE, g, eta, Vr, rate] of scipy) {
      const p = { ...paper(g, eta), CE, J: 100 / CE, Vr };
      expect(Math.abs(brunelRate(p) / rate - 1), `C_E ${CE}, g ${g}, eta ${eta}, V_r ${Vr}`).toBeLessThan(1e-9);
    }
  });

  it('the rate found is a fixed point of the Siegert map', () => {
    for (const p of [paper(6, 4), paper(5, 2), paper(4.5, 0.9), paper(3, 2)]) {
      const nu = brunelRate(p), { mu, sigma } = brunelInput(nu, p);
      expect(Math.abs(siegertRate(mu, sigma, p) - nu)).toBeLessThan(1e-7 * nu);
    }
  });

  it('rate falls with g beyond 4 at eta 2, and V_r = 0 (NEST example) gives a lower rate than V_r = 10', () => {
    const rates = [4.5, 5, 6, 7, 8].map((g) => brunelRate(paper(g, 2)));
    rates.slice(1).forEach((r, k) => expect(r).toBeLessThan(rates[k]));
    expect(brunelRate({ ...paper(5, 2), Vr: 0 })).toBeLessThan(brunelRate(paper(5, 2)) - 3);
    // No drive: the quiescent fixed point (not a division by sigma = 0).
    expect(brunelRate({ ...paper(5, 2), nuExt: 0 })).toBe(0);
  });

  it('a neuron far below threshold with little noise is silent; one with mean far above fires near 1 / (tau_rp + T_det)', () => {
    const lif = { tau: 20, theta: 20, Vr: 10, tauRp: 2 };
    expect(siegertRate(5, 1, lif)).toBeLessThan(1e-20);
    // Deterministic limit: T = tau ln((mu - V_r) / (mu - theta)).
    const mu = 40, det = 1000 / (2 + 20 * Math.log((mu - 10) / (mu - 20)));
    expect(Math.abs(siegertRate(mu, 0.05, lif) / det - 1)).toBeLessThan(1e-3);
  });
});
