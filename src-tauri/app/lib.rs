//! The Tauri shell of Loop Studio: window, IPC commands and events, nothing else.
//!
//! Business rules live in `loopstudio-core`; every command here is a one-line adapter that
//! calls the core and hands back its result or its [`loopstudio_core::ApiError`], which Tauri
//! serialises as `{code, message, detail}` for the UI.

mod commands;

/// Starts the app; called by `main.rs` (and by mobile entry points, should there ever be any).
pub fn run() {
    tauri::Builder::default()
        .invoke_handler(tauri::generate_handler![commands::app_info])
        .run(tauri::generate_context!())
        .expect("Loop Studio could not start its window");
}
