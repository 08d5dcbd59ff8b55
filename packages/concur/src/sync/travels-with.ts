import { kWire, registerWireCodec, type WireCodec } from '../runtime/wire.ts';

/** Makes every instance of `cls` travel to workers through `codec`, and registers it for the worker side. */
export function travelsWith<T>(cls: { prototype: T }, codec: WireCodec<T, unknown>): void {
  Object.defineProperty(cls.prototype, kWire, { value: codec });
  // The registry holds codecs of every type; each is only ever handed its own values.
  registerWireCodec(codec as unknown as WireCodec);
}
