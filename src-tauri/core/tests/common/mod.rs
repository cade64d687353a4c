//! What several of the core's integration tests share.

/// A file of `tests/fixtures` (test-only certificates and keys), as text.
pub fn fixture(name: &str) -> String {
    std::fs::read_to_string(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/fixtures")
            .join(name),
    )
    .unwrap()
}
