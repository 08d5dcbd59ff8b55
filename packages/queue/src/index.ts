// The `concur/queue` entry point: the only one that loads bullmq and ioredis.
export { QueueBackendError } from 'concur';
export type {
  QueueClusterConnection,
  QueueConnection,
  QueueLogin,
  QueueNode,
  QueueSentinelConnection,
  QueueServerConnection,
  QueueTlsOptions,
} from './connection.ts';
export type { JobCodec } from './job-codec.ts';
export { jsonCodec, v8Codec } from './job-codec.ts';
export type { LocalQueueCluster, LocalQueueClusterOptions } from './local-cluster.ts';
export { startLocalQueueCluster } from './local-cluster.ts';
export type { LocalModel } from './local-executor.ts';
export type { LocalRedis, LocalRedisOptions } from './local-redis.ts';
export { startLocalRedis } from './local-redis.ts';
export type { QueueCallOptions } from './queue-executor.ts';
export { QueueExecutor } from './queue-executor.ts';
export type { QueueBackoff, QueueExecutorOptions, QueueRetryOptions } from './queue-options.ts';
export type { QueueWorkerHandle, QueueWorkerOptions, QueueWorkerStats } from './remote-worker.ts';
export { runQueueWorker } from './remote-worker.ts';
export { runWorkerCommand } from './worker-cli.ts';
