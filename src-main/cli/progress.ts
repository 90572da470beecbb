/** A one-line progress bar with an estimate of the time left, redrawn in place on a terminal. */
export function progressLine(done: number, elapsedSeconds: number, detail: string, width = 24): string {
  const share = Math.max(0, Math.min(1, done));
  const filled = Math.round(share * width);
  const bar = '#'.repeat(filled) + '-'.repeat(width - filled);
  const eta = share > 0 ? (elapsedSeconds * (1 - share)) / share : NaN;
  return `[${bar}] ${(share * 100).toFixed(0).padStart(3)}% ${detail} ETA ${formatDuration(eta)}`;
}

export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds)) return '--';
  if (seconds < 60) return `${seconds.toFixed(seconds < 10 ? 1 : 0)}s`;
  const minutes = Math.floor(seconds / 60);
  return `${minutes}m${String(Math.round(seconds % 60)).padStart(2, '0')}s`;
}
