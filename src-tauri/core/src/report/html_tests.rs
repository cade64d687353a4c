use super::*;
use crate::report::{DiagnosisCode, Step};

fn sample() -> Report {
    let check = Check {
        kind: "mqtt-tls".into(),
        template: Some("MQTT over TLS".into()),
        endpoint: "broker:8883".into(),
        verdict: Verdict::Fail,
        code: DiagnosisCode::TlsUntrustedCa,
        hint: DiagnosisCode::TlsUntrustedCa.hint().into(),
        evidence: "invalid peer certificate: UnknownIssuer <script>".into(),
        reproduce: "openssl s_client -connect broker:8883 -CAfile mqttServerCA.pem".into(),
        elapsed_ms: 12.5,
        steps: vec![
            Step {
                name: "tcp".into(),
                ok: true,
                elapsed_ms: 2.0,
                detail: serde_json::json!({ "connected": "127.0.0.1:8883" }),
            },
            Step {
                name: "tls".into(),
                ok: false,
                elapsed_ms: 10.5,
                detail: serde_json::json!({ "error": "UnknownIssuer", "chain": [
                    { "subject": "CN=broker", "issuer": "CN=Other CA", "sans": ["DNS:broker"],
                      "notBefore": "2026-01-01T00:00:00Z", "notAfter": "2027-01-01T00:00:00Z" } ] }),
            },
        ],
        port: None,
        transport: None,
        service: None,
        state: None,
    };
    Report::new(
        std::time::SystemTime::UNIX_EPOCH,
        serde_json::json!({ "project": "acme", "device": "meter & co" }),
        vec![check],
    )
}

#[test]
fn the_page_has_the_ladder_hint_reproduce_and_chain_and_escapes_text() {
    let html = to_html(&sample());
    assert!(html.starts_with("<!DOCTYPE html>"));
    assert!(html.contains("meter &amp; co"));
    assert!(html.contains("UnknownIssuer &lt;script&gt;"));
    assert!(!html.contains("<script"), "nothing executable in a report");
    assert!(html.contains(&escape(DiagnosisCode::TlsUntrustedCa.hint())));
    assert!(html.contains("openssl s_client -connect broker:8883"));
    assert!(html.contains("<code>tls</code>"));
    assert!(html.contains("CN=Other CA"));
    assert!(html.contains("0 pass") && html.contains("1 fail"));
    assert!(
        !html.contains("http://") && !html.contains("https://"),
        "no remote resources"
    );
}

#[test]
fn coap_messages_are_a_table_and_lists_one_line_each() {
    let mut report = sample();
    report.checks[0].steps[0].detail = serde_json::json!({
        "location": "/rd/1",
        "requests": [{ "method": "GET", "path": "/3/0", "code": "2.05 Content", "bytes": 80 }],
        "messages": [
            { "atMs": 0.5, "direction": "out", "kind": "CON", "code": "0.02 POST", "uri": "/rd?ep=m&lt=300", "payloadBytes": 14, "note": "" },
            { "atMs": 1.5, "direction": "in", "kind": "ACK", "code": "2.01 Created", "uri": "/rd/1", "payloadBytes": 0, "note": "" }
        ]
    });
    let html = to_html(&report);
    assert!(html.contains("<code>/rd?ep=m&amp;lt=300</code>"));
    assert!(html.contains("<td>←</td><td>ACK</td><td>2.01 Created</td>"));
    assert!(html.contains("requests: GET /3/0 2.05 Content 80"));
    assert!(
        !html.contains("\"atMs\""),
        "messages are not dumped as JSON"
    );
}

#[test]
fn the_way_round_and_the_proxy_come_before_the_checks() {
    use crate::report::paths::*;
    let mut report = sample();
    report.proxy = Some(ProxyInUse {
        url: "http://ops:••••••@proxy.acme:3128".into(),
        source: "$HTTPS_PROXY".into(),
        mqtt: false,
    });
    report.paths = Some(vec![ServicePaths {
        service: Service::Mqtt,
        ways: vec![Way {
            kind: crate::catalog::TemplateKind::MqttHttps,
            host: "mqtt.acme<b>".into(),
            port: 443,
            transport: crate::catalog::Transport::Tcp,
            via: Route::Proxy,
            state: Reach::Reachable,
            code: DiagnosisCode::Ok,
            extra: true,
        }],
        advice: "8883 is blocked & 443 works".into(),
    }]);
    let html = to_html(&report);
    let ways = html.find("Ways round").expect("a ways-round section");
    assert!(ways < html.find("<section class=\"check\"><h2><span").unwrap());
    assert!(html.contains(
        "Through the proxy <code>http://ops:••••••@proxy.acme:3128</code> (from $HTTPS_PROXY)"
    ));
    assert!(html.contains("<strong>MQTT</strong>: 8883 is blocked &amp; 443 works"));
    assert!(html.contains("<code>mqtt.acme&lt;b&gt;:443</code></td><td>proxy</td><td class=\"pass\">reachable</td><td>OK</td>"), "{html}");
    assert!(html.contains("(tried to go round)"));
}

#[test]
fn escape_covers_markup_and_quotes() {
    assert_eq!(
        escape("<a href=\"x\">'&'</a>"),
        "&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;"
    );
}
