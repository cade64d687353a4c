//! The house keeps its shape (DESIGN.md §1, `src/lib.rs`'s layout): every module of the core
//! may use only the modules its row below allows, the app and the CLI only the surface
//! (`api`) and the data types, and no source file grows past what one person can hold in
//! mind. A new arrow is a design decision — add it here, with its reason,
//! or put the code where it belongs.
//!
//! An arrow is any `crate::module` path in a file's code (its `use` lines and paths written
//! out), test code left aside (files ending in `tests.rs`, and what follows `#[cfg(test)]`).

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// The longest a core source file may be.
const MAX_LINES: usize = 450;

/// Module → the modules it may use. `ApiError`, `ErrorCode` and `VERSION` (the crate root's
/// own items) are open to all.
const ALLOWED: &[(&str, &[&str])] = &[
    // Pure foundations: nothing of ours below them.
    ("text", &[]),
    ("template", &[]),
    ("psk", &["codec"]),
    ("files", &[]),
    ("limits", &[]),
    ("api_error", &[]),
    // Codecs show a peer's or a model's text escaped (text::printable).
    ("codec", &["text"]),
    // The domain and its catalog.
    ("catalog", &["codec", "psk", "template", "text"]),
    ("model", &["catalog"]),
    ("render", &["catalog", "model", "template"]),
    (
        "device_defaults",
        &["catalog", "codec", "model", "secret", "template"],
    ),
    (
        "lint",
        &["catalog", "model", "psk", "render", "template", "text"],
    ),
    (
        "interchange",
        &["catalog", "files", "model", "render", "template"],
    ),
    ("settings", &["catalog", "codec", "model", "psk", "text"]),
    // Storage: the domain and the secrets, and the report as the run history's record.
    ("secret", &["files"]),
    (
        "store",
        &["catalog", "model", "report", "secret", "template", "text"],
    ),
    ("app_info", &["secret", "store"]),
    // Talking: the CoAP exchange layer is part of the network room (DESIGN.md §1), pure
    // LwM2M sits on the codecs only.
    ("coap", &["codec"]),
    ("lwm2m", &["codec", "text"]),
    ("lwm2m_client", &["coap", "codec", "lwm2m"]),
    ("net", &["coap", "codec", "psk", "settings", "text"]),
    // Reports name what the network saw (report/diagnose.rs maps its failure types).
    (
        "report",
        &["catalog", "coap", "lwm2m_client", "net", "text"],
    ),
    (
        "check",
        &[
            "catalog",
            "coap",
            "codec",
            "limits",
            "lwm2m",
            "lwm2m_client",
            "model",
            "net",
            "report",
            "settings",
            "text",
        ],
    ),
    // The virtual device polls OTA through the OTA check, on purpose (simulate/ota.rs); fleet
    // devices speak MQTT through the pure frames of codec/mqtt5_frames.rs.
    (
        "simulate",
        &[
            "catalog",
            "check",
            "codec",
            "coap",
            "limits",
            "lwm2m",
            "lwm2m_client",
            "model",
            "net",
            "report",
            "settings",
            "text",
        ],
    ),
    // The surface over everything; nothing of the core uses it.
    (
        "api",
        &[
            "app_info",
            "catalog",
            "check",
            "device_defaults",
            "files",
            "interchange",
            "limits",
            "lint",
            "model",
            "net",
            "codec",
            "psk",
            "render",
            "report",
            "secret",
            "settings",
            "simulate",
            "store",
            "text",
        ],
    ),
    // Fuzz targets' entry points (behind `#[doc(hidden)]`).
    (
        "fuzzing",
        &["codec", "interchange", "lint", "lwm2m", "render"],
    ),
];

fn src() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("src")
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// The top module a file belongs to: `check` for `src/check/mqtt.rs`, `text` for `src/text.rs`.
fn module_of(path: &Path) -> String {
    let relative = path.strip_prefix(src()).unwrap();
    let first = relative
        .components()
        .next()
        .unwrap()
        .as_os_str()
        .to_string_lossy();
    first.trim_end_matches(".rs").to_string()
}

/// The code of a file without its comments and its test module.
fn code_of(text: &str) -> String {
    let text = text.split("#[cfg(test)]").next().unwrap_or_default();
    text.lines()
        .map(|line| line.split("//").next().unwrap_or_default())
        .collect::<Vec<_>>()
        .join("\n")
}

/// What the app and the CLI may name of the core: the surface, and the data types they pass
/// along (the domain, reports, kinds) and the terminal-safe text helper.
const ADAPTERS_MAY_USE: &[&str] = &["api", "catalog", "model", "report", "text"];

/// The modules of ours `code` names (`crate::check::…`, `use crate::{store, model}`).
fn used_modules(code: &str) -> BTreeSet<String> {
    used_under(code, "crate::")
}

