/**
 * One TP-469 test case (or one issue-#19 rule) as the scripted lab runs it: its number and
 * title as the test plan writes them, its functionality tag, and the procedure + metrics.
 */
export interface Case {
  /** "TP-469 1.25 Delete message with allow partial false, object instance doesn't exist" or "R-ADD.1 …". */
  readonly name: string;
  /** Mandatory, Conditional Mandatory (a feature the agent claims), or a rule of issue #19. */
  readonly tag: 'M' | 'CM' | 'rule';
  readonly run: () => void;
}

export function tp(id: string, title: string, tag: 'M' | 'CM', run: () => void): Case {
  return { name: `TP-469 ${id} ${title}`, tag, run };
}

export function rule(name: string, run: () => void): Case {
  return { name, tag: 'rule', run };
}
