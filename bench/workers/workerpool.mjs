import workerpool from 'workerpool';
import { inc, score, search } from './tasks.mjs';

workerpool.worker({ inc, score, search });
