//! What several of the core's integration tests share.

use loopstudio_core::catalog::{TemplateKind, ValueType};
use loopstudio_core::model::TemplateInstance;

/// A file of `tests/fixtures` (test-only certificates and keys), as text.
pub fn fixture(name: &str) -> String {
    std::fs::read_to_string(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/fixtures")
            .join(name),
    )
    .unwrap()
}

// Not every test file that shares this module uses every helper.
#[allow(dead_code)]
/// `kind`'s canonical body with every field filled in and its server at 127.0.0.1:`port`.
pub fn filled_template(kind: TemplateKind, port: u16) -> TemplateInstance {
    let mut body = kind.canonical_body();
    for field in kind.spec().fields {
        let value = match field.value_type {
            ValueType::Host => "127.0.0.1".to_string(),
            ValueType::Port => port.to_string(),
            ValueType::Bool => "false".into(),
            ValueType::Hex => "73336372".into(),
            ValueType::Pem if field.key == "otaCert" || field.key == "otaPrivateKey" => {
                String::new()
            }
            ValueType::Pem => fixture("ca.pem"),
            ValueType::Url if field.key == "httpUrl" => format!("http://127.0.0.1:{port}/p"),
            ValueType::Url => format!("https://127.0.0.1:{port}/DEFAULT"),
            ValueType::Text | ValueType::Topic => "hostile-test".into(),
        };
        body.insert(field.key.into(), value.into());
    }
    TemplateInstance { kind, body }
}
