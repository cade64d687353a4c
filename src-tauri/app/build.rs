//! Build script of the desktop app: runs tauri-build with the capabilities kept in
//! `src-tauri/app/capabilities` (the manifest sits at the repository root, so the default
//! `./capabilities` would not exist and every build would count as dirty).

fn main() {
    println!("cargo:rerun-if-changed=src-tauri/app/capabilities");
    let attributes = tauri_build::Attributes::new()
        .capabilities_path_pattern("src-tauri/app/capabilities/*.json");
    tauri_build::try_build(attributes).expect("tauri-build failed");
}
