//! amqtt, a real MQTT broker that speaks only 3.1.1 and stays silent on an MQTT 5 CONNECT
//! (rather than refusing or closing), from its own venv (`scripts/setup.sh test`).

use super::peers::{free_tcp_port, wait_for_tcp, Peer};
use std::path::Path;

/// amqtt on 127.0.0.1 with anonymous access; returns it and its port.
pub fn amqtt(dir: &Path) -> (Peer, u16) {
    let port = free_tcp_port();
    let config = dir.join(format!("amqtt-{port}.yaml"));
    std::fs::write(
        &config,
        format!(
            "listeners:\n  default:\n    type: tcp\n    bind: 127.0.0.1:{port}\nplugins:\n  amqtt.plugins.authentication.AnonymousAuthPlugin:\n    allow_anonymous: true\n"
        ),
    )
    .unwrap();
    let program = super::venv("LOOPSTUDIO_AMQTT_VENV", "amqtt-venv").join("bin/amqtt");
    assert!(
        program.exists(),
        "amqtt is missing (run scripts/setup.sh test)"
    );
    let peer = Peer::start(
        "amqtt",
        dir,
        program.to_str().unwrap(),
        &["-c", config.to_str().unwrap()],
    );
    wait_for_tcp(&peer, port);
    (peer, port)
}
