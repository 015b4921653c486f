// What the long-running scripts (crash test, soak) share on the command line.

/** A whole-number option at least `min`; `fallback` when it is not given. */
export function wholeNumber(name: string, value: string | undefined, fallback: number, min: number): number {
  const n = Number(value ?? fallback);
  if (!Number.isInteger(n) || n < min) throw new Error(`--${name} must be a whole number >= ${min}, got ${value}`);
  return n;
}

/** Ctrl-C or SIGTERM ends the run at once (130); the server helpers' exit hooks still kill the children. */
export function exitOnSignals(): void {
  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => process.exit(130));
}
