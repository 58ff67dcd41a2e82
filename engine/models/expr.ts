/**
 * Model code as data: a small statement language that compiles both to WGSL (spliced into kernel
 * templates) and to a JavaScript float32 twin (every operation rounded with Math.fround), so that a
 * user-defined neuron model gets its CPU reference for free.
 *
 *   program   := stmt*
 *   stmt      := 'let' NAME '=' expr ';' | NAME '=' expr ';'
 *   expr      := or ('?' expr ':' expr)?
 *   or        := and ('||' and)*;  and := cmp ('&&' cmp)*
 *   cmp       := sum (('<' | '<=' | '>' | '>=' | '==' | '!=') sum)?
 *   sum       := prod (('+' | '-') prod)*;  prod := unary (('*' | '/') unary)*
 *   unary     := '-' unary | '!' unary | NUMBER | NAME | NAME '(' expr (',' expr)* ')' | '(' expr ')'
 *
 * Functions: exp, log, sqrt, abs, min, max, tanh, pow (pow(a, b) needs a >= 0: WGSL leaves a < 0
 * undefined), and, on the host only (derived parameters, evaluated in float64; kernel code cannot call
 * them), expm1 and propagator_exp(tau_syn, tau_m, C_m, h): the propagator from an exponentially decaying
 * current to the membrane potential over h, as NEST's IAFPropagatorExp computes it (below). Values are f32; comparisons give booleans (usable in conditions, `?:` and as a threshold). Exactness: + - * and comparisons are correctly rounded in
 * float32 on the GPU and in the twin, and products that feed a sum are kept from being fused into an
 * FMA (keep() in WGSL), so code made of them gives bit-identical results on both; / and the functions
 * agree only to a few ulp.
 */

export type Expr =
  | { k: 'num'; v: number }
  | { k: 'name'; name: string }
  | { k: 'neg' | 'not'; a: Expr }
  | { k: 'bin'; op: string; a: Expr; b: Expr }
  | { k: 'cond'; c: Expr; a: Expr; b: Expr }
  | { k: 'call'; fn: string; args: Expr[] };

export interface Stmt {
  kind: 'let' | 'assign';
  name: string;
  value: Expr;
}

export class ExprError extends Error {}

/**
 * propagator_exp(tau_syn, tau_m, C_m, h) = tau_syn tau_m / (C_m (tau_m - tau_syn)) (e^{-h/tau_m} - e^{-h/tau_syn}),
 * in NEST's expm1 form (libnestutil/iaf_propagator.cpp): gamma e^{-h/tau_syn} expm1(h (tau_m - tau_syn) / (tau_syn tau_m)),
 * which keeps every digit as tau_syn nears tau_m (the difference of exponentials loses them all), and the
 * singular limit h / C_m e^{-h/tau_m} at tau_syn = tau_m or wherever that form is not a normal positive
 * number (NEST's test). For tau_syn < tau_m the same value is taken as gamma e^{-h/tau_m} (-expm1(-x)),
 * which cannot overflow when h / tau_syn is large (NEST's form gives 0 * inf there and falls back to the
 * singular value, which is wrong by a factor h / tau_syn). JavaScript source, so that the compiled
 * derived code is self-contained.
 */
const PROPAGATOR_EXP_JS = `((ts, tm, c, h) => {
  const singular = h / c * Math.exp(-h / tm);
  if (ts === tm) return singular;
  const gamma = ts * tm / (c * (tm - ts)), x = h * ((tm - ts) / (ts * tm));
  const p = x > 0 ? gamma * Math.exp(-h / tm) * -Math.expm1(-x) : gamma * Math.exp(-h / ts) * Math.expm1(x);
  return p >= 2.2250738585072014e-308 && p < Infinity ? p : singular;
})`;

