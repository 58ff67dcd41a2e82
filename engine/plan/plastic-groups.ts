/**
 * Plastic projections merged into groups: the projections of a group share one buffer per role (weights
 * and eligibilities, traces, eligibility steps, constants, row and column pointers, synapse arrays), each
 * at its own base, so one dispatch per pass kind (trace, pre, post, eligibility) serves all of them
 * (engine/codegen/spiking-plastic.ts). A group holds projections in spec order while every shared buffer
 * fits one storage binding; the next projection opens a new group.
 */
import { plasticConstants, type PlasticPlan } from './spiking-plasticity.ts';

/** Words (32-bit) per role: weights (then eligibilities), traces, eligibility steps, constants, row pointers, column pointers, synapse arrays. */
export interface PlasticWords {
  wel: number;
  tr: number;
  elast: number;
  pconst: number;
  rowPtr: number;
  colPtr: number;
  syn: number;
}
export const PLASTIC_ROLES = ['wel', 'tr', 'elast', 'pconst', 'rowPtr', 'colPtr', 'syn'] as const;

export interface GroupMember<T> {
  p: T;
  /** Where its arrays start in the group's buffers (words). */
  at: PlasticWords;
  /** Its arrays' lengths (words; at least 1). */
  words: PlasticWords;
}

export type PlasticMember = GroupMember<PlasticPlan>;

export interface Group<T> {
  members: GroupMember<T>[];
  /** Length of each shared buffer (words). */
  words: PlasticWords;
}

/** What the lengths of a projection's arrays follow from (a PlasticPlan, or the dry run's estimate of one). */
export interface PlasticShape {
  threeFactor: boolean;
  synapses: number;
  traceWords: number;
  pre: { size: number };
  post: { size: number };
}

/** Lengths of a projection's arrays (words; empty ones take 1, as a binding cannot be empty); `constants`: its constants' length. */
export function plasticWords(p: PlasticShape, batch: number, constants: number): PlasticWords {
  const S = p.synapses;
  return {
    wel: Math.max((p.threeFactor ? 2 : 1) * batch * S, 1), tr: Math.max(p.traceWords, 1), elast: Math.max(p.threeFactor ? batch * S : 1, 1),
    pconst: constants, rowPtr: p.pre.size + 1, colPtr: p.post.size + 1, syn: Math.max(S, 1),
  };
}

const zero = (): PlasticWords => ({ wel: 0, tr: 0, elast: 0, pconst: 0, rowPtr: 0, colPtr: 0, syn: 0 });

/** The groups of `plastic` (in order), each buffer at most `bindingBytes`. */
export function plasticGroups(plastic: PlasticPlan[], batch: number, bindingBytes: number): Group<PlasticPlan>[] {
  return packGroups(plastic, (p) => plasticWords(p, batch, plasticConstants(p).data.length), bindingBytes);
}

/** Packs `items` in order into groups whose buffers (lengths in words from `wordsOf`) each fit `bindingBytes`. */
export function packGroups<T>(items: T[], wordsOf: (p: T) => PlasticWords, bindingBytes: number): Group<T>[] {
  const groups: Group<T>[] = [];
  for (const p of items) {
    const words = wordsOf(p);
    let g = groups[groups.length - 1];
    if (!g || PLASTIC_ROLES.some((r) => (g!.words[r] + words[r]) * 4 > bindingBytes)) groups.push((g = { members: [], words: zero() }));
    g.members.push({ p, at: { ...g.words }, words });
    for (const r of PLASTIC_ROLES) g.words[r] += words[r];
  }
  return groups;
}
