use super::*;
use crate::codec::senml::{self, Record, SenmlValue};
use crate::codec::tlv;

fn request(code: RequestType, path: &str, format: Option<u16>, payload: Vec<u8>) -> Packet {
    let mut p = Packet::new();
    p.header.code = MessageClass::Request(code);
    for s in path.split('/').filter(|s| !s.is_empty()) {
        p.add_option(CoapOption::UriPath, s.as_bytes().to_vec());
    }
    if let Some(f) = format {
        p.add_option(CoapOption::ContentFormat, f.to_be_bytes().to_vec());
    }
    p.payload = payload;
    p
}

fn security_tlv() -> Vec<u8> {
    tlv::encode(&[
        tlv::resource(0, b"coaps://127.0.0.1:5684".to_vec()),
        tlv::resource(1, vec![0]),
        tlv::resource(2, tlv::int_bytes(0)),
        tlv::resource(3, b"meter-1".to_vec()),
        tlv::resource(5, b"s3cret".to_vec()),
        tlv::resource(10, tlv::int_bytes(101)),
    ])
}

fn server_senml() -> Vec<u8> {
    senml::encode_json(
        &[
            Record::new("/1/0/0", SenmlValue::Number(101.0)),
            Record::new("/1/0/1", SenmlValue::Number(300.0)),
            Record::new("/1/0/7", SenmlValue::Text("U".into())),
        ],
        "/1/0/",
    )
}

#[test]
fn a_full_bootstrap_provisions_a_psk_server() {
    let mut store = BootstrapStore::default();
    let (answer, op) = store.handle(&request(RequestType::Delete, "/", None, vec![]));
    assert_eq!(
        (op.operation.as_str(), op.code.as_str()),
        ("Delete", "2.02 Deleted")
    );
    assert_eq!(
        answer.header.code,
        MessageClass::Response(ResponseType::Deleted)
    );
    let (_, op) = store.handle(&request(
        RequestType::Put,
        "/0/1",
        Some(cf::TLV),
        security_tlv(),
    ));
    assert_eq!(op.code, "2.04 Changed");
    assert!(op
        .resources
        .iter()
        .any(|r| r == "/0/1/0 LWM2M Server URI = coaps://127.0.0.1:5684"));
    assert!(op
        .resources
        .iter()
        .any(|r| r.contains("Secret Key (6 bytes, not shown)")));
    assert!(!op.resources.iter().any(|r| r.contains("s3cret")));
    let (_, op) = store.handle(&request(
        RequestType::Put,
        "/1/0",
        Some(cf::SENML_JSON),
        server_senml(),
    ));
    assert_eq!(op.code, "2.04 Changed");
    let (_, op) = store.handle(&request(RequestType::Post, "/bs", None, vec![]));
    assert_eq!(
        (op.operation.as_str(), op.code.as_str()),
        ("Finish", "2.04 Changed")
    );
    let provisioned = store.provisioned().unwrap();
    assert_eq!(provisioned.view.server_uri, "coaps://127.0.0.1:5684");
    assert_eq!(provisioned.view.psk_identity.as_deref(), Some("meter-1"));
    assert_eq!(provisioned.view.psk_key_bytes, Some(6));
    assert_eq!(
        (
            provisioned.view.lifetime_s,
            provisioned.view.binding.as_deref()
        ),
        (Some(300), Some("U"))
    );
    assert_eq!(
        (provisioned.host.as_str(), provisioned.port),
        ("127.0.0.1", 5684)
    );
    assert!(!serde_json::to_string(&provisioned.view)
        .unwrap()
        .contains("s3cret"));
}

#[test]
fn discover_read_and_refusals() {
    let mut store = BootstrapStore::default();
    store.handle(&request(
        RequestType::Put,
        "/0/1",
        Some(cf::TLV),
        security_tlv(),
    ));
    let mut discover = request(RequestType::Get, "/", None, vec![]);
    discover.add_option(CoapOption::Accept, vec![cf::LINK_FORMAT as u8]);
    let (answer, op) = store.handle(&discover);
    assert_eq!(op.operation, "Discover");
    assert_eq!(
        String::from_utf8(answer.payload).unwrap(),
        "</>;lwm2m=1.1,</0/1>,</3/0>"
    );
    let (_, op) = store.handle(&request(RequestType::Get, "/0/1", None, vec![]));
    assert_eq!(op.code, "2.05 Content");
    let (_, op) = store.handle(&request(RequestType::Put, "/3/0", Some(cf::TLV), vec![]));
    assert_eq!(op.code, "4.05 MethodNotAllowed");
    let (answer, op) = store.handle(&request(
        RequestType::Put,
        "/0/2",
        Some(cf::TLV),
        vec![0xC8],
    ));
    assert_eq!(op.code, "4.00 BadRequest");
    assert!(String::from_utf8(answer.payload).unwrap().contains("TLV"));
    store.handle(&request(RequestType::Delete, "/0", None, vec![]));
    assert!(store.instances.is_empty());
}

#[test]
fn unusable_provisioning_is_explained() {
    let store = BootstrapStore::default();
    assert!(store
        .provisioned()
        .unwrap_err()
        .to_string()
        .contains("no Security instance"));
    let mut store = BootstrapStore::default();
    let nosec_with_coaps = tlv::encode(&[
        tlv::resource(0, b"coaps://h:5684".to_vec()),
        tlv::resource(1, vec![0]),
        tlv::resource(2, tlv::int_bytes(3)),
    ]);
    store.handle(&request(
        RequestType::Put,
        "/0/0",
        Some(cf::TLV),
        nosec_with_coaps,
    ));
    assert!(store
        .provisioned()
        .unwrap_err()
        .to_string()
        .contains("security mode 3 with a coaps://"));
    let mut store = BootstrapStore::default();
    let only_bootstrap = tlv::encode(&[
        tlv::resource(0, b"coap://bs".to_vec()),
        tlv::resource(1, vec![1]),
    ]);
    store.handle(&request(
        RequestType::Put,
        "/0/0",
        Some(cf::TLV),
        only_bootstrap,
    ));
    assert!(store.provisioned().is_err());
    assert_eq!(
        crate::codec::coap_text::uri_text(&bootstrap_request("m")),
        "/bs?ep=m"
    );
}
