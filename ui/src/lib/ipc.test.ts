import { afterEach, describe, expect, it } from 'vitest';
import { clearMocks, mockIPC } from '@tauri-apps/api/mocks';
import { api, IpcError, isErrorCode, toApiError } from './ipc';
import type { AppInfo } from './bindings/AppInfo';

const INFO: AppInfo = {
  version: '0.1.0',
  dbPath: '/home/ada/.local/share/dev.loopstudio.desktop/loopstudio.db',
  dbPathSource: 'default',
  secrets: { kind: 'keyFile', path: '/home/ada/.local/share/dev.loopstudio.desktop/loopstudio.db.key', exists: false },
};

afterEach(() => clearMocks());

describe('api.appInfo', () => {
  it('calls the app_info command and returns its value', async () => {
    const calls: string[] = [];
    mockIPC((cmd) => {
      calls.push(cmd);
      if (cmd === 'app_info') return INFO;
      throw new Error(`unexpected command ${cmd}`);
    });
    await expect(api.appInfo()).resolves.toEqual(INFO);
    expect(calls).toEqual(['app_info']);
  });

  it('rejects with the ApiError the command returned', async () => {
    mockIPC(() => {
      throw { code: 'INPUT_INVALID', message: 'LOOPSTUDIO_DB is set but empty', detail: null };
    });
    const err = await api.appInfo().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(IpcError);
    expect((err as IpcError).api).toEqual({
      code: 'INPUT_INVALID',
      message: 'LOOPSTUDIO_DB is set but empty',
      detail: null,
    });
  });
});

describe('toApiError', () => {
  it('keeps a well-formed error', () => {
    expect(toApiError({ code: 'NOT_FOUND', message: 'no project', detail: 'acme' })).toEqual({
      code: 'NOT_FOUND',
      message: 'no project',
      detail: 'acme',
    });
  });

  it('wraps a bare string (a panic or a missing command) as INTERNAL', () => {
    expect(toApiError('command foo not found')).toEqual({
      code: 'INTERNAL',
      message: 'Loop Studio hit an unexpected error',
      detail: 'command foo not found',
    });
  });

  it('does not trust an unknown code', () => {
    expect(toApiError({ code: 'NOPE', message: 'x' }).code).toBe('INTERNAL');
  });

  it('knows exactly the generated codes', () => {
    expect(isErrorCode('STORAGE')).toBe(true);
    expect(isErrorCode('toString')).toBe(false);
    expect(isErrorCode(3)).toBe(false);
  });
});
