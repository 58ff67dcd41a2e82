/** The SpecError that `fn` throws; fails the test when it throws something else or nothing. */
import { expect } from 'vitest';
import { SpecError } from '../engine/errors.ts';

export function refusal(fn: () => unknown): SpecError {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(SpecError);
    return e as SpecError;
  }
  throw new Error('accepted');
}
