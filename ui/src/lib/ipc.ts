// Typed access to the Rust commands. Every failure that crosses IPC arrives as
// `{code, message, detail}` (loopstudio_core::ApiError); anything else (a panic text, a
// missing command) is wrapped into that shape here so components handle one kind of error.
import { invoke } from '@tauri-apps/api/core';
import { listen } from '@tauri-apps/api/event';
import type { AppEvent } from './bindings/AppEvent';
import type { ApiError } from './bindings/ApiError';
import type { AppInfo } from './bindings/AppInfo';
import type { PemOverview } from './bindings/PemOverview';
import type { Device } from './bindings/Device';
import type { DeviceSummary } from './bindings/DeviceSummary';
import type { ErrorCode } from './bindings/ErrorCode';
import type { FleetSnapshot } from './bindings/FleetSnapshot';
import type { Generator } from './bindings/Generator';
import type { Finding } from './bindings/Finding';
import type { ImportSummary } from './bindings/ImportSummary';
import type { SampleSummary } from './bindings/SampleSummary';
import type { Model } from './bindings/Model';
import type { ModelSummary } from './bindings/ModelSummary';
import type { Project } from './bindings/Project';
import type { ProjectSummary } from './bindings/ProjectSummary';
import type { ProxyInUse } from './bindings/ProxyInUse';
import type { ProxyPreference } from './bindings/ProxyPreference';
import type { RenderedModel } from './bindings/RenderedModel';
import type { PlaceholderValue } from './bindings/PlaceholderValue';
import type { LogLine } from './bindings/LogLine';
import type { Report } from './bindings/Report';
import type { RunSummary } from './bindings/RunSummary';
import type { SimulationSummary } from './bindings/SimulationSummary';
import type { Survey } from './bindings/Survey';
import type { Startup } from './bindings/Startup';
import type { SurveyRecord } from './bindings/SurveyRecord';

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

type Vars = Record<string, string>;

