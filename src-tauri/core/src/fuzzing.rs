//! Entry points shared by the cargo-fuzz targets (`fuzz/`) and the tests that replay their
//! committed corpus, so that a crash found by the fuzzer stays a regression test.

use crate::interchange::{export_model, parse_json_bytes, parse_model};
use crate::lint::{lint_device, lint_model};
use crate::render::{render_model, Scopes, Variables};

/// Bytes → JSON → model → lint → render → export → parse again. Must never panic, and a
/// model that exports must read back to the same export.
pub fn template_pipeline(data: &[u8]) {
    let Ok(value) = parse_json_bytes("fuzz", data) else {
        return;
    };
    let Ok(document) = parse_model("fuzz", &value) else {
        return;
    };
    let model = document.into_model(None, "fuzz");
    let project: Variables = [
        ("MQTT_HOST", "broker.example"),
        ("MQTT_CLIENT_ID", "c-{device}"),
        ("REMOTE_NETWORK", "7f"),
    ]
    .iter()
    .map(|(k, v)| (k.to_string(), v.to_string()))
    .collect();
    let device: Variables = [("MQTT_PASSWORD", "pw"), ("LWM2M_PSK_VALUE", "abc")]
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    let _ = lint_model(&model, &project);
    let scopes = Scopes::new(&device, &project).for_device("d");
    let _ = lint_device(&model, scopes);
    let _ = render_model(&model, scopes, false);
    let exported = export_model(&model, true);
    let reread = parse_json_bytes("export", exported.as_bytes())
        .and_then(|v| parse_model("export", &v))
        .expect("an export always reads back");
    assert_eq!(
        export_model(&reread.into_model(None, "fuzz"), true),
        exported,
        "export → import → export must be stable"
    );
}

/// The LwM2M codecs on arbitrary bytes: the first byte picks the content format and path a
/// server would send, the rest is the payload. Must never panic; what decodes must encode
/// and decode to the same values.
pub fn lwm2m_payloads(data: &[u8]) {
    use crate::codec::{http_message as http, link_format, senml, tlv};
    use crate::lwm2m::objects::{content_format as cf, decode_write, encode_read, Path};
    let Some((&selector, payload)) = data.split_first() else {
        return;
    };
    if let Ok(entries) = tlv::decode(payload) {
        assert_eq!(tlv::decode(&tlv::encode(&entries)).as_ref(), Ok(&entries));
    }
    if let Ok(text) = std::str::from_utf8(payload) {
        if let Ok(links) = link_format::parse(text) {
            let again = link_format::parse(&link_format::format(&links));
            assert_eq!(again.as_ref(), Ok(&links), "formatted links must read back");
        }
    }
    let _ = senml::decode_json(payload);
    let _ = senml::decode_cbor(payload);
    let _ = crate::codec::dtls_records::records(payload);
    let _ = http::parse_response(payload);
    let _ = http::is_complete(payload);
    let format = [
        cf::TEXT,
        cf::OPAQUE,
        cf::TLV,
        cf::SENML_JSON,
        cf::SENML_CBOR,
    ][usize::from(selector % 5)];
    let object = [0u16, 1, 3, 3303][usize::from((selector >> 3) % 4)];
    let path = Path {
        object,
        instance: Some(0),
        resource: (selector & 0x80 != 0).then_some(1),
    };
    if let Ok(instances) = decode_write(path, format, payload) {
        for (id, instance) in instances {
            let whole = Path {
                object,
                instance: Some(id),
                resource: None,
            };
            if let Some(bytes) = encode_read(whole, &instance, cf::TLV) {
                let back = decode_write(whole, cf::TLV, &bytes).expect("our TLV reads back");
                assert_eq!(back.get(&id), Some(&instance));
            }
        }
    }
}
