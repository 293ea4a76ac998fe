/**
 * Ballots ("proposal numbers" in Lamport, "Paxos Made Simple", 2001, §2.2): pairs (round, node id),
 * totally ordered by round, then by node id, so that no two proposers ever use the same ballot.
 * Written `3.n2` in logs.
 */

/** A ballot. Invariant: `round ≥ 0`; the zero ballot `{round: 0, node: ''}` is below every real one. */
export interface Ballot {
  round: number;
  node: string;
}

/** The ballot below every ballot a proposer can use: nothing promised, nothing accepted. */
export const ZERO_BALLOT: Ballot = {round: 0, node: ''};

/** Negative if a < b, 0 if equal, positive if a > b (round first, then node id). */
export function compareBallots(a: Ballot, b: Ballot): number {
  if (a.round !== b.round) return a.round - b.round;
  return a.node < b.node ? -1 : a.node > b.node ? 1 : 0;
}

/** True if the two ballots are the same. */
export function sameBallot(a: Ballot, b: Ballot): boolean {
  return a.round === b.round && a.node === b.node;
}

/** `round.node`, e.g. `3.n2`; the zero ballot is `0`. */
export function formatBallot(b: Ballot): string {
  return b.node === '' ? String(b.round) : `${b.round}.${b.node}`;
}
