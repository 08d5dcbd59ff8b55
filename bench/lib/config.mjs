/**
 * Sizes of every scenario. The full run is sized to finish in well under 10 minutes
 * on 2 cores; `--quick` shrinks everything for a smoke test of the harness itself.
 */
export function makeConfig(argv) {
  const quick = argv.includes('--quick');
  const rounds = Number(flagValue(argv, '--rounds') ?? (quick ? 2 : 5));
  return {
    quick,
    poolSize: 2,
    rounds,
    cpuRounds: Math.min(rounds, 3),
    mapRounds: Math.min(rounds, 3),
    // Rounds of the concurrency-10 downloads (10 s each); the unlimited ones take `rounds`.
    ioRounds: Math.min(rounds, 3),
    memoryRounds: Math.min(rounds, 2),
    burst: { tasks: quick ? 2_000 : 20_000 },
    latency: { calls: quick ? 300 : 3_000 },
    map: { items: quick ? 100_000 : 1_000_000, peerItems: quick ? 5_000 : 50_000 },
    cpu: { tasks: 16, taskMs: quick ? 10 : 60, size: 100_000, workers: [1, 2, 4] },
    io: { downloads: quick ? 200 : 1_000, latencyMs: 100, concurrency: 10 },
    memory: { workers: 4 },
    transfer: { megabytes: 64, trips: quick ? 3 : 10 },
    objectMap: { items: quick ? 2_000 : 10_000 },
  };
}

export function flagValue(argv, flag) {
  const at = argv.indexOf(flag);
  return at === -1 ? undefined : argv[at + 1];
}
