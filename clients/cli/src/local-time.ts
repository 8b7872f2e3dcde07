/**
 * The one way the CLI shows a time to a person: this machine's local time
 * with its UTC offset, `2026-12-03 11:30:20 +01:00`, so that `read`,
 * `inbox`, `watch` and `2fa enable` agree and nobody has to guess whether a
 * time is UTC. --json output keeps ISO 8601 UTC strings for scripts.
 */
const two = (n: number) => String(n).padStart(2, '0');

export function formatLocalTime(when: Date | number | string): string {
  const date = when instanceof Date ? when : new Date(when);
  if (Number.isNaN(date.getTime())) return String(when);
  // getTimezoneOffset is minutes *behind* UTC: -60 in Paris in winter, which is +01:00.
  const offset = -date.getTimezoneOffset();
  const sign = offset < 0 ? '-' : '+';
  const abs = Math.abs(offset);
  return (
    `${date.getFullYear()}-${two(date.getMonth() + 1)}-${two(date.getDate())} ` +
    `${two(date.getHours())}:${two(date.getMinutes())}:${two(date.getSeconds())} ${sign}${two(Math.floor(abs / 60))}:${two(abs % 60)}`
  );
}
