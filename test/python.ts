/** Finding a Python peer for the tests that compare against one (numpy, torch). */
import { execFileSync } from 'node:child_process';

/**
 * The first of `candidates` that imports `module`, or undefined outside CI (the comparison is then
 * skipped); in CI its absence fails the test with `required` (what installs it).
 */
export function pythonWith(module: string, required: string, candidates = ['python3', '/usr/bin/python3']): string | undefined {
  for (const py of candidates) {
    try { execFileSync(py, ['-c', `import ${module}`], { stdio: 'ignore' }); return py; } catch { /* try the next */ }
  }
  if (process.env.CI) throw new Error(`${module} is required in CI (${required})`);
  return undefined;
}

/** Debian's Python with torch (scripts/setup-test-peers.sh installs python3-torch). */
export const pythonWithTorch = () => pythonWith('torch', 'scripts/setup-test-peers.sh installs python3-torch', ['/usr/bin/python3', 'python3']);
