/**
 * The unrolled parts of shaders/synapse-dense-gemm.wgsl for an RT x IT register tile (rows x instances
 * per invocation, multiples of 4): one named vec4 accumulator per row and quad of instances (named, not an
 * array, so that no compiler has a reason to place them in memory), the outer product of one presynaptic
 * column, and the finish. Each accumulator adds one product per column, in column order.
 */

const acc = (r: number, n: number) => `acc${r}_${n}`;

export function gemmParts(rt: number, it: number): Record<'gemm-accumulators' | 'gemm-step' | 'gemm-finish', string> {
  if (rt % 4 !== 0 || it % 4 !== 0 || rt < 4 || it < 4) throw new Error(`GEMM register tile ${rt} x ${it}: both sides must be multiples of 4`);
  const rows = Array.from({ length: rt }, (_, r) => r);
  const quads = Array.from({ length: it / 4 }, (_, n) => n);
  const declarations = rows.map((r) => `  ${quads.map((n) => `var ${acc(r, n)} = vec4<f32>(0.0);`).join(' ')}`);
  const loads = [
    ...Array.from({ length: rt / 4 }, (_, m) => `      let a${m} = wt[wk${m ? ` + ${m}u * TX` : ''}];`),
    ...quads.map((n) => `      let r${n} = rt[rk${n ? ` + ${n}u * TY` : ''}];`),
  ];
  const xyzw = 'xyzw';
  const products = rows.map((r) => `      ${quads.map((n) => `${acc(r, n)} += a${r >> 2}.${xyzw[r & 3]} * r${n};`).join(' ')}`);
  const finish = rows.flatMap((r) => quads.map((n) =>
    `  finish4(row + ${4 * Math.floor(r / 4)}u * TX + ${r % 4}u, b + ${4 * n}u * TY, wid.z, ${acc(r, n)});`));
  return { 'gemm-accumulators': declarations.join('\n'), 'gemm-step': [...loads, ...products].join('\n'), 'gemm-finish': finish.join('\n') };
}
