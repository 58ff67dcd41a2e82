/** Rejection tests of rate specs: each case changes a valid spec and names the field the SpecError must name. */
import { expect, it } from 'vitest';
import { SpecError } from '../engine/errors.ts';
import { compile } from '../engine/plan/rate.ts';
import { validateSpec } from '../engine/spec/validate-rate.ts';

/** The field of the SpecError that validating and compiling `spec` throws (fails the test if it is accepted). */
export function fieldOf(spec: unknown): string {
  try {
    compile(validateSpec(spec));
  } catch (e) {
    expect(e).toBeInstanceOf(SpecError);
    return (e as SpecError).field;
  }
  throw new Error('spec was accepted');
}

export type Case = [what: string, mutate: (s: any) => void, field: string];

/** One test per case: the spec from `make`, changed by `mutate`, is rejected with a SpecError naming `field`. */
export function rejectsEach(make: () => unknown, cases: Case[]): void {
  for (const [what, mutate, field] of cases) {
    it(what, () => {
      const s = make();
      mutate(s);
      expect(fieldOf(s)).toBe(field);
    });
  }
}
