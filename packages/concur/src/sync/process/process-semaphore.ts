import { checkInteger } from '../../options/validate.ts';
import { parseNameOption } from '../name-option.ts';
import { travelsWith } from '../travels-with.ts';
import {
  ProcessPrimitive,
  type ProcessPrimitiveOptions,
  processCodec,
} from './process-primitive.ts';

/**
 * A counting semaphore shared by the parent and its pool workers' tasks, brokered
 * by the parent like ProcessLock: at most `value` holders across every process,
 * first in, first out. A process that exits holding permits gives them back.
 */
export class ProcessSemaphore extends ProcessPrimitive {
  constructor(value = 1, options?: ProcessPrimitiveOptions) {
    const name = parseNameOption('a ProcessSemaphore', options);
    super('ProcessSemaphore', checkInteger('value', value, 0), false, name);
  }
}

const codec = processCodec(
  'concur.process-semaphore',
  import.meta.url,
  () => new ProcessSemaphore(),
);
travelsWith(ProcessSemaphore, codec);
