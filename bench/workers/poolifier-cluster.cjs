// CommonJS on purpose: poolifier's cluster pool sends its handshake as soon as the
// process is online; an ES module entry is still loading then and the message is lost.
const { ClusterWorker } = require('poolifier');
const { inc, score, search } = require('./tasks.mjs');

module.exports = new ClusterWorker({ inc, score, search });
