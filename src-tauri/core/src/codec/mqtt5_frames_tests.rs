//! Our frames against another implementation: rumqttc's MQTT 5 codec reads what we write and
//! writes what we read, properties and reason codes included.

use super::*;
use bytes::BytesMut;
use rumqttc::v5::mqttbytes::v5::{
    ConnAck, ConnAckProperties, ConnectReturnCode, Packet, PubAck, PubAckReason, Publish,
    PublishProperties, SubAck, SubscribeReasonCode,
};
use rumqttc::v5::mqttbytes::QoS;

fn theirs(bytes: &[u8]) -> Packet {
    Packet::read(&mut BytesMut::from(bytes), None).expect("rumqttc reads it")
}

fn written(packet: Packet) -> Vec<u8> {
    let mut buf = BytesMut::new();
    packet.write(&mut buf, None).expect("rumqttc writes it");
    buf.to_vec()
}

#[test]
fn rumqttc_reads_our_connect_with_and_without_credentials() {
    let with = connect(&Connect {
        client_id: "meter-0042",
        user: "acme",
        password: "s3cret",
        keep_alive_s: 30,
    });
    let Packet::Connect(c, will, login) = theirs(&with) else {
        panic!("not a CONNECT")
    };
    assert_eq!(
        (c.client_id.as_str(), c.keep_alive, c.clean_start),
        ("meter-0042", 30, true)
    );
    assert!(will.is_none());
    let login = login.expect("credentials");
    assert_eq!(
        (login.username.as_str(), login.password.as_str()),
        ("acme", "s3cret")
    );

    let without = connect(&Connect {
        client_id: "anon",
        user: "",
        password: "",
        keep_alive_s: 60,
    });
    let Packet::Connect(c, _, login) = theirs(&without) else {
        panic!("not a CONNECT")
    };
    assert_eq!(c.client_id, "anon");
    assert!(login.is_none());
}

#[test]
fn rumqttc_reads_our_subscribe_publish_and_puback() {
    let Packet::Subscribe(s) = theirs(&subscribe(7, "acme/req", 1)) else {
        panic!("not a SUBSCRIBE")
    };
    assert_eq!((s.pkid, s.filters[0].path.as_str()), (7, "acme/req"));
    assert_eq!(s.filters[0].qos, QoS::AtLeastOnce);

    let Packet::Publish(p) = theirs(&publish("acme/data", Some(9), b"{\"t\":21.5}")) else {
        panic!("not a PUBLISH")
    };
    assert_eq!(
        (p.qos, p.pkid, &p.topic[..], &p.payload[..]),
        (QoS::AtLeastOnce, 9, &b"acme/data"[..], &b"{\"t\":21.5}"[..])
    );
    let Packet::Publish(p) = theirs(&publish("t", None, b"x")) else {
        panic!("not a PUBLISH")
    };
    assert_eq!(p.qos, QoS::AtMostOnce);

    let Packet::PubAck(a) = theirs(&puback(513)) else {
        panic!("not a PUBACK")
    };
    assert_eq!((a.pkid, a.reason), (513, PubAckReason::Success));
    assert!(matches!(theirs(&PINGREQ), Packet::PingReq(_)));
    assert!(matches!(theirs(&DISCONNECT), Packet::Disconnect(_)));
}