/** The app's commands, one function each, named as in src-tauri/app/commands.rs. */
export const api = {
  appInfo: () => call<AppInfo>('app_info'),
  startup: (project: string | null) => call<Startup>('startup', { project }),
  loopcheckCommand: (project: string, device: string, proxyOff: boolean) =>
    call<string>('loopcheck_command', { project, device, proxyOff }),

  projectList: () => call<ProjectSummary[]>('project_list'),
  projectGet: (name: string) => call<Project>('project_get', { name }),
  projectCreate: (project: Project) => call<void>('project_create', { project }),
  projectSetVariables: (name: string, set: Vars, unset: string[]) =>
    call<void>('project_set_variables', { name, set, unset }),
  projectDelete: (name: string) => call<void>('project_delete', { name }),
  projectExport: (name: string, path: string, includeSecrets: boolean) =>
    call<void>('project_export', { name, path, includeSecrets }),
  projectImport: (path: string) => call<ImportSummary>('project_import', { path }),
  /** Makes the sample project under the first free name ("Acme Meters", "Acme Meters 2", …). */
  sampleCreate: () => call<SampleSummary>('sample_create'),

  modelList: (project: string) => call<ModelSummary[]>('model_list', { project }),
  modelGet: (project: string, name: string) => call<Model>('model_get', { project, name }),
  modelCreate: (project: string, model: Model) => call<void>('model_create', { project, model }),
  modelSave: (project: string, name: string, model: Model) => call<void>('model_save', { project, name, model }),
  modelDelete: (project: string, name: string, force: boolean) => call<void>('model_delete', { project, name, force }),
  modelImport: (project: string, path: string) => call<Model>('model_import', { project, path }),
  modelExport: (project: string, name: string, path: string, includeSecrets: boolean) =>
    call<void>('model_export', { project, name, path, includeSecrets }),
  lintDraft: (project: string, model: Model) => call<Finding[]>('lint_draft', { project, model }),

  deviceList: (project: string, search: string | null) => call<DeviceSummary[]>('device_list', { project, search }),
  deviceGet: (project: string, name: string) => call<Device>('device_get', { project, name }),
  deviceCreate: (project: string, model: string, name: string, variables: Vars, generateSecrets: boolean) =>
    call<Device>('device_create', { project, model, name, variables, generateSecrets }),
  deviceSetVariables: (project: string, name: string, set: Vars, unset: string[]) =>
    call<void>('device_set_variables', { project, name, set, unset }),
  deviceDelete: (project: string, name: string) => call<void>('device_delete', { project, name }),
  placeholderValues: (project: string, device: string, names: string[]) =>
    call<PlaceholderValue[]>('placeholder_values', { project, device, names }),
  deviceRender: (project: string, name: string, reveal: boolean) =>
    call<RenderedModel>('device_render', { project, name, reveal }),
  deviceLint: (project: string, name: string) => call<Finding[]>('device_lint', { project, name }),

  portSweep: (host: string, ports: string | null, timeoutMs: number | null, proxy: ProxyPreference | null = null) =>
    call<Report>('port_sweep', { host, ports, timeoutMs, proxy }),
  portSweepCancel: () => call<void>('port_sweep_cancel'),
  /** All checks of a device, or only the templates at `only` (positions in its model). */
  deviceCheck: (project: string, name: string, only: number[] | null = null, proxy: ProxyPreference | null = null) =>
    call<Report>('device_check', { project, name, only, proxy }),
  /** The proxy the device's checks would go through with the app's setting (null: direct). */
  deviceProxy: (project: string, name: string, proxy: ProxyPreference | null = null) =>
    call<ProxyInUse | null>('device_proxy', { project, name, proxy }),
  reportExport: (report: Report, path: string) => call<void>('report_export', { report, path }),
  demoStart: (project: string, name: string, rate: number, durationS: number | null, generator: Generator | null = null) =>
    call<SimulationSummary>('demo_start', { project, name, rate, durationS, generator }),
  /** A fleet of `count` devices of `model` sharing the values of `like` but its identities;
   * stopped by `demoStop` like a single device. */
  fleetStart: (project: string, model: string, like: string | null, count: number, pattern: string, ramp: number, rate: number) =>
    call<FleetSnapshot>('fleet_start', { project, model, like, count, pattern, ramp, rate, durationS: null }),
  demoStop: () => call<void>('demo_stop'),
  demoLogSave: (device: string, lines: LogLine[], path: string) => call<void>('demo_log_save', { device, lines, path }),
  deviceCheckCancel: () => call<void>('device_check_cancel'),
  runList: (project: string) => call<RunSummary[]>('run_list', { project }),
  runGet: (id: number) => call<Report>('run_get', { id }),
  readPemFile: (path: string) => call<string>('read_pem_file', { path }),
  generateSecret: () => call<string>('generate_secret'),
  pemOverview: (text: string) => call<PemOverview>('pem_overview', { text }),
  /** Surveys the project's devices: the named ones, else a model's, else all. */
  surveyRun: (project: string, devices: string[] | null, model: string | null, proxy: ProxyPreference | null = null) =>
    call<Survey>('survey_run', { project, devices, model, proxy }),
  surveyCancel: () => call<void>('survey_cancel'),
  surveyExport: (survey: Survey, path: string) => call<void>('survey_export', { survey, path }),
  surveyRulesExport: (survey: Survey, path: string) => call<void>('survey_rules_export', { survey, path }),
  surveyList: (project: string) => call<SurveyRecord[]>('survey_list', { project }),
  surveyGet: (id: number) => call<Survey>('survey_get', { id }),
};

// The events the app emits while work runs. Their names are the core's `AppEvent` (generated
// from Rust): a name that drifts from the app's fails the type check.
/** A port of a sweep finished (a report `Check`). */
export const SWEEP_PROGRESS: AppEvent = 'sweep-progress';
/** One of a device's checks finished (a report `Check`). */
export const CHECK_PROGRESS: AppEvent = 'check-progress';
/** One rung of a device's checks finished (a `StepProgress`). */
export const CHECK_STEP: AppEvent = 'check-step';
/** A line of a running virtual device's log (a `LogLine`). */
export const DEMO_LOG: AppEvent = 'demo-log';
/** A running fleet's counts, once a second (a `FleetSnapshot`). */
export const FLEET_SNAPSHOT: AppEvent = 'fleet-snapshot';
/** One check of a survey finished (a `SurveyProgress`). */
export const SURVEY_PROGRESS: AppEvent = 'survey-progress';

/** Runs `work` while `onEvent` receives the app's `event`s; stops listening after it. */
export async function withEvents<E, T>(event: AppEvent, onEvent: (payload: E) => void, work: () => Promise<T>): Promise<T> {
  const unlisten = await listen<E>(event, (e) => onEvent(e.payload));
  try {
    return await work();
  } finally {
    unlisten();
  }
}
