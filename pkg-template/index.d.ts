// Types of the ES module entry: every contract type of the engine (hand-written next to the Rust
// serde types and emitted into the wasm-bindgen glue's .d.ts), plus the facade's own.

import * as glue from "./web/sicantik_whatsapp.js";
import type { Catalogue, EngineConfig, Notification, Outcome, SendOptions } from "./web/sicantik_whatsapp.js";

// Type-only: the glue's `initSync` and default export are not part of this entry's values.
export type * from "./web/sicantik_whatsapp.js";
export { normalizePhone, convertParams, lintTemplate, lintProfile, version, initLogging } from "./web/sicantik_whatsapp.js";

/** What `init()` can load the engine from. */
export type InitInput =
  | string
  | URL
  | Request
  | Response
  | PromiseLike<Response>
  | BufferSource
  | WebAssembly.Module;

/**
 * Load and instantiate the engine once; concurrent and repeated calls share the first call's
 * promise. Without `input`: in node the .wasm next to this file is read from disk, elsewhere it
 * is fetched relative to this module.
 */
export function init(input?: InitInput): Promise<void>;

/** The engine's catalogue: codes' sentences (Indonesian, English) and arguments, credential fields, defaults. */
export function catalogue(): Catalogue;
/** The sentence of `code` in `lang` with its `{arg}`s filled; `null` for a code the catalogue lacks. */
export function sentence(code: string, lang: "id" | "en", args?: Record<string, unknown>): string | null;

/** Stable error codes (`engine.not_initialized` comes from this facade). */
export type ErrorCode =
  | "phone.invalid"
  | "phone.trunk_zero_doubled"
  | "template.unknown"
  | "template.missing_param"
  | "template.unknown_placeholder"
  | "template.malformed"
  | "template.empty"
  | "template.mapping"
  | "config.invalid"
  | "provider.unknown"
  | "provider.unsupported"
  | "input.invalid"
  | "dispatch.state"
  | "engine.not_configured"
  | "engine.not_initialized";

/** Every error the engine throws: a real `Error` with a stable `code`. */
export interface SicantikError extends Error {
  name: "SicantikError";
  code: ErrorCode | (string & {});
  /** A corrected input the person probably meant (`phone.trunk_zero_doubled`: `"0812…"`). */
  suggestion?: string;
}

export function isSicantikError(e: unknown): e is SicantikError;

/** The engine for one configuration. Construct it after `init()` has resolved. */
export declare class Engine extends glue.Engine {
  constructor(config: EngineConfig);
  /**
   * Send through a transport (the global `fetch` when `options.transport` is absent) and resolve
   * with the outcome: `sent`, `failed`, `unknown` or `deferred`, never a rejection for a
   * provider's answer.
   */
  send(notification: Notification, options?: SendOptions): Promise<Outcome>;
}
