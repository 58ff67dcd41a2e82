/** Plastic projections packed into groups that share buffers: bases in order, a new group where a binding would overflow. */
import { describe, expect, it } from 'vitest';
import { packGroups, type PlasticWords } from '../../engine/plan/plastic-groups.ts';

const words = (wel: number, syn: number): PlasticWords => ({ wel, tr: 3, elast: 1, pconst: 10, rowPtr: 5, colPtr: 4, syn });

describe('packGroups', () => {
  it('places each projection after the previous ones in every shared buffer', () => {
    const [g, ...rest] = packGroups([words(100, 50), words(40, 20), words(8, 4)], (w) => w, Infinity);
    expect(rest).toEqual([]);
    expect(g.members.map((m) => m.at.wel)).toEqual([0, 100, 140]);
    expect(g.members.map((m) => m.at.syn)).toEqual([0, 50, 70]);
    expect(g.members.map((m) => m.at.pconst)).toEqual([0, 10, 20]);
    expect(g.words).toEqual({ wel: 148, tr: 9, elast: 3, pconst: 30, rowPtr: 15, colPtr: 12, syn: 74 });
  });

  it('opens a new group when any shared buffer would exceed the binding', () => {
    // 140 words of weights fit 560 bytes; the third projection's 8 more do not.
    const groups = packGroups([words(100, 50), words(40, 20), words(8, 4), words(2, 1)], (w) => w, 560);
    expect(groups.map((g) => g.members.length)).toEqual([2, 2]);
    expect(groups[1].members.map((m) => m.at.wel)).toEqual([0, 8]);
    // A projection alone over the limit still gets its own group (the simulation refuses it by name).
    expect(packGroups([words(10, 1), words(1000, 1)], (w) => w, 400).map((g) => g.members.length)).toEqual([1, 1]);
  });
});
