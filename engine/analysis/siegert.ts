/**
 * Mean-field (diffusion) firing rate of a leaky integrate-and-fire neuron, Siegert's first-passage
 * formula, and the self-consistent rate of Brunel's (2000) model A, in float64:
 *
 *   1/nu = tau_rp + tau sqrt(pi) Int_{(V_r - mu)/sigma}^{(theta - mu)/sigma} e^{u^2} (1 + erf u) du
 *
 * with e^{u^2} (1 + erf u) = erfcx(-u) evaluated without overflow or cancellation. Model A (identical E
 * and I neurons, in-degrees C_E and gamma C_E, delta synapses J and -g J, C_E Poisson inputs at nu_ext):
 *
 *   mu    = C_E J tau [nu_ext + nu (1 - g gamma)]
 *   sigma = J sqrt(C_E tau [nu_ext + nu (1 + g^2 gamma)])
 *
 * (the form that reproduces the paper's 55.8, 38.0 and 6.5 Hz; NEST's brunel_siegert_nest.py solves the
 * same fixed point). Times in ms, rates in Hz, voltages in mV.
 */

const SQRT_PI = Math.sqrt(Math.PI);

/**
 * erf(x) for |x| < 3 from the series 2x/sqrt(pi) e^{-x^2} sum_n (2x^2)^n / (1 3 5 ... (2n+1)), whose
 * terms are all positive (no cancellation).
 */
function erfSeries(x: number): number {
  const x2 = 2 * x * x;
  let term = 1, sum = 1;
  for (let n = 1; n < 200 && term > 1e-17 * sum; n++) {
    term *= x2 / (2 * n + 1);
    sum += term;
  }
  return ((2 * x) / SQRT_PI) * Math.exp(-x * x) * sum;
}

/** erfcx(x) = e^{x^2} erfc(x) for x >= 2: Laplace's continued fraction, evaluated by Lentz's method. */
function erfcxContinuedFraction(x: number): number {
  // erfc(x) e^{x^2} = (1/sqrt(pi)) / (x + (1/2) / (x + 1 / (x + (3/2) / (x + ...))))
  const tiny = 1e-300;
  let f = x, c = x, d = 0;
  for (let n = 1; n < 500; n++) {
    const a = n / 2;
    d = x + a * d;
    d = 1 / (Math.abs(d) < tiny ? tiny : d);
    c = x + a / c;
    if (Math.abs(c) < tiny) c = tiny;
    const delta = c * d;
    f *= delta;
    if (Math.abs(delta - 1) < 1e-16) break;
  }
  return 1 / (SQRT_PI * f);
}

/** The scaled complementary error function e^{x^2} erfc(x); Infinity where it overflows (x < about -26.6). */
export function erfcx(x: number): number {
  if (Number.isNaN(x)) return NaN;
  if (x >= 2) return erfcxContinuedFraction(x);
  if (x >= 0) return Math.exp(x * x) * (1 - erfSeries(x));
  // erfc(x) = 2 - erfc(-x) for x < 0.
  return 2 * Math.exp(x * x) - erfcx(-x);
}

/** 10-point Gauss-Legendre nodes and weights on [-1, 1]. */
const GL_X = [0.1488743389816312, 0.4333953941292472, 0.6794095682990244, 0.8650633666889845, 0.9739065285171717];
const GL_W = [0.2955242247147529, 0.2692667193099963, 0.2190863625159820, 0.1494513491505806, 0.0666713443086881];

/** Int_a^b f(u) du by composite 10-point Gauss-Legendre on `panels` equal panels. */
function integrate(f: (u: number) => number, a: number, b: number, panels: number): number {
  const h = (b - a) / panels;
  let sum = 0;
  for (let p = 0; p < panels; p++) {
    const mid = a + (p + 0.5) * h;
    for (let k = 0; k < GL_X.length; k++) sum += GL_W[k] * (f(mid - (GL_X[k] * h) / 2) + f(mid + (GL_X[k] * h) / 2));
  }
  return (sum * h) / 2;
}

export interface LifParams {
  /** Membrane time constant [ms]. */
  tau: number;
  /** Threshold [mV]. */
  theta: number;
  /** Reset [mV]. */
  Vr: number;
  /** Absolute refractory period [ms]. */
  tauRp: number;
}

/**
 * Siegert's stationary rate [Hz] of a LIF neuron driven by white noise of mean mu and s.d. sigma [mV]
 * (V relative to rest). The integrand grows as e^{u^2} above threshold, so the panels are many and
 * narrow (each spans at most 0.02 in u).
 */
export function siegertRate(mu: number, sigma: number, p: LifParams): number {
  if (!(sigma > 0)) throw new RangeError(`sigma must be > 0, got ${sigma}`);
  const lo = (p.Vr - mu) / sigma, hi = (p.theta - mu) / sigma;
  const integral = integrate((u) => erfcx(-u), lo, hi, Math.max(16, Math.ceil(Math.abs(hi - lo) / 0.02)));
  return 1000 / (p.tauRp + p.tau * SQRT_PI * integral);
}

/** Brunel (2000) model A: sizes, weights and drive (rates in Hz). */
export interface BrunelParams extends LifParams {
  /** Excitatory in-degree C_E (inhibitory: gamma C_E). */
  CE: number;
  /** C_I / C_E. */
  gamma: number;
  /** Excitatory PSP amplitude [mV]. */
  J: number;
  /** Relative inhibition: inhibitory PSPs are -g J. */
  g: number;
  /** Rate of each of the C_E external inputs [Hz]. */
  nuExt: number;
}

/** Mean and s.d. [mV] of the input of a model-A neuron when every neuron fires at nu [Hz]. */
export function brunelInput(nu: number, p: BrunelParams): { mu: number; sigma: number } {
  const tau = p.tau / 1000;
  return {
    mu: p.CE * p.J * tau * (p.nuExt + nu * (1 - p.g * p.gamma)),
    sigma: p.J * Math.sqrt(p.CE * tau * (p.nuExt + nu * (1 + p.g * p.g * p.gamma))),
  };
}

/** The threshold rate nu_thr = theta / (J C_E tau) [Hz]: the external rate whose mean drive reaches threshold. */
export function thresholdRate(p: Pick<BrunelParams, 'theta' | 'J' | 'CE' | 'tau'>): number {
  return p.theta / ((p.J * p.CE * p.tau) / 1000);
}

/**
 * The self-consistent rate nu = Siegert(mu(nu), sigma(nu)) [Hz] of model A, by bisection on
 * (0, 1/tau_rp) (the map is below 1/tau_rp, so the bracket holds a root). Where several roots exist
 * (excitation-dominated g < 4 may give several) this returns the one bisection reaches from that bracket;
 * NaN if the map does not change sign over it; 0 without external drive.
 */
export function brunelRate(p: BrunelParams): number {
  // Without external drive nothing starts the network: the quiescent fixed point (sigma would be 0 there).
  if (!(p.nuExt > 0)) return 0;
  const f = (nu: number) => {
    const { mu, sigma } = brunelInput(nu, p);
    return siegertRate(mu, sigma, p) - nu;
  };
  let lo = 0, hi = 1000 / p.tauRp;
  let flo = f(lo);
  const fhi = f(hi);
  if (flo === 0) return 0;
  if (Math.sign(flo) === Math.sign(fhi)) return NaN;
  for (let k = 0; k < 200 && hi - lo > 1e-12 * hi; k++) {
    const mid = (lo + hi) / 2, fm = f(mid);
    if (Math.sign(fm) === Math.sign(flo)) { lo = mid; flo = fm; } else hi = mid;
  }
  return (lo + hi) / 2;
}
