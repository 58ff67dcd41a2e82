/**
 * The generated part of synapse-dense-rows (shaders/synapse-dense-rows.wgsl): row_block(first), the
 * sums of rows first .. first + rpi - 1 for every instance, unrolled into rpi x batch accumulators (so
 * that they stay in registers: a private array indexed in a loop is memory on a CPU adapter), each row
 * in column order as vec4 dots, then the epilogue of each row that exists (epilogues(): one call site).
 */

const range = (n: number) => Array.from({ length: n }, (_, i) => i);

/**
 * `bound` (a constant) as the shader compiler cannot know it: StepInfo's `never` is 0 at run time. A loop
 * up to it is not unrolled; a loop over a row unrolled, with rpi rows of loads each split into a scalar
 * load per lane and component, took lavapipe minutes to compile for a 40-unit population.
 */
export function dynamicBound(bound: string): string {
  return `(${bound} + step_info.never)`;
}

/** row_block for `rpi` rows per invocation and `batch` instances. */
export function denseRowsBlock(rpi: number, batch: number): string {
  if (!Number.isInteger(rpi) || rpi < 1) throw new Error(`rows per invocation must be a positive integer, got ${rpi}`);
  const rows = range(rpi), insts = range(batch);
  const acc = (q: number, b: number) => `a${q}_${b}`;
  return [
    'fn row_block(first: u32) {',
    '  // A row past this part of W reads its last row; its sums are not written.',
    ...rows.map((q) => `  let w${q} = min(first + ${q}u, PART_ROWS - 1u) * PRE4;`),
    ...rows.map((q) => `  ${insts.map((b) => `var ${acc(q, b)} = 0.0;`).join(' ')}`),
    `  for (var k = 0u; k < ${dynamicBound('PRE4')}; k++) {`,
    ...insts.map((b) => `    let r${b} = rates4(${b}u, k);`),
    ...rows.flatMap((q) => [`    let v${q} = weights[w${q} + k];`, ...insts.map((b) => `    ${acc(q, b)} += dot(v${q}, r${b});`)]),
    '  }',
    ...epilogues(rows.map((q) => insts.map((b) => acc(q, b))), 'first', 'PART_ROWS', (i, b, v) => `epilogue(${b}, ROW0 + ${i}, proj_gain(${b}) * ${v});`),
    '}',
  ].join('\n');
}

/**
 * The epilogue of each of a block's rows that exists, in one loop whose bounds the shader compiler
 * cannot know (rows first .. min(first + rows, end) - 1), so that it is not unrolled: the epilogue
 * (a whole unit update) is inlined once, not once per row, which keeps lavapipe's compile time that of
 * a one-row kernel. sums[q][c]: the expressions of row first + q, column c (an instance), moved into a
 * private array; `call` makes the statement for row i, column c and value.
 */
export function epilogues(sums: string[][], first: string, end: string, call: (row: string, b: string, value: string) => string): string[] {
  const per = sums[0].length;
  return [
    `  var sums: array<f32, ${sums.length * per}>;`,
    ...sums.flatMap((row, q) => row.map((v, b) => `  sums[${q * per + b}] = ${v};`)),
    `  let last = min(${first} + ${sums.length}u, ${end});`,
    `  for (var i = ${first}; i < last; i++) {`,
    `    for (var c = 0u; c < ${per}u; c++) { ${call('i', 'c', `sums[(i - ${first}) * ${per}u + c]`)} }`,
    '  }',
  ];
}
