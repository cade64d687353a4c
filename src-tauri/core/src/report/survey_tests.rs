use super::*;
use crate::report::{Check, Step, Verdict};
use serde_json::json;

fn check(
    kind: &str,
    endpoint: &str,
    verdict: Verdict,
    code: DiagnosisCode,
    through: bool,
) -> Check {
    let mut steps = vec![Step {
        name: "tcp".into(),
        ok: through,
        elapsed_ms: 1.0,
        detail: json!({}),
    }];
    if through {
        steps.push(Step {
            name: "mqtt-connect".into(),
            ok: verdict == Verdict::Pass,
            elapsed_ms: 1.0,
            detail: json!({}),
        });
    }
    Check {
        kind: kind.into(),
        template: None,
        endpoint: endpoint.into(),
        verdict,
        code,
        hint: code.hint().into(),
        evidence: String::new(),
        reproduce: String::new(),
        elapsed_ms: 1.0,
        steps,
        port: None,
        transport: None,
        service: None,
        state: None,
    }
}

fn report(checks: Vec<Check>) -> Report {
    Report::new(std::time::UNIX_EPOCH, json!({}), checks)
}

#[test]
fn endpoints_take_the_best_any_device_saw_and_rules_come_from_the_models() {
    let reports = vec![
        (
            "meter-2".to_string(),
            report(vec![
                check(
                    "mqtt-tls",
                    "broker.acme:8883",
                    Verdict::Fail,
                    DiagnosisCode::MqttNotAuthorized,
                    true,
                ),
                check(
                    "lwm2m-psk",
                    "lwm2m.acme:5684/udp",
                    Verdict::Fail,
                    DiagnosisCode::DtlsNoReply,
                    false,
                ),
            ]),
        ),
        (
            "meter-1".to_string(),
            report(vec![check(
                "mqtt-tls",
                "broker.acme:8883",
                Verdict::Pass,
                DiagnosisCode::Ok,
                true,
            )]),
        ),
    ];
    let need = |host: &str, port, transport, kind| {
        (
            "meter-1".to_string(),
            (host.to_string(), port, transport, kind),
        )
    };
    let needs = vec![
        need("lwm2m.acme", 5684, Transport::Udp, TemplateKind::Lwm2mPsk),
        need("broker.acme", 8883, Transport::Tcp, TemplateKind::MqttTls),
        need("broker.acme", 8883, Transport::Tcp, TemplateKind::MqttTls),
        need("ota.acme", 443, Transport::Tcp, TemplateKind::Ota),
    ];
    let addresses: BTreeMap<String, Vec<String>> =
        [("broker.acme".to_string(), vec!["192.0.2.10".to_string()])].into();
    let (endpoints, rules) = assemble(&reports, &needs, &addresses);
    let states: Vec<(&str, u16, Reach)> = endpoints
        .iter()
        .map(|e| (e.host.as_str(), e.port, e.state))
        .collect();
    assert_eq!(
        states,
        [
            ("broker.acme", 8883, Reach::Reachable),
            ("lwm2m.acme", 5684, Reach::Blocked)
        ]
    );
    assert_eq!(endpoints[0].devices, ["meter-1", "meter-2"]);
    assert_eq!(endpoints[0].addresses, ["192.0.2.10"]);
    assert_eq!(endpoints[0].service, "mqtts");
    // One rule per host, port and transport, sorted; OTA never ran, so its state is not a
    // network verdict but a failure to look at.
    let lines: Vec<(&str, u16, &str, Reach)> = rules
        .iter()
        .map(|r| (r.host.as_str(), r.port, r.protocol.as_str(), r.state))
        .collect();
    assert_eq!(
        lines,
        [
            ("broker.acme", 8883, "MQTT over TLS", Reach::Reachable),
            ("lwm2m.acme", 5684, "LwM2M over DTLS", Reach::Blocked),
            (
                "ota.acme",
                443,
                "OTA (hawkBit DDI) over HTTPS",
                Reach::Failed
            ),
        ]
    );
    assert!(rules[1]
        .note
        .as_deref()
        .unwrap()
        .starts_with("replies must come back"));
    assert!(rules[0].note.is_none());
    let summary = summarise(&endpoints);
    assert_eq!(
        (
            summary.endpoints,
            summary.reachable,
            summary.blocked,
            summary.failed
        ),
        (2, 1, 1, 0)
    );
}

#[test]
fn the_csv_has_a_header_one_row_per_rule_and_no_formula() {
    let rule = |host: &str, purpose: &str| FirewallRule {
        host: host.into(),
        addresses: vec!["192.0.2.1".into(), "2001:db8::1".into()],
        port: 8883,
        transport: Transport::Tcp,
        protocol: "MQTT over TLS".into(),
        purpose: purpose.into(),
        direction: "outbound".into(),
        state: Reach::Blocked,
        note: None,
    };
    let csv = rules_csv(&[
        rule("broker.acme", "a, \"quoted\" purpose"),
        rule("b.acme", "=cmd|' /C calc'!A0"),
    ]);
    let lines: Vec<&str> = csv.lines().collect();
    assert_eq!(
        lines[0],
        "direction,host,addresses,port,transport,protocol,purpose,note,state"
    );
    assert_eq!(
        lines[1],
        "outbound,broker.acme,192.0.2.1 2001:db8::1,8883,TCP,MQTT over TLS,\"a, \"\"quoted\"\" purpose\",,blocked"
    );
    assert!(lines[2].contains(",'=cmd|' /C calc'!A0,"), "{}", lines[2]);
    assert_eq!(lines.len(), 3);
}
