// Typed access to the Rust commands. Every failure that crosses IPC arrives as
// `{code, message, detail}` (loopstudio_core::ApiError); anything else (a panic text, a
// missing command) is wrapped into that shape here so components handle one kind of error.
import { invoke } from '@tauri-apps/api/core';
import type { ApiError } from './bindings/ApiError';
import type { AppInfo } from './bindings/AppInfo';
import type { ErrorCode } from './bindings/ErrorCode';

// A Record over the generated union: when Rust adds a code, the type check fails here
// until the UI knows about it.
const ERROR_CODES: Record<ErrorCode, true> = {
  INPUT_INVALID: true,
  NOT_FOUND: true,
  CONFLICT: true,
  STORAGE: true,
  SECRET: true,
  IO: true,
  INTERNAL: true,
};

export function isErrorCode(value: unknown): value is ErrorCode {
  return typeof value === 'string' && Object.hasOwn(ERROR_CODES, value);
}

/** Normalises whatever `invoke` rejected with into an ApiError. */
export function toApiError(raw: unknown): ApiError {
  if (typeof raw === 'object' && raw !== null) {
    const { code, message, detail } = raw as Record<string, unknown>;
    if (isErrorCode(code) && typeof message === 'string') {
      return { code, message, detail: typeof detail === 'string' ? detail : null };
    }
  }
  const text = typeof raw === 'string' ? raw : raw instanceof Error ? raw.message : String(raw);
  return { code: 'INTERNAL', message: 'Loop Studio hit an unexpected error', detail: text };
}

/** An ApiError thrown as an Error, so `catch` blocks and stack traces keep working. */
export class IpcError extends Error {
  readonly api: ApiError;
  constructor(api: ApiError) {
    super(api.detail ? `${api.message}: ${api.detail}` : api.message);
    this.name = 'IpcError';
    this.api = api;
  }
}

async function call<T>(command: string, args?: Record<string, unknown>): Promise<T> {
  try {
    return await invoke<T>(command, args);
  } catch (raw) {
    throw new IpcError(toApiError(raw));
  }
}

/** The app's commands, one function each, named as in src-tauri/app/commands.rs. */
export const api = {
  appInfo: () => call<AppInfo>('app_info'),
};
