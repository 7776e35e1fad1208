/** "9h 59m", "47m", "30s", "expired": time left for people, in the status bar and tooltips. */
export function formatRemaining(ms: number): string {
  if (ms <= 0) return 'expired';
  const totalMinutes = Math.floor(ms / 60000);
  if (totalMinutes < 1) return `${Math.max(1, Math.floor(ms / 1000))}s`;
  const hours = Math.floor(totalMinutes / 60);
  const minutes = totalMinutes % 60;
  return hours > 0 ? `${hours}h ${minutes}m` : `${minutes}m`;
}

/** How long until formatRemaining(ms) shows another text (undefined once expired): a minute tick, the last minute by the second. */
export function untilRemainingChanges(ms: number): number | undefined {
  if (ms <= 0) return undefined;
  const step = ms < 60000 ? 1000 : 60000;
  return (ms % step || step) + 5;
}
