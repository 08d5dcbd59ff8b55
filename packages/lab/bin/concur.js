#!/usr/bin/env node
// The concur command (the lab). npm links a workspace's bins when it installs, before
// the root's `prepare` has built dist/, so the bin is this file, which is in the
// repository, and it loads the built CLI (which runs on import).
import { missingBuild } from './missing-build.js';

await import('../dist/cli.js').catch(missingBuild);
