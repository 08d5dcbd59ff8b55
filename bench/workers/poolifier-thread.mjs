import { ThreadWorker } from 'poolifier';
import { inc, score, search } from './tasks.mjs';

export default new ThreadWorker({ inc, score, search });
