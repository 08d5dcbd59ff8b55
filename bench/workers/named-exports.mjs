// Worker module for piscina and tinypool, which call an export by name.
export { inc as default, inc, score, search } from './tasks.mjs';
