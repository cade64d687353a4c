//! One `#[tauri::command]` per use case, each a one-line adapter over `loopstudio-core`.

use loopstudio_core::app_info::AppInfo;
use loopstudio_core::ApiError;

/// Version, database path and where secrets are kept, for the About panel and status bar.
#[tauri::command]
pub fn app_info() -> Result<AppInfo, ApiError> {
    Ok(loopstudio_core::app_info::app_info(None)?)
}
