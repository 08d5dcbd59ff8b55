#!/usr/bin/env node
// The concur-worker command. npm links a workspace's bins when it installs, before the
// root's `prepare` has built dist/, so the bin is this file, which is in the repository,
// and it loads the built worker.
import { missingBuild } from './missing-build.js';

const { runWorkerCommand } = await import('../dist/worker-cli.js').catch(missingBuild);
process.exit(await runWorkerCommand(process.argv.slice(2)));