/// The modules below `root` (`crate::` inside the core, `loopstudio_core::` outside) that
/// `code` names.
fn used_under(code: &str, root: &str) -> BTreeSet<String> {
    let mut used = BTreeSet::new();
    for (at, _) in code.match_indices(root) {
        let rest = &code[at + root.len()..];
        if let Some(group) = rest.strip_prefix('{') {
            let inner = group.split('}').next().unwrap_or_default();
            for item in inner.split(',') {
                let name = item.trim().split("::").next().unwrap_or_default().trim();
                used.insert(name.to_string());
            }
        } else {
            let name: String = rest
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                .collect();
            used.insert(name);
        }
    }
    // The crate root's own items are open to all.
    used.retain(|m| m.chars().next().is_some_and(|c| c.is_ascii_lowercase()));
    used
}

#[test]
fn every_module_uses_only_what_its_row_allows() {
    let allowed: BTreeMap<&str, BTreeSet<&str>> = ALLOWED
        .iter()
        .map(|(m, uses)| (*m, uses.iter().copied().collect()))
        .collect();
    let mut files = Vec::new();
    rust_files(&src(), &mut files);
    let mut wrong = Vec::new();
    for file in &files {
        let module = module_of(file);
        if module == "lib" || file.to_string_lossy().ends_with("tests.rs") {
            continue;
        }
        let Some(may_use) = allowed.get(module.as_str()) else {
            wrong.push(format!(
                "{module}: a module with no row in ALLOWED ({})",
                file.display()
            ));
            continue;
        };
        let code = code_of(&std::fs::read_to_string(file).unwrap());
        for used in used_modules(&code) {
            if used != module && !may_use.contains(used.as_str()) {
                let relative = file.strip_prefix(src()).unwrap().display().to_string();
                wrong.push(format!("{module} → {used} (in {relative})"));
            }
        }
    }
    assert!(
        wrong.is_empty(),
        "arrows outside the allow-list:\n{}",
        wrong.join("\n")
    );
}

#[test]
fn the_app_and_the_cli_use_only_the_surface_and_data_types() {
    let adapters = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let mut files = Vec::new();
    rust_files(&adapters.join("app"), &mut files);
    rust_files(&adapters.join("cli/src"), &mut files);
    assert!(files.len() > 5, "the adapters' sources were not found");
    let mut wrong = Vec::new();
    for file in &files {
        let code = code_of(&std::fs::read_to_string(file).unwrap());
        for used in used_under(&code, "loopstudio_core::") {
            if !ADAPTERS_MAY_USE.contains(&used.as_str()) {
                wrong.push(format!("{} uses loopstudio_core::{used}", file.display()));
            }
        }
    }
    assert!(
        wrong.is_empty(),
        "the adapters reach past the surface:\n{}",
        wrong.join("\n")
    );
}

#[test]
fn no_core_error_is_a_bare_string() {
    // Each area has its own error type (thiserror) with a conversion into ApiError.
    let mut files = Vec::new();
    rust_files(&src(), &mut files);
    let mut bare = Vec::new();
    for file in &files {
        if file.to_string_lossy().ends_with("tests.rs") {
            continue;
        }
        let code = code_of(&std::fs::read_to_string(file).unwrap());
        for line in code.lines() {
            let squeezed: String = line.split_whitespace().collect();
            if squeezed.contains("Result<") && squeezed.contains(",String>") {
                bare.push(format!("{}: {}", file.display(), line.trim()));
            }
        }
    }
    assert!(
        bare.is_empty(),
        "errors as bare strings:\n{}",
        bare.join("\n")
    );
}

#[test]
fn no_core_source_file_passes_the_line_limit() {
    let mut files = Vec::new();
    rust_files(&src(), &mut files);
    let long: Vec<String> = files
        .iter()
        .filter_map(|f| {
            let lines = std::fs::read_to_string(f).unwrap().lines().count();
            (lines > MAX_LINES).then(|| format!("{} has {lines} lines", f.display()))
        })
        .collect();
    assert!(
        long.is_empty(),
        "over {MAX_LINES} lines: split them by what they do:\n{}",
        long.join("\n")
    );
}

#[test]
fn the_arrow_reader_sees_single_grouped_and_spelled_out_uses() {
    let code = "use crate::check::RunContext;\nuse crate::{store, model::Device};\nlet x = crate::report::diagnose::tcp(a);\nlet e = crate::ApiError::new();";
    let used: Vec<String> = used_modules(code).into_iter().collect();
    assert_eq!(used, ["check", "model", "report", "store"]);
    assert_eq!(
        code_of("use crate::a; // crate::b\n#[cfg(test)]\nuse crate::c;").trim(),
        "use crate::a;"
    );
}
