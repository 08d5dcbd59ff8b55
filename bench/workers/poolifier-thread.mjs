import { ThreadWorker } from 'poolifier';
import { inc, search } from './tasks.mjs';

export default new ThreadWorker({ inc, search });
