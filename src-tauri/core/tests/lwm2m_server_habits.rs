//! LwM2M servers differ in habits the specification allows, and a check must not mistake one
//! server's habit for a rule. Eclipse Wakaama's example server answers a CoAP ping (an empty
//! confirmable message) with an empty ACK where libcoap, aiocoap and Leshan send RST; RFC
//! 7252 §4.3 makes either a proof of life. No packaged peer here answers that way, so the
//! server below is scripted (say so: it is a fake for a habit, not for a fault).

mod common;

use coap_lite::{CoapOption, MessageClass, MessageType, Packet, RequestType, ResponseType};
use common::filled_template;
use loopstudio_core::catalog::TemplateKind;
use loopstudio_core::check::{run_templates, RunContext};
use loopstudio_core::report::Verdict;
use std::time::Duration;
use tokio::net::UdpSocket;

/// Answers pings with an empty ACK, Register with 2.01 and Location-Path `rd/5`, Update with
/// 2.04 and De-register with 2.02, as Wakaama's server does.
async fn wakaama_like(socket: UdpSocket) {
    let mut buf = [0u8; 2048];
    while let Ok((n, from)) = socket.recv_from(&mut buf).await {
        let Ok(request) = Packet::from_bytes(&buf[..n]) else {
            continue;
        };
        let mut answer = Packet::new();
        answer.header.set_type(MessageType::Acknowledgement);
        answer.header.message_id = request.header.message_id;
        answer.set_token(request.get_token().to_vec());
        answer.header.code = match request.header.code {
            MessageClass::Empty => MessageClass::Empty,
            MessageClass::Request(RequestType::Post) => {
                let path: Vec<Vec<u8>> = request
                    .get_option(CoapOption::UriPath)
                    .map(|v| v.iter().cloned().collect())
                    .unwrap_or_default();
                if path.len() == 1 {
                    answer.add_option(CoapOption::LocationPath, b"rd".to_vec());
                    answer.add_option(CoapOption::LocationPath, b"5".to_vec());
                    MessageClass::Response(ResponseType::Created)
                } else {
                    MessageClass::Response(ResponseType::Changed)
                }
            }
            MessageClass::Request(RequestType::Delete) => {
                MessageClass::Response(ResponseType::Deleted)
            }
            _ => MessageClass::Response(ResponseType::MethodNotAllowed),
        };
        if request.header.code == MessageClass::Empty {
            answer.set_token(Vec::new());
        }
        let _ = socket.send_to(&answer.to_bytes().unwrap(), from).await;
    }
}

#[tokio::test]
async fn a_ping_answered_with_an_empty_ack_proves_the_server_alive() {
    let socket = UdpSocket::bind("127.0.0.1:0").await.unwrap();
    let port = socket.local_addr().unwrap().port();
    let server = tokio::spawn(wakaama_like(socket));
    let ctx = RunContext::new(Duration::from_millis(1000));
    let template = filled_template(TemplateKind::Lwm2mNosec, port);
    let report = run_templates(&[template], serde_json::json!({}), &ctx, |_| {}).await;
    server.abort();
    let check = &report.checks[0];
    assert_eq!(check.verdict, Verdict::Pass, "{check:#?}");
    let ping = check.steps.iter().find(|s| s.name == "coap-ping").unwrap();
    assert!(ping.ok);
    assert_eq!(ping.detail["reply"], "empty ACK");
    let names: Vec<&str> = check.steps.iter().map(|s| s.name.as_str()).collect();
    assert_eq!(
        names,
        [
            "dns",
            "udp",
            "path-mtu",
            "coap-ping",
            "register",
            "serve-reads",
            "update",
            "deregister"
        ]
    );
}
