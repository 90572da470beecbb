/**
 * Numbers for people: four significant figures at most, the way a person reads them, with the exact
 * value kept for a hover title and for copying.
 */
export function formatNumber(value: number, significant = 4): string {
  if (!Number.isFinite(value)) return String(value);
  if (value === 0) return '0';
  const magnitude = Math.abs(value);
  if (magnitude >= 1e6 || magnitude < 1e-4) return value.toExponential(significant - 1).replace(/\.?0+e/, 'e');
  const rounded = value.toPrecision(significant);
  // An exact short value loses its trailing zeros (0.5, not 0.5000); a rounded one keeps them (-1.000).
  return Number(rounded) === value ? String(value) : rounded;
}

/** The exact value, as the engine has it (every digit), for a title or the clipboard. */
export function exactNumber(value: number): string {
  return String(value);
}
