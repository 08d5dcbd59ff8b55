/** Below this many items a typed array's own header outweighs what it saves. */
const MIN_ITEMS = 16;

/**
 * A map chunk's items (or results) that are all numbers travel as one Float64Array: the
 * structured-clone and v8 serializers then copy 8 bytes an item, where an array costs a
 * tag, a varint and, on arrival, a boxed value an item. A Float64Array keeps every
 * number exactly (-0 and NaN included). Both ends only index it and read its length, as they would an array.
 */
export function packNumbers(values: ArrayLike<unknown>): ArrayLike<unknown> {
  const n = values.length;
  if (n < MIN_ITEMS || !Array.isArray(values) || typeof values[0] !== 'number') return values;
  const packed = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const value = values[i];
    if (typeof value !== 'number') return values;
    packed[i] = value;
  }
  return packed;
}
