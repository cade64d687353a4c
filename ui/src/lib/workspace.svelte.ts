// What the window is looking at: the current project, its models and devices, what is
// selected, and the catalog. Components read it and call its methods; every change to the
// data goes through the IPC api and is then re-read, so the store stays the one truth.
import { api, IpcError, toApiError } from './ipc';
import type { ApiError } from './bindings/ApiError';
import type { Catalog } from './bindings/Catalog';
import type { DeviceSummary } from './bindings/DeviceSummary';
import type { ModelSummary } from './bindings/ModelSummary';
import type { ProjectSummary } from './bindings/ProjectSummary';
import type { Startup } from './bindings/Startup';
import type { SectionId } from './nav';
import type { ProxyPreference } from './bindings/ProxyPreference';
import { loadProxyPreference, saveProxyPreference } from './network';

export type View =
  | { kind: 'section'; id: SectionId }
  | { kind: 'new-project' }
  | { kind: 'project' }
  | { kind: 'model'; name: string }
  | { kind: 'new-device' }
  | { kind: 'device'; name: string };

const LAST_PROJECT = 'loopstudio.project';

/** Asks for the first screen's data (the project the window showed last, opened). */
export function requestStartup(): Promise<Startup> {
  return api.startup(localStorage.getItem(LAST_PROJECT));
}

export function asApiError(e: unknown): ApiError {
  return e instanceof IpcError ? e.api : toApiError(e);
}

export class Workspace {
  catalog: Catalog | null = $state(null);
  projects: ProjectSummary[] = $state([]);
  project: string | null = $state(null);
  models: ModelSummary[] = $state([]);
  devices: DeviceSummary[] = $state([]);
  deviceSearch = $state('');
  view: View = $state({ kind: 'section', id: 'models' });
  /** The last failure of a background load, shown in the main area. */
  error: ApiError | null = $state(null);
  /** Settings → Network: whether checks use the proxy, and MQTT through its tunnel too. */
  proxy: ProxyPreference = $state(loadProxyPreference(localStorage));

  setProxy(preference: ProxyPreference): void {
    this.proxy = preference;
    saveProxyPreference(localStorage, preference);
  }

  /** The first screen, in one call: catalog, projects, and the last project opened
   * (`first`: that call, when main.ts made it before mounting). */
  async start(first: Promise<Startup> = requestStartup()): Promise<void> {
    await this.guard(async () => {
      const data = await first;
      this.catalog = data.catalog;
      this.projects = data.projects;
      this.models = data.models;
      this.devices = data.devices;
      if (data.project) {
        this.project = data.project;
        localStorage.setItem(LAST_PROJECT, data.project);
        this.view = { kind: 'section', id: 'models' };
      }
    });
  }

  async refreshProjects(): Promise<void> {
    this.projects = await api.projectList();
  }

  async selectProject(name: string): Promise<void> {
    this.project = name;
    localStorage.setItem(LAST_PROJECT, name);
    this.view = { kind: 'section', id: 'models' };
    await this.refreshProjectContents();
  }

  async refreshProjectContents(): Promise<void> {
    if (!this.project) return;
    const [models, devices] = await Promise.all([
      api.modelList(this.project),
      api.deviceList(this.project, this.deviceSearch || null),
    ]);
    this.models = models;
    this.devices = devices;
    await this.refreshProjects();
  }

  async searchDevices(text: string): Promise<void> {
    this.deviceSearch = text;
    if (this.project) this.devices = await api.deviceList(this.project, text || null);
  }

  open(view: View): void {
    this.view = view;
  }

  /** Runs a load, keeping its failure for the main area instead of losing it. */
  async guard(work: () => Promise<void>): Promise<void> {
    try {
      this.error = null;
      await work();
    } catch (e) {
      this.error = asApiError(e);
    }
  }
}
