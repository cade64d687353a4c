use super::*;
use crate::report::Step;
use serde_json::json;

fn check(verdict: Verdict, code: DiagnosisCode, endpoint: &str, steps: &[(&str, bool)]) -> Check {
    Check {
        kind: "x".into(),
        template: None,
        endpoint: endpoint.into(),
        verdict,
        code,
        hint: String::new(),
        evidence: String::new(),
        reproduce: String::new(),
        elapsed_ms: 1.0,
        steps: steps
            .iter()
            .map(|(name, ok)| Step {
                name: (*name).into(),
                ok: *ok,
                elapsed_ms: 1.0,
                detail: json!({}),
            })
            .collect(),
        port: None,
        transport: None,
        service: None,
        state: None,
    }
}

fn way(kind: TemplateKind, port: u16, via: Route, state: Reach, extra: bool) -> Way {
    Way {
        kind,
        host: "mqtt.acme.example".into(),
        port,
        transport: kind.spec().transport,
        via,
        state,
        code: match state {
            Reach::Reachable => DiagnosisCode::Ok,
            Reach::Blocked => DiagnosisCode::TcpTimeout,
            Reach::Failed => DiagnosisCode::MqttNotAuthorized,
        },
        extra,
    }
}

#[test]
fn a_check_is_blocked_only_when_nothing_past_the_opening_rungs_answered() {
    let refused = check(
        Verdict::Fail,
        DiagnosisCode::TcpRefused,
        "h:1883",
        &[("dns", true), ("tcp", false)],
    );
    assert_eq!(reach(&refused), Reach::Blocked);
    let denied = check(
        Verdict::Fail,
        DiagnosisCode::ProxyDenied,
        "h:1883",
        &[("proxy", false)],
    );
    assert_eq!(
        (reach(&denied), route(&denied)),
        (Reach::Blocked, Route::Proxy)
    );
    // The DTLS handshake went through: a CoAP silence after it is not the network.
    let silent_after_dtls = check(
        Verdict::Fail,
        DiagnosisCode::CoapNoReply,
        "h:5684/udp",
        &[
            ("dns", true),
            ("udp", true),
            ("dtls", true),
            ("ping", false),
        ],
    );
    assert_eq!(reach(&silent_after_dtls), Reach::Failed);
    let silent = check(
        Verdict::Fail,
        DiagnosisCode::DtlsNoReply,
        "h:5684/udp",
        &[("dns", true), ("udp", true), ("dtls", false)],
    );
    assert_eq!(reach(&silent), Reach::Blocked);
    let credentials = check(
        Verdict::Fail,
        DiagnosisCode::MqttNotAuthorized,
        "h:8883",
        &[
            ("dns", true),
            ("tcp", true),
            ("tls", true),
            ("mqtt-connect", false),
        ],
    );
    assert_eq!(reach(&credentials), Reach::Failed);
    let warned = check(Verdict::Warn, DiagnosisCode::ClockSkew, "h:8883", &[]);
    assert_eq!(reach(&warned), Reach::Reachable);
}

#[test]
fn endpoints_of_every_shape_give_host_and_port() {
    assert_eq!(
        host_and_port("mqtt.acme:8883"),
        Some(("mqtt.acme".into(), 8883))
    );
    assert_eq!(host_and_port("::1:8883"), Some(("::1".into(), 8883)));
    assert_eq!(host_and_port("[::1]:5684/udp"), Some(("::1".into(), 5684)));
    assert_eq!(
        host_and_port("https://ota.acme/DEFAULT/controller/v1/x"),
        Some(("ota.acme".into(), 443))
    );
    assert_eq!(
        host_and_port("http://h:8080/mqtt/publish"),
        Some(("h".into(), 8080))
    );
    assert_eq!(host_and_port(""), None);
    assert_eq!(host_and_port("h:notaport"), None);
    let no_server = check(Verdict::Fail, DiagnosisCode::InputInvalid, "", &[]);
    assert_eq!(way_of(TemplateKind::MqttTls, &no_server, false), None);
}

#[test]
fn the_issue_s_sentence_another_template_through_the_proxy() {
    let ways = [
        way(
            TemplateKind::MqttTls,
            8883,
            Route::Direct,
            Reach::Blocked,
            false,
        ),
        way(
            TemplateKind::MqttHttps,
            443,
            Route::Proxy,
            Reach::Reachable,
            false,
        ),
    ];
    assert_eq!(
        advice(Service::Mqtt, &ways),
        "TCP 8883 is blocked from this network; MQTT over HTTPS on 443 works through the proxy: \
         use the mqtt-https template, or ask IT to allow outbound TCP 8883 to mqtt.acme.example."
    );
}

