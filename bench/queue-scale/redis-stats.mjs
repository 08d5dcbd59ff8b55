// What a redis-server did between two snapshots: commands by type, bytes in and out, CPU.
import { Redis } from 'ioredis';

/** A connection for reading INFO; its own commands are counted too (INFO only). */
export function statsClient(port) {
  return new Redis(port, '127.0.0.1', { connectionName: 'bench:stats' });
}

export async function snapshot(client) {
  const text = await client.info('all');
  const calls = new Map();
  let input = 0;
  let output = 0;
  let cpu = 0;
  let memory = 0;
  for (const line of text.split('\n')) {
    const cmd = /^cmdstat_([^:]+):calls=(\d+)/.exec(line);
    if (cmd) calls.set(cmd[1], Number(cmd[2]));
    const [key, value] = line.trim().split(':');
    if (key === 'total_net_input_bytes') input = Number(value);
    if (key === 'total_net_output_bytes') output = Number(value);
    if (key === 'used_cpu_sys' || key === 'used_cpu_user') cpu += Number(value);
    if (key === 'used_memory') memory = Number(value);
  }
  return { calls, input, output, cpu, memory, at: performance.now() };
}

/** b - a; INFO's own calls left out. */
export function difference(a, b) {
  const calls = new Map();
  for (const [name, n] of b.calls) {
    const d = n - (a.calls.get(name) ?? 0);
    if (d > 0 && name !== 'info') calls.set(name, d);
  }
  return {
    calls,
    total: [...calls.values()].reduce((s, n) => s + n, 0),
    input: b.input - a.input,
    output: b.output - a.output,
    cpuS: b.cpu - a.cpu,
    memory: b.memory - a.memory,
    seconds: (b.at - a.at) / 1000,
  };
}
