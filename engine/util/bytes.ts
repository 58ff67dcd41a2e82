/** Byte counts for messages: "149.0 GiB", "3.02 KiB", "512 B" (binary units). */
export function formatBytes(n: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB', 'EiB'];
  let k = 0;
  while (Math.abs(n) >= 1024 && k < units.length - 1) { n /= 1024; k++; }
  return k === 0 ? `${n} B` : `${n.toFixed(n < 10 ? 2 : 1)} ${units[k]}`;
}
