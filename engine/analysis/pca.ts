/**
 * Leading principal component of centred data (rows = observations, e.g. trials): power iteration on
 * the Gram matrix G = X X^T (rows x rows, cheap when there are fewer rows than features), float64.
 */

export interface PrincipalComponent {
  /** Unit vector in feature space. */
  component: Float64Array;
  /** Projection of each row on it. */
  scores: Float64Array;
  /** Its share of the total variance (lambda_1 / trace). */
  varianceExplained: number;
  eigenvalue: number;
}

/** X is rows x features, row-major, already centred (each column's mean removed). */
export function topPrincipalComponent(x: ArrayLike<number>, rows: number, features: number, iterations = 2000): PrincipalComponent {
  const G = new Float64Array(rows * rows);
  for (let a = 0; a < rows; a++) {
    for (let b = a; b < rows; b++) {
      let s = 0;
      for (let f = 0; f < features; f++) s += x[a * features + f] * x[b * features + f];
      G[a * rows + b] = s;
      G[b * rows + a] = s;
    }
  }
  let trace = 0;
  for (let a = 0; a < rows; a++) trace += G[a * rows + a];
  // Deterministic start, not orthogonal to a generic leading eigenvector.
  let u = Float64Array.from({ length: rows }, (_, a) => 1 + 0.01 * Math.sin(a + 1));
  let lambda = 0;
  for (let it = 0; it < iterations; it++) {
    const v = new Float64Array(rows);
    for (let a = 0; a < rows; a++) {
      let s = 0;
      for (let b = 0; b < rows; b++) s += G[a * rows + b] * u[b];
      v[a] = s;
    }
    let norm = 0;
    for (const z of v) norm += z * z;
    norm = Math.sqrt(norm);
    if (norm === 0) break;
    for (let a = 0; a < rows; a++) v[a] /= norm;
    let diff = 0;
    for (let a = 0; a < rows; a++) diff = Math.max(diff, Math.abs(v[a] - u[a]));
    u = v;
    lambda = norm;
    if (diff < 1e-13) break;
  }
  const component = new Float64Array(features);
  for (let a = 0; a < rows; a++) for (let f = 0; f < features; f++) component[f] += x[a * features + f] * u[a];
  let cn = 0;
  for (const z of component) cn += z * z;
  cn = Math.sqrt(cn) || 1;
  for (let f = 0; f < features; f++) component[f] /= cn;
  const scores = new Float64Array(rows);
  for (let a = 0; a < rows; a++) {
    let s = 0;
    for (let f = 0; f < features; f++) s += x[a * features + f] * component[f];
    scores[a] = s;
  }
  return { component, scores, varianceExplained: trace > 0 ? lambda / trace : 0, eigenvalue: lambda };
}
