import { checkInteger } from '../../options/validate.ts';
import { travelsWith } from '../travels-with.ts';
import { ProcessPrimitive, processCodec } from './process-primitive.ts';

/**
 * A counting semaphore shared by the parent and its pool workers' tasks, brokered
 * by the parent like ProcessLock: at most `value` holders across every process,
 * first in, first out. A process that exits holding permits gives them back.
 */
export class ProcessSemaphore extends ProcessPrimitive {
  constructor(value = 1) {
    super('ProcessSemaphore', checkInteger('value', value, 0), false);
  }
}

const codec = processCodec(
  'concur.process-semaphore',
  import.meta.url,
  () => new ProcessSemaphore(),
);
travelsWith(ProcessSemaphore, codec);
