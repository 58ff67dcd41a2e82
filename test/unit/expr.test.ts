import { describe, expect, it } from 'vitest';
import { ExprError, parseExpr, parseProgram, toJs, toWgsl, namesIn } from '../../engine/models/expr.ts';

const F = Math.fround;
function evalJs(src: string, env: Record<string, number>): number | boolean {
  const js = toJs(parseExpr(src), (n) => `env.${n}`);
  return new Function('F', 'env', `return ${js};`)(F, env);
}

describe('model expression language', () => {
  it('parses statements and precedence', () => {
    const p = parseProgram('let a = 1 + 2 * x; V = a > 3 ? -a : a / 2;');
    expect(p.map((s) => `${s.kind}:${s.name}`)).toEqual(['let:a', 'assign:V']);
    expect([...namesIn(p[1].value)]).toEqual(['a']);
  });

  it('the JS twin rounds every operation to float32', () => {
    const env = { x: F(0.1), y: F(0.2), z: F(3) };
    expect(evalJs('x + y', env)).toBe(F(F(0.1) + F(0.2)));
    expect(evalJs('x * y + z', env)).toBe(F(F(F(0.1) * F(0.2)) + 3));
    expect(evalJs('x < y && !(z == 3)', env)).toBe(false);
    expect(evalJs('max(x, y) - min(x, -y)', env)).toBe(F(F(0.2) + F(0.2)));
    expect(evalJs('z > 2 ? 1 : 0', env)).toBe(1);
  });

  it('WGSL keeps products that feed sums from being fused', () => {
    const w = toWgsl(parseExpr('V * a + b * (c - d)'), (n) => `s_${n}`);
    expect(w).toBe('(keep((s_V * s_a)) + keep((s_b * (s_c - s_d))))');
    expect(toWgsl(parseExpr('x > 1 ? 2 : 3'), (n) => n)).toBe('select(3.0, 2.0, (x > 1.0))');
  });

  it('reports errors', () => {
    expect(() => parseProgram('V = ;')).toThrow(ExprError);
    expect(() => parseExpr('foo(1)')).toThrow(/unknown function "foo"/);
    expect(() => parseExpr('min(1)')).toThrow(/2 argument/);
    expect(() => parseProgram('V = 1')).toThrow(/expected ";"/);
    expect(() => parseExpr('1 $ 2')).toThrow(/unexpected character/);
  });
});
