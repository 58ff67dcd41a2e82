/**
 * A peer process of an interleaved benchmark (bench/peers/serve.py): started once, built and warmed up
 * there, then asked for STEPS steps at a time; each answer is one JSON line with the wall seconds.
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { createInterface } from 'node:readline';

export class Peer {
  private waiting: ((line: string) => void)[] = [];
  private lines: string[] = [];
  private stderr = '';
  private exited: string | undefined;

  private constructor(private proc: ChildProcessWithoutNullStreams, readonly info: Record<string, unknown>) {}

  /** Starts `/usr/bin/python3 ARGS` and waits for its ready line; rejects with its stderr if it exits first. */
  static async start(args: string[]): Promise<Peer> {
    const proc = spawn('/usr/bin/python3', args, { env: { ...process.env, PYTHONUNBUFFERED: '1' } });
    const peer = new Peer(proc, {});
    proc.stderr.on('data', (d: Buffer) => { peer.stderr = (peer.stderr + d.toString()).slice(-4000); });
    createInterface({ input: proc.stdout }).on('line', (line) => {
      const w = peer.waiting.shift();
      if (w) w(line); else peer.lines.push(line);
    });
    proc.on('exit', (code) => {
      peer.exited = `${args.join(' ')} exited with ${code}:\n${peer.stderr.trim()}`;
      for (const w of peer.waiting.splice(0)) w('');
    });
    const ready = await peer.next();
    Object.assign(peer.info, ready);
    return peer;
  }

  private async next(): Promise<Record<string, unknown>> {
    const line = this.lines.shift() ?? (this.exited ? '' : await new Promise<string>((resolve) => this.waiting.push(resolve)));
    if (!line) throw new Error(`peer ${this.exited ?? 'closed its output'}`);
    return JSON.parse(line);
  }

  /** Runs `n` more steps in the peer: its wall seconds and what it reports beside them. */
  async steps(n: number): Promise<{ wall_s: number } & Record<string, unknown>> {
    this.proc.stdin.write(`${n}\n`);
    return (await this.next()) as { wall_s: number } & Record<string, unknown>;
  }

  close(): void {
    this.proc.stdin.end();
  }
}
