//! The Tauri shell of Loop Studio: window, IPC commands and events, nothing else.
//!
//! Business rules live in `loopstudio-core`; every command here is a one-line adapter that
//! calls the core and hands back its result or its [`loopstudio_core::ApiError`], which Tauri
//! serialises as `{code, message, detail}` for the UI.

mod commands;
mod state;

use tauri::Manager;

/// How long quitting waits for a stopped demo to say goodbye (MQTT DISCONNECT, LwM2M
/// De-register) before the process ends anyway.
const GOODBYE_WAIT: std::time::Duration = std::time::Duration::from_secs(4);

/// Starts the app; called by `main.rs`.
pub fn run() {
    paint_without_compositing();
    tauri::Builder::default()
        .plugin(tauri_plugin_dialog::init())
        .manage(state::AppState::default())
        .setup(|app| {
            // Open the database while the webview starts, so that the page's first call finds
            // it open. A failure here is kept for nobody: the first command opens it again and
            // reports it.
            let app = app.handle().clone();
            std::thread::spawn(move || app.state::<state::AppState>().warm());
            Ok(())
        })
        .invoke_handler(tauri::generate_handler![
            commands::app_info,
            commands::startup,
            commands::loopcheck_command,
            commands::project_list,
            commands::project_get,
            commands::project_create,
            commands::project_set_variables,
            commands::project_delete,
            commands::project_export,
            commands::project_import,
            commands::sample_create,
            commands::model_list,
            commands::model_get,
            commands::model_create,
            commands::model_save,
            commands::model_delete,
            commands::model_import,
            commands::model_export,
            commands::model_to_json,
            commands::lint_draft,
            commands::device_list,
            commands::device_get,
            commands::device_create,
            commands::device_set_variables,
            commands::device_delete,
            commands::device_render,
            commands::placeholder_values,
            commands::device_lint,
            commands::device_check,
            commands::device_check_cancel,
            commands::device_proxy,
            commands::run_list,
            commands::run_get,
            commands::report_export,
            commands::demo_start,
            commands::fleet_start,
            commands::demo_stop,
            commands::demo_log_save,
            commands::port_sweep,
            commands::port_sweep_cancel,
            commands::survey_run,
            commands::survey_cancel,
            commands::survey_list,
            commands::survey_get,
            commands::survey_export,
            commands::survey_rules_export,
            commands::read_pem_file,
            commands::pem_overview,
            commands::generate_secret,
        ])
        .build(tauri::generate_context!())
        .expect("Loop Studio could not start its window")
        .run(|app, event| {
            // Nothing keeps running after the window closes: stop it all, and let a demo
            // de-register and disconnect before the process ends.
            if let tauri::RunEvent::ExitRequested { api, code, .. } = &event {
                let state = app.state::<state::AppState>();
                state.stop_everything();
                // `code` is set when the wait below ends with `app.exit`: then just go.
                if code.is_none() && state.demos_running() {
                    api.prevent_exit();
                    let app = app.clone();
                    std::thread::spawn(move || {
                        let until = std::time::Instant::now() + GOODBYE_WAIT;
                        while app.state::<state::AppState>().demos_running()
                            && std::time::Instant::now() < until
                        {
                            std::thread::sleep(std::time::Duration::from_millis(50));
                        }
                        app.exit(0);
                    });
                }
            }
        });
}

/// WebKitGTK composites the page through OpenGL. Where there is no GPU — the field laptop
/// in a VM, a remote desktop, Xvfb — that GL is Mesa's software renderer: measured with
/// `scripts/bench.sh app`, it held the first paint back by ~0.8 s and cost ~95 MB, for a
/// page of forms and tables that never needs a composited layer. So Loop Studio paints
/// directly, as WebKitGTK did before it had compositing, unless the person says otherwise:
/// an existing `WEBKIT_DISABLE_COMPOSITING_MODE` is left as it is, and
/// `LOOPSTUDIO_WEBKIT_COMPOSITING=1` keeps compositing on.
///
/// Runs first in `run`, before GTK or any thread starts, so the environment is still ours
/// alone to change.
fn paint_without_compositing() {
    #[cfg(target_os = "linux")]
    {
        let keep = std::env::var_os("LOOPSTUDIO_WEBKIT_COMPOSITING").is_some_and(|v| v == "1");
        if !keep && std::env::var_os("WEBKIT_DISABLE_COMPOSITING_MODE").is_none() {
            std::env::set_var("WEBKIT_DISABLE_COMPOSITING_MODE", "1");
        }
    }
}
