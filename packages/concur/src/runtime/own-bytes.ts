import type * as V8 from 'node:v8';

type HostReader = { _readHostObject(): unknown };

let OwnBytesDeserializer: (new (buffer: Uint8Array) => V8.DefaultDeserializer) | undefined;

/**
 * `v8.deserialize(bytes)`, except that every typed array and DataView comes back over an
 * ArrayBuffer of its own, as structuredClone gives it. Node's deserializer makes them views
 * into the bytes it reads: a result would otherwise carry the rest of its message (and of
 * any message read with it) in `.buffer`, show it to `new Uint8Array(result.buffer)`, and
 * move all of it with transfer(). `v8` is passed in so that callers can load it lazily.
 */
export function deserializeOwnBytes(v8: typeof V8, bytes: Uint8Array): unknown {
  const base = v8.DefaultDeserializer.prototype as unknown as HostReader;
  OwnBytesDeserializer ??= class extends v8.DefaultDeserializer {
    _readHostObject(): unknown {
      const view = base._readHostObject.call(this);
      if (!ArrayBuffer.isView(view)) return view;
      const own = new Uint8Array(view.byteLength);
      own.set(new Uint8Array(view.buffer, view.byteOffset, view.byteLength));
      if (view instanceof DataView) return new DataView(own.buffer);
      const Kind = view.constructor as new (buffer: ArrayBuffer) => ArrayBufferView;
      return new Kind(own.buffer);
    }
  };
  const reader = new OwnBytesDeserializer(bytes);
  reader.readHeader();
  return reader.readValue();
}
