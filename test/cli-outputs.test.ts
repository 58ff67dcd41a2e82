/**
 * An output directory belongs to one run: a previous run's results are not replaced without --force (and
 * with it, its stale files go), a directory of other files is not written into, two runs cannot write the
 * same directory (lock file), and a full disk ends in a message and exit 1 or 2, never a stack trace.
 */
import { describe, expect, it } from 'vitest';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';

const dir = mkdtempSync(join(tmpdir(), 'lamina-outdir-'));

function lamina(...args: string[]) {
  const r = spawnSync(process.execPath, ['bin/lamina.js', ...args], { encoding: 'utf8', timeout: 120_000 });
  return { code: r.status, err: r.stderr };
}

function specFile(name: string, record: { name: string; population: string }[], size = 10, steps = 20): string {
  const p = join(dir, name);
  writeFileSync(p, JSON.stringify({
    dt: 1, steps, populations: [{ name: 'a', size, tau: 5, activation: 'tanh', init: 0.5 }],
    projections: [{ name: 'rec', from: 'a', to: 'a', weights: { type: 'gaussian', g: 0.5 } }], record,
  }));
  return p;
}

const meta = (out: string) => JSON.parse(readFileSync(join(out, 'meta.json'), 'utf8'));

describe('output directories', () => {
  it('a second run into a directory with results is refused; --force replaces them and removes stale files', () => {
    const out = join(dir, 'again');
    const first = specFile('first.json', [{ name: 'old', population: 'a' }]);
    expect(lamina('run', first, '--out', out).code).toBe(0);
    const before = readFileSync(join(out, 'meta.json'), 'utf8');
    expect(meta(out).status).toBe('complete');
    expect(meta(out).files).toEqual(['old.npy', 'report.html', 'summary.json']);

    const second = specFile('second.json', [{ name: 'new', population: 'a' }]);
    const refused = lamina('run', second, '--out', out);
    expect(refused.code).toBe(2);
    expect(refused.err).toMatch(/--out: .*holds the results of a previous run .*--force/);
    expect(readFileSync(join(out, 'meta.json'), 'utf8')).toBe(before);
    expect(existsSync(join(out, 'new.npy'))).toBe(false);

    expect(lamina('run', second, '--out', out, '--force').code).toBe(0);
    expect(readdirSync(out).sort()).toEqual(['meta.json', 'new.npy', 'report.html', 'summary.json']);
    expect(meta(out).target).toBe(second);
  });

  it('a directory holding other files is not written into without --force, and then they are kept', () => {
    const out = join(dir, 'foreign');
    mkdirSync(out);
    writeFileSync(join(out, 'precious.txt'), 'mine');
    const spec = specFile('f.json', [{ name: 'x', population: 'a' }]);
    const r = lamina('run', spec, '--out', out);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/not empty and holds no Lamina run \(precious\.txt\)/);
    expect(lamina('run', spec, '--out', out, '--force').code).toBe(0);
    expect(readFileSync(join(out, 'precious.txt'), 'utf8')).toBe('mine');
  });

  it('a directory locked by a live run is refused; a lock left by a dead process is taken over', () => {
    const spec = specFile('l.json', [{ name: 'x', population: 'a' }]);
    const live = join(dir, 'locked');
    mkdirSync(live);
    writeFileSync(join(live, '.lamina.lock'), JSON.stringify({ pid: process.pid, host: hostname(), started: 'now' }));
    const r = lamina('run', spec, '--out', live);
    expect(r.code).toBe(2);
    expect(r.err).toContain(`being written by another lamina run (pid ${process.pid}`);

    const stale = join(dir, 'stale');
    mkdirSync(stale);
    const dead = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' }).stdout;
    writeFileSync(join(stale, '.lamina.lock'), JSON.stringify({ pid: Number(dead), host: hostname(), started: 'then' }));
    expect(lamina('run', spec, '--out', stale).code).toBe(0);
    expect(existsSync(join(stale, '.lamina.lock'))).toBe(false);
  });

  it('two runs started together into one directory: one writes it, the other exits 2', async () => {
    const spec = specFile('t.json', [{ name: 'x', population: 'a' }], 50, 400);
    const out = join(dir, 'together');
    const start = () => new Promise<{ code: number | null; err: string }>((done) => {
      const p = spawn(process.execPath, ['bin/lamina.js', 'run', spec, '--out', out]);
      let err = '';
      p.stderr.on('data', (d) => { err += d; });
      p.on('close', (code) => done({ code, err }));
    });
    const results = await Promise.all([start(), start()]);
    expect(results.map((r) => r.code).sort()).toEqual([0, 2]);
    expect(results.find((r) => r.code === 2)!.err).toMatch(/--out: .*(being written by another lamina run|holds the results of a previous run)/);
    expect(meta(out).status).toBe('complete');
  });

  it('a full disk ends with a message naming the file and exit 1 or 2, never a stack trace', () => {
    const out = join(dir, 'full');
    mkdirSync(out);
    // 200 units x 2000 rows x 4 bytes = 1.6 MB of recording into a 256 KiB filesystem.
    const spec = specFile('big.json', [{ name: 'r', population: 'a' }], 200, 2000);
    const mounted = spawnSync('mount', ['-t', 'tmpfs', '-o', 'size=256k', 'tmpfs', out]).status === 0;
    try {
      // Where mounting is not allowed, a file-size limit gives the same kind of write failure (EFBIG).
      const r = mounted
        ? lamina('run', spec, '--out', out)
        : (() => { const s = spawnSync('bash', ['-c', `ulimit -f 256; exec "${process.execPath}" bin/lamina.js run "${spec}" --out "${out}"`], { encoding: 'utf8' }); return { code: s.status, err: s.stderr }; })();
      expect([1, 2]).toContain(r.code);
      expect(r.err).toMatch(mounted ? /(r\.npy|meta\.json|summary\.json).*ENOSPC|free|disk/ : /(r\.npy|meta\.json|summary\.json).*(EFBIG|too large)/);
      expect(r.err).not.toMatch(/internal error|\n\s+at /);
    } finally {
      if (mounted) spawnSync('umount', [out]);
    }
  });
});