#[test]
fn we_read_what_rumqttc_writes_properties_and_all() {
    let connack = written(Packet::ConnAck(ConnAck {
        session_present: false,
        code: ConnectReturnCode::NotAuthorized,
        properties: Some(ConnAckProperties {
            session_expiry_interval: None,
            receive_max: Some(20),
            max_qos: None,
            retain_available: None,
            max_packet_size: None,
            assigned_client_identifier: None,
            topic_alias_max: None,
            reason_string: Some("no".into()),
            user_properties: vec![],
            wildcard_subscription_available: None,
            subscription_identifiers_available: None,
            shared_subscription_available: None,
            server_keep_alive: None,
            response_information: None,
            server_reference: None,
            authentication_method: None,
            authentication_data: None,
        }),
    }));
    assert_eq!(
        decode(&connack, 1024).unwrap(),
        Some((Incoming::ConnAck { reason: 0x87 }, connack.len()))
    );

    let mut publish = Publish::new("acme/req", QoS::AtLeastOnce, "{\"cmd\":\"ping\"}", None);
    publish.pkid = 300;
    publish.properties = Some(PublishProperties {
        response_topic: Some("acme/resp".into()),
        user_properties: vec![("k".into(), "v".into())],
        ..Default::default()
    });
    let bytes = written(Packet::Publish(publish));
    assert_eq!(
        decode(&bytes, 1024).unwrap(),
        Some((
            Incoming::Publish {
                topic: b"acme/req",
                packet_id: Some(300),
                qos: 1,
                payload: b"{\"cmd\":\"ping\"}",
            },
            bytes.len()
        ))
    );

    let mut denied = PubAck::new(12, None);
    denied.reason = PubAckReason::NotAuthorized;
    let bytes = written(Packet::PubAck(denied));
    assert_eq!(
        decode(&bytes, 1024).unwrap().map(|(p, _)| p),
        Some(Incoming::PubAck {
            packet_id: 12,
            reason: 0x87
        })
    );
    let bytes = written(Packet::PubAck(PubAck::new(13, None)));
    assert_eq!(
        decode(&bytes, 1024).unwrap().map(|(p, _)| p),
        Some(Incoming::PubAck {
            packet_id: 13,
            reason: 0
        })
    );

    let bytes = written(Packet::SubAck(SubAck {
        pkid: 4,
        return_codes: vec![SubscribeReasonCode::Success(QoS::AtLeastOnce)],
        properties: None,
    }));
    assert_eq!(
        decode(&bytes, 1024).unwrap().map(|(p, _)| p),
        Some(Incoming::SubAck {
            packet_id: 4,
            reasons: &[1]
        })
    );
}

#[test]
fn a_packet_cut_anywhere_waits_for_more_and_two_packets_come_apart() {
    let one = publish("a/b", Some(1), &[0x55; 300]);
    for cut in 0..one.len() {
        assert_eq!(decode(&one[..cut], 4096).unwrap(), None, "cut at {cut}");
    }
    let mut two = one.clone();
    two.extend_from_slice(&[0xd0, 0x00]);
    let (_, used) = decode(&two, 4096).unwrap().unwrap();
    assert_eq!(used, one.len());
    assert_eq!(
        decode(&two[used..], 4096).unwrap(),
        Some((Incoming::PingResp, 2))
    );
}

#[test]
fn hostile_packets_are_errors_not_panics() {
    // Announces 2 MiB: refused before anything is buffered.
    assert_eq!(
        decode(&[0x30, 0x80, 0x80, 0x80, 0x01], 65_536),
        Err(FrameError::TooLarge(2_097_157))
    );
    assert!(matches!(
        decode(&[0x30, 0xff, 0xff, 0xff, 0xff, 0x01], 65_536),
        Err(FrameError::Malformed(_))
    ));
    // A topic longer than its packet, a QoS 3 publish, properties past the end.
    assert!(decode(&[0x30, 0x03, 0x00, 0x09, b'a'], 64).is_err());
    assert!(decode(&[0x36, 0x02, 0x00, 0x00], 64).is_err());
    assert!(decode(&[0x30, 0x04, 0x00, 0x01, b'a', 0x05], 64).is_err());
    assert!(decode(&[0x20, 0x01, 0x00], 64).is_err());
    assert_eq!(
        decode(&[0xf0, 0x00], 64).unwrap(),
        Some((Incoming::Other { packet_type: 15 }, 2))
    );
}

#[test]
fn decoding_any_bytes_never_panics() {
    // A cheap sweep beside the fuzz target: every two-byte header with short bodies.
    for first in 0..=255u8 {
        for len in 0..=8u8 {
            let mut bytes = vec![first, len];
            bytes.extend((0..len).map(|i| i.wrapping_mul(37)));
            let _ = decode(&bytes, 64);
        }
    }
}
