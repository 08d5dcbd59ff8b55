import workerpool from 'workerpool';
import { inc, search } from './tasks.mjs';

workerpool.worker({ inc, search });
