import {HistoryFormatError} from '../../errors/index.js';

/** The history file formats `faultline check` reads (docs/checker.md "Formats"). */
export type HistoryFormat = 'jsonl' | 'jepsen-edn' | 'porcupine-etcd' | 'porcupine-kv';

/** Every `HistoryFormat`, in the order `--format` lists them. */
export const HISTORY_FORMATS: readonly HistoryFormat[] = ['jsonl', 'jepsen-edn', 'porcupine-etcd', 'porcupine-kv'];

/** Lines looked at to tell the EDN formats apart. */
const SNIFF_LINES = 200;

/**
 * Tells a history's format from its content (never from its file name):
 * - nothing but blank lines → `jsonl` (an empty history);
 * - `INFO  jepsen.util - …` → `porcupine-etcd`;
 * - `{"…` → `jsonl`; a lone `{` followed by a `"…` line is a pretty-printed JSON document: an error;
 * - `[` or `{:…` → EDN: `porcupine-kv` when the first lines use `:f :get`, `:put` or `:append`,
 *   else `jepsen-edn`.
 *
 * @param file - named in the error.
 * @throws HistoryFormatError `file:line:column: cannot tell the format …` for anything else.
 */
export function detectFormat(text: string, file: string): HistoryFormat {
  const lines = text.replace(/^\uFEFF/, '').split('\n');
  let n = 0;
  while (n < lines.length && (lines[n].trim() === '' || lines[n].trimStart().startsWith(';'))) n++;
  if (n === lines.length) return 'jsonl';
  const first = lines[n].trimStart();
  if (/^INFO\s+jepsen\.util\s+-/.test(first)) return 'porcupine-etcd';
  if (/^\{\s*"/.test(first)) return 'jsonl';
  const next = lines.slice(n + 1).find((l) => l.trim() !== '')?.trimStart() ?? '';
  if (/^\{\s*$/.test(first) && next.startsWith('"')) {
    throw new HistoryFormatError(
      `${file}:${n + 1}:${lines[n].length - first.length + 1}: cannot tell the format: a JSON document spread over lines, not a history ` +
        `(jsonl is one JSON object per event, each on its own line); pass --format to choose one`,
    );
  }
  if (/^(\[|\{\s*:|\{\s*$|\(|#\{)/.test(first)) {
    const head = lines.slice(n, n + SNIFF_LINES).join('\n');
    return /:f\s+:(get|put|append)\b/.test(head) ? 'porcupine-kv' : 'jepsen-edn';
  }
  const column = lines[n].length - first.length + 1;
  throw new HistoryFormatError(
    `${file}:${n + 1}:${column}: cannot tell the format: expected a JSON object per line (jsonl), EDN maps (jepsen-edn, porcupine-kv) ` +
      `or "INFO  jepsen.util - …" lines (porcupine-etcd), got ${JSON.stringify(first.slice(0, 40))}; pass --format to choose one`,
  );
}