const FUNCTIONS: Record<string, number> = { exp: 1, log: 1, sqrt: 1, abs: 1, min: 2, max: 2, tanh: 1, pow: 2, expm1: 1, propagator_exp: 4 };
/** Functions evaluated only on the host (derived parameters): WGSL has no counterpart. */
export const HOST_ONLY_FUNCTIONS: ReadonlySet<string> = new Set(['expm1', 'propagator_exp']);
const JS_FUNCTIONS: Record<string, string> = {
  exp: 'Math.exp', log: 'Math.log', sqrt: 'Math.sqrt', abs: 'Math.abs', min: 'Math.min', max: 'Math.max',
  tanh: 'Math.tanh', pow: 'Math.pow', expm1: 'Math.expm1', propagator_exp: PROPAGATOR_EXP_JS,
};
const BOOL_OPS = new Set(['<', '<=', '>', '>=', '==', '!=', '&&', '||']);

function tokenize(src: string): string[] {
  const re = /\s*(?:(\d+\.?\d*(?:[eE][-+]?\d+)?|\.\d+(?:[eE][-+]?\d+)?)|([A-Za-z_][A-Za-z0-9_]*)|(<=|>=|==|!=|&&|\|\||[-+*/()<>=;,?:!]))/y;
  const out: string[] = [];
  let pos = 0;
  while (pos < src.length) {
    if (/^\s*$/.test(src.slice(pos))) break;
    re.lastIndex = pos;
    const m = re.exec(src);
    if (!m) throw new ExprError(`unexpected character "${src.slice(pos).trim()[0]}" at offset ${pos}`);
    out.push(m[1] ?? m[2] ?? m[3]);
    pos = re.lastIndex;
  }
  return out;
}

class Parser {
  private i = 0;
  constructor(private readonly t: string[]) {}
  private peek(): string | undefined { return this.t[this.i]; }
  private take(expect?: string): string {
    const tok = this.t[this.i++];
    if (tok === undefined) throw new ExprError(`unexpected end${expect ? `, expected "${expect}"` : ''}`);
    if (expect !== undefined && tok !== expect) throw new ExprError(`expected "${expect}", got "${tok}"`);
    return tok;
  }
  done(): boolean { return this.i >= this.t.length; }

  program(): Stmt[] {
    const out: Stmt[] = [];
    while (!this.done()) {
      let kind: Stmt['kind'] = 'assign';
      if (this.peek() === 'let') { this.take(); kind = 'let'; }
      const name = this.take();
      if (!/^[A-Za-z_]\w*$/.test(name)) throw new ExprError(`expected a name, got "${name}"`);
      this.take('=');
      const value = this.expr();
      this.take(';');
      out.push({ kind, name, value });
    }
    return out;
  }

  expr(): Expr {
    const c = this.or();
    if (this.peek() !== '?') return c;
    this.take('?');
    const a = this.expr();
    this.take(':');
    return { k: 'cond', c, a, b: this.expr() };
  }
  private or(): Expr {
    let a = this.and();
    while (this.peek() === '||') { this.take(); a = { k: 'bin', op: '||', a, b: this.and() }; }
    return a;
  }
  private and(): Expr {
    let a = this.cmp();
    while (this.peek() === '&&') { this.take(); a = { k: 'bin', op: '&&', a, b: this.cmp() }; }
    return a;
  }
  private cmp(): Expr {
    const a = this.sum();
    const op = this.peek();
    if (op && ['<', '<=', '>', '>=', '==', '!='].includes(op)) { this.take(); return { k: 'bin', op, a, b: this.sum() }; }
    return a;
  }
  private sum(): Expr {
    let a = this.prod();
    while (this.peek() === '+' || this.peek() === '-') { const op = this.take(); a = { k: 'bin', op, a, b: this.prod() }; }
    return a;
  }
  private prod(): Expr {
    let a = this.unary();
    while (this.peek() === '*' || this.peek() === '/') { const op = this.take(); a = { k: 'bin', op, a, b: this.unary() }; }
    return a;
  }
  private unary(): Expr {
    const tok = this.take();
    if (tok === '-') return { k: 'neg', a: this.unary() };
    if (tok === '!') return { k: 'not', a: this.unary() };
    if (tok === '(') { const e = this.expr(); this.take(')'); return e; }
    if (/^[\d.]/.test(tok)) return { k: 'num', v: Number(tok) };
    if (!/^[A-Za-z_]\w*$/.test(tok)) throw new ExprError(`unexpected "${tok}"`);
    if (this.peek() === '(') {
      if (!(tok in FUNCTIONS)) throw new ExprError(`unknown function "${tok}" (known: ${Object.keys(FUNCTIONS).join(', ')})`);
      this.take('(');
      const args = [this.expr()];
      while (this.peek() === ',') { this.take(); args.push(this.expr()); }
      this.take(')');
      if (args.length !== FUNCTIONS[tok]) throw new ExprError(`${tok}() takes ${FUNCTIONS[tok]} argument(s), got ${args.length}`);
      return { k: 'call', fn: tok, args };
    }
    return { k: 'name', name: tok };
  }
}

