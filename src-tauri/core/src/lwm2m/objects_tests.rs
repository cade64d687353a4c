use super::*;

fn device() -> Instance {
    Instance::from([
        (0, Value::Text("Loop Studio".into())),
        (1, Value::Text("loopcheck".into())),
        (2, Value::Text("LC-0001".into())),
        (3, Value::Text("0.1.0".into())),
        (9, Value::Integer(100)),
        (13, Value::Time(1_790_000_000)),
        (16, Value::Text("U".into())),
    ])
}

#[test]
fn reads_of_the_device_object_in_every_format_decode_back() {
    let path = Path::from_segments(&["3".into(), "0".into()]).unwrap();
    for format in [
        content_format::TLV,
        content_format::SENML_JSON,
        content_format::SENML_CBOR,
    ] {
        let payload = encode_read(path, &device(), format).unwrap();
        let back = decode_write(path, format, &payload).unwrap();
        assert_eq!(back[&0], device(), "format {format}");
    }
    assert_eq!(
        encode_read(path, &device(), content_format::TEXT),
        None,
        "text holds one resource"
    );
    let one = Path::from_segments(&["3".into(), "0".into(), "9".into()]).unwrap();
    assert_eq!(
        encode_read(one, &device(), content_format::TEXT).unwrap(),
        b"100"
    );
    assert_eq!(
        encode_read(one, &device(), content_format::LWM2M_JSON),
        None
    );
    let missing = Path::from_segments(&["3".into(), "0".into(), "77".into()]).unwrap();
    assert_eq!(encode_read(missing, &device(), content_format::TLV), None);
}

#[test]
fn a_bootstrap_write_of_the_security_object_decodes_by_its_types() {
    let instance = Instance::from([
        (0, Value::Text("coaps://127.0.0.1:5684".into())),
        (1, Value::Boolean(false)),
        (2, Value::Integer(0)),
        (3, Value::Opaque(b"meter-1".to_vec())),
        (5, Value::Opaque(b"secret".to_vec())),
        (10, Value::Integer(101)),
    ]);
    let path = Path {
        object: 0,
        instance: Some(1),
        resource: None,
    };
    let tlv = encode_read(path, &instance, content_format::TLV).unwrap();
    assert_eq!(
        decode_write(
            Path {
                object: 0,
                instance: None,
                resource: None
            },
            content_format::TLV,
            &tlv
        )
        .unwrap()[&1],
        instance
    );
    let json = encode_read(path, &instance, content_format::SENML_JSON).unwrap();
    assert_eq!(
        decode_write(path, content_format::SENML_JSON, &json).unwrap()[&1],
        instance
    );
    assert!(resource(0, 5).unwrap().secret);
}

#[test]
fn plain_text_writes_and_bad_values_are_located() {
    let lifetime = Path {
        object: 1,
        instance: Some(0),
        resource: Some(1),
    };
    assert_eq!(
        decode_write(lifetime, content_format::TEXT, b"300").unwrap()[&0][&1],
        Value::Integer(300)
    );
    let e = decode_write(lifetime, content_format::TEXT, b"soon").unwrap_err();
    assert!(e.0.contains("/1/0/1") && e.0.contains("soon"), "{e}");
    let whole = Path {
        object: 1,
        instance: Some(0),
        resource: None,
    };
    assert!(decode_write(whole, content_format::TEXT, b"1").is_err());
    assert!(decode_write(whole, 9999, b"")
        .unwrap_err()
        .0
        .contains("9999"));
    let outside = br#"[{"n":"/3/0/1","vs":"x"}]"#;
    assert!(decode_write(whole, content_format::SENML_JSON, outside)
        .unwrap_err()
        .0
        .contains("outside"));
}

#[test]
fn paths_parse_from_uri_segments() {
    let p = Path::from_segments(&["3303".into(), "0".into(), "5700".into()]).unwrap();
    assert_eq!(p.to_string(), "/3303/0/5700");
    assert_eq!(Path::from_segments(&["x".into()]), None);
    assert_eq!(Path::from_segments(&[]), None);
    assert_eq!(
        Path::from_segments(&["1".into(), "2".into(), "3".into(), "4".into()]),
        None
    );
}
