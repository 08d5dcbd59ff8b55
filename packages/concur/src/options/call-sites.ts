/**
 * Whether the stack of a task's error gets the frames of the submit() call appended.
 * 'auto' records them for tasks that run 50 us or more on average (and for the first
 * 64 calls of a task, before anything is measured).
 */
export type CallSites = boolean | 'auto';