export function parseProgram(src: string): Stmt[] {
  return new Parser(tokenize(src)).program();
}

export function parseExpr(src: string): Expr {
  const p = new Parser(tokenize(src));
  const e = p.expr();
  if (!p.done()) throw new ExprError('unexpected text after the expression');
  return e;
}

/** Names an expression reads. */
export function namesIn(e: Expr, out = new Set<string>()): Set<string> {
  switch (e.k) {
    case 'name': out.add(e.name); break;
    case 'neg': case 'not': namesIn(e.a, out); break;
    case 'bin': namesIn(e.a, out); namesIn(e.b, out); break;
    case 'cond': namesIn(e.c, out); namesIn(e.a, out); namesIn(e.b, out); break;
    case 'call': e.args.forEach((a) => namesIn(a, out)); break;
  }
  return out;
}

export function isBool(e: Expr): boolean {
  return e.k === 'not' || (e.k === 'bin' && BOOL_OPS.has(e.op));
}

function wgslNumber(v: number): string {
  if (!Number.isFinite(v)) throw new ExprError(`number ${v} is not finite`);
  const s = String(Math.fround(v));
  return /[.eE]/.test(s) ? s : `${s}.0`;
}

/**
 * WGSL for an expression; `name(n)` maps each name to its WGSL expression. Products that feed a sum
 * are wrapped in keep() so that the driver cannot contract them into an FMA (the twin rounds both).
 */
export function toWgsl(e: Expr, name: (n: string) => string, inSum = false): string {
  switch (e.k) {
    case 'num': return wgslNumber(e.v);
    case 'name': return name(e.name);
    case 'neg': return `(-${toWgsl(e.a, name)})`;
    case 'not': return `(!${toWgsl(e.a, name)})`;
    case 'cond': return `select(${toWgsl(e.b, name)}, ${toWgsl(e.a, name)}, ${toWgsl(e.c, name)})`;
    case 'call':
      if (HOST_ONLY_FUNCTIONS.has(e.fn)) throw new ExprError(`${e.fn}() is evaluated on the host only: use it in derived parameters`);
      return `${e.fn}(${e.args.map((a) => toWgsl(a, name)).join(', ')})`;
    case 'bin': {
      const sum = e.op === '+' || e.op === '-';
      const s = `(${toWgsl(e.a, name, sum)} ${e.op} ${toWgsl(e.b, name, sum)})`;
      return inSum && (e.op === '*' || e.op === '/') ? `keep(${s})` : s;
    }
  }
}

/**
 * JavaScript source of the float32 twin of an expression (reads names through `name(n)`; F = Math.fround).
 * With f32 false, constants keep their float64 value (for host-side derived parameters, F = identity).
 */
export function toJs(e: Expr, name: (n: string) => string, f32 = true): string {
  const toJs2 = (x: Expr) => toJs(x, name, f32);
  switch (e.k) {
    case 'num': return String(f32 ? Math.fround(e.v) : e.v);
    case 'name': return name(e.name);
    case 'neg': return `(-${toJs2(e.a)})`;
    case 'not': return `(!${toJs2(e.a)})`;
    case 'cond': return `(${toJs2(e.c)} ? ${toJs2(e.a)} : ${toJs2(e.b)})`;
    case 'call': {
      return `F(${JS_FUNCTIONS[e.fn]}(${e.args.map(toJs2).join(', ')}))`;
    }
    case 'bin': {
      const a = toJs2(e.a), b = toJs2(e.b);
      if (BOOL_OPS.has(e.op)) return `(${a} ${e.op === '==' ? '===' : e.op === '!=' ? '!==' : e.op} ${b})`;
      return `F(${a} ${e.op} ${b})`;
    }
  }
}
