/** Types of scripts/build-freshness.js (plain JavaScript: it runs before anything is compiled). */
export type BuildInputs = Record<string, string>;
export interface BuildDecision {
  build: boolean;
  clean: boolean;
  reason: string;
}
export const CONFIG_INPUTS: string[];
export const STAMP_FILE: string;
export function collectInputs(root?: string): BuildInputs;
export function decideBuild(state: { stamp: { inputs: BuildInputs } | null; inputs: BuildInputs; entryExists: boolean }): BuildDecision;
export function buildIfStale(options?: { root?: string; log?: (line: string) => void }): number;
