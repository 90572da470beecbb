/**
 * Loading a kernel: its WebAssembly module from the base64 text a generated *Wasm.ts module holds
 * (compiled once), a fresh instance of it, and room in its memory for the arrays it lays out.
 */

const compiled = new Map<string, WebAssembly.Module>();

/** A fresh instance of the kernel whose binary `base64` holds; `what` names it in its internal-check error. */
export function kernelInstance(base64: string, what: string): Record<string, unknown> {
  let module = compiled.get(base64);
  if (!module) {
    const text = atob(base64);
    const bytes = new Uint8Array(text.length);
    for (let i = 0; i < text.length; i++) bytes[i] = text.charCodeAt(i);
    module = new WebAssembly.Module(bytes);
    compiled.set(base64, module);
  }
  const instance = new WebAssembly.Instance(module, {
    env: {
      abort() {
        throw new Error(`the ${what} stopped on an internal check`);
      },
    },
  });
  return instance.exports;
}

const PAGE = 65536;

/** Grows `memory` until it holds `end` bytes; returns its buffer. */
export function reserveMemory(memory: WebAssembly.Memory, end: number): ArrayBuffer {
  const missing = end - memory.buffer.byteLength;
  if (missing > 0) memory.grow(Math.ceil(missing / PAGE));
  return memory.buffer;
}