#[test]
fn the_same_template_through_the_tunnel_and_direct_ways_come_first() {
    let tunnel = [
        way(
            TemplateKind::MqttTls,
            8883,
            Route::Direct,
            Reach::Blocked,
            false,
        ),
        way(
            TemplateKind::MqttTls,
            8883,
            Route::Proxy,
            Reach::Reachable,
            true,
        ),
    ];
    let words = advice(Service::Mqtt, &tunnel);
    assert!(words.contains("MQTT over TLS on 8883 works through the proxy: send it through the proxy (the project's PROXY_MQTT=true"), "{words}");

    let both = [
        way(
            TemplateKind::MqttTcp,
            1883,
            Route::Direct,
            Reach::Blocked,
            false,
        ),
        way(
            TemplateKind::MqttTls,
            8883,
            Route::Direct,
            Reach::Blocked,
            false,
        ),
        way(
            TemplateKind::MqttHttps,
            443,
            Route::Proxy,
            Reach::Reachable,
            false,
        ),
        way(
            TemplateKind::MqttHttp,
            80,
            Route::Direct,
            Reach::Reachable,
            false,
        ),
    ];
    let words = advice(Service::Mqtt, &both);
    assert!(words.starts_with("TCP 1883 and TCP 8883 are blocked from this network; MQTT over HTTP on 80 works directly: use the mqtt-http template, or ask IT to allow outbound TCP 1883 and 8883 to mqtt.acme.example."), "{words}");
}

#[test]
fn a_proxy_that_refuses_what_works_directly_says_no_proxy() {
    let ways = [
        way(
            TemplateKind::MqttHttps,
            443,
            Route::Proxy,
            Reach::Blocked,
            false,
        ),
        way(
            TemplateKind::MqttHttps,
            443,
            Route::Direct,
            Reach::Reachable,
            true,
        ),
    ];
    let words = advice(Service::Mqtt, &ways);
    assert!(words.starts_with("TCP 443 through the proxy is blocked from this network; MQTT over HTTPS on 443 works directly: let mqtt.acme.example go direct (NO_PROXY"), "{words}");
    assert!(
        words.ends_with("or ask IT to let the proxy open these ports."),
        "{words}"
    );
}

#[test]
fn nothing_through_asks_it_for_each_port_and_udp_replies() {
    let mut lwm2m = way(
        TemplateKind::Lwm2mPsk,
        5684,
        Route::Direct,
        Reach::Blocked,
        false,
    );
    lwm2m.code = DiagnosisCode::DtlsNoReply;
    let plain = way(
        TemplateKind::Lwm2mNosec,
        5683,
        Route::Direct,
        Reach::Blocked,
        true,
    );
    assert_eq!(
        advice(Service::Lwm2m, &[lwm2m, plain]),
        "No way to LwM2M gets through from this network (UDP 5684 and UDP 5683): ask IT to allow \
         outbound UDP 5684 and 5683 to mqtt.acme.example (and its replies)."
    );
}

#[test]
fn through_but_failing_is_not_the_network() {
    let ways = [
        way(
            TemplateKind::MqttTls,
            8883,
            Route::Direct,
            Reach::Blocked,
            false,
        ),
        way(
            TemplateKind::MqttHttps,
            443,
            Route::Direct,
            Reach::Failed,
            false,
        ),
    ];
    let words = advice(Service::Mqtt, &ways);
    assert!(words.contains("MQTT over HTTPS on 443 gets through directly but fails for another reason (MQTT_NOT_AUTHORIZED)"), "{words}");
    let fine = [way(
        TemplateKind::Ota,
        443,
        Route::Direct,
        Reach::Failed,
        false,
    )];
    assert_eq!(
        advice(Service::Ota, &fine),
        "The network lets OTA through (OTA (hawkBit DDI) over HTTPS on 443 answers directly); what fails (MQTT_NOT_AUTHORIZED) is not the path: see that check."
    );
    let works = [way(
        TemplateKind::MqttTls,
        8883,
        Route::Direct,
        Reach::Reachable,
        false,
    )];
    assert_eq!(
        advice(Service::Mqtt, &works),
        "MQTT gets through: MQTT over TLS on 8883 works directly."
    );
}

#[test]
fn the_paths_serialise_in_the_report_s_words() {
    let section = ServicePaths {
        service: Service::Mqtt,
        ways: vec![way(
            TemplateKind::MqttTls,
            8883,
            Route::Proxy,
            Reach::Blocked,
            true,
        )],
        advice: "a".into(),
    };
    let value = serde_json::to_value(&section).unwrap();
    assert_eq!(
        value,
        json!({
            "service": "mqtt",
            "ways": [{
                "kind": "mqtt-tls", "host": "mqtt.acme.example", "port": 8883,
                "transport": "tcp", "via": "proxy", "state": "blocked",
                "code": "TCP_TIMEOUT", "extra": true
            }],
            "advice": "a"
        })
    );
}
