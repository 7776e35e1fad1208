/**
 * l10n-ignore-file: the shell scripts are code.
 * Shell completion of `aws-sessions`. The scripts for bash, zsh and fish are thin: each hands the words
 * typed so far to the hidden `aws-sessions __complete -- <words…>`, which answers from the subcommand
 * table itself (names, options, the `complete` spec of each entry) — so completion cannot drift from
 * the commands. Names of sessions, profiles and integrations come from the editor (one `names` call);
 * with no editor running, only the static words are offered.
 */
import type { OptionsSpec } from './args';
import { GLOBAL_OPTIONS } from './args';

/** What a word may be: one of the editor's names, or one of fixed choices. */
export type WordKind = 'session' | 'profile' | 'integration' | readonly string[];

export interface CompletionSpec {
  /** The kind of each positional argument, in order. */
  args?: readonly WordKind[];
  /** Nested subcommands (`profile list|create …`): their names first, then each one's arguments. */
  subs?: Readonly<Record<string, readonly WordKind[]>>;
  /** Values of options that take one (`--profile`, `--format`). */
  values?: Readonly<Record<string, WordKind>>;
}

export interface Completable {
  name: string;
  options: OptionsSpec;
  complete?: CompletionSpec;
  hidden?: boolean;
}

export type Names = Readonly<Record<'session' | 'profile' | 'integration', readonly string[]>>;

export const SHELLS = ['bash', 'zsh', 'fish'] as const;
export type Shell = (typeof SHELLS)[number];
export const isShell = (value: string): value is Shell => (SHELLS as readonly string[]).includes(value);

const takesValue = (options: OptionsSpec, name: string): boolean => options[name]?.type === 'string';

/**
 * The candidates for the last of `words` (the words after `aws-sessions`, the last one being typed,
 * possibly empty), filtered by its prefix. `names` is asked only when a name is what fits.
 */
export async function complete(table: readonly Completable[], words: readonly string[], names: () => Promise<Names>): Promise<string[]> {
  const current = words.length ? words[words.length - 1] : '';
  const before = words.slice(0, -1);
  const index = before.findIndex((w) => !w.startsWith('-'));
  const matching = (all: readonly string[]) => all.filter((w) => w.startsWith(current));
  const resolve = async (kind: WordKind | undefined): Promise<string[]> => (kind === undefined ? [] : matching(typeof kind === 'string' ? (await names())[kind] : kind));
  if (index < 0) {
    if (current.startsWith('-')) return matching(Object.keys(GLOBAL_OPTIONS).map((o) => `--${o}`));
    return matching(table.filter((c) => !c.hidden).map((c) => c.name));
  }
  const sub = table.find((c) => c.name === before[index]);
  if (!sub) return [];
  const spec = sub.complete ?? {};
  const positionals: string[] = [];
  let afterDashes = false;
  for (let i = index + 1; i < before.length; i++) {
    const w = before[i];
    if (afterDashes || !w.startsWith('-')) positionals.push(w);
    else if (w === '--') afterDashes = true;
    else if (!w.includes('=') && takesValue(sub.options, w.slice(2))) {
      // The option's value: complete it when it is the word being typed.
      if (i === before.length - 1) return resolve(spec.values?.[w.slice(2)]);
      i += 1;
    }
  }
  if (current.startsWith('-') && !afterDashes) return matching([...Object.keys(sub.options), 'help'].map((o) => `--${o}`));
  if (spec.subs) {
    if (positionals.length === 0) return matching(Object.keys(spec.subs));
    return resolve(spec.subs[positionals[0]]?.[positionals.length - 1]);
  }
  return resolve(spec.args?.[positionals.length]);
}

/** The script that hooks `aws-sessions __complete` into the shell. */
export function completionScript(shell: Shell): string {
  switch (shell) {
    case 'bash':
      return `# bash completion of aws-sessions. Load it with: source <(aws-sessions completion bash)
_aws_sessions_complete() {
  # One candidate a line, each quoted for the command line: a name with spaces, * or $( ) (an account name
  # of a sync, a project file's alias) is inserted as text, never globbed, expanded or run.
  local candidate
  COMPREPLY=()
  while IFS= read -r candidate; do
    COMPREPLY+=("$(printf '%q' "$candidate")")
  done < <(aws-sessions __complete -- "\${COMP_WORDS[@]:1:COMP_CWORD}" 2>/dev/null)
}
complete -o default -F _aws_sessions_complete aws-sessions
`;
    case 'zsh':
      return `#compdef aws-sessions
# zsh completion of aws-sessions. Load it with: source <(aws-sessions completion zsh) (after compinit)
_aws_sessions() {
  local -a candidates
  candidates=(\${(f)"$(aws-sessions __complete -- "\${(@)words[2,CURRENT]}" 2>/dev/null)"})
  compadd -a candidates
}
compdef _aws_sessions aws-sessions
`;
    case 'fish':
      return `# fish completion of aws-sessions. Load it with: aws-sessions completion fish | source
function __aws_sessions_complete
    set -l tokens (commandline -opc)
    set -e tokens[1]
    set -l current (commandline -ct)
    # "$current" stays one argument when empty: the word being typed may be nothing yet.
    aws-sessions __complete -- $tokens "$current" 2>/dev/null
end
complete -c aws-sessions -f -a '(__aws_sessions_complete)'
`;
  }
}
