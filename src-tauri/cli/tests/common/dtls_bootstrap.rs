//! A LwM2M bootstrap server over DTLS-PSK for the tests, on webrtc-dtls's server role: no
//! packaged bootstrap server exists, and aiocoap cannot send requests from its DTLS server
//! transport (DESIGN.md §6). It is written apart from Loop Studio's own CoAP and LwM2M code —
//! its CoAP is coap-lite, its TLV and SenML are spelled out byte by byte below — so that it
//! checks the client rather than agreeing with it.
//!
//! After a Bootstrap-Request it sends Delete "/", a TLV Write of /0/1 (the server account to
//! provision), a SenML JSON Write of /1/0, and Bootstrap-Finish, each waiting for its ACK.

use coap_lite::{CoapOption, MessageClass, MessageType, Packet, RequestType, ResponseType};
use std::sync::{Arc, Mutex};
use std::time::Duration;
use webrtc_dtls::cipher_suite::CipherSuiteId;
use webrtc_dtls::config::Config;
use webrtc_util::conn::{Conn, Listener};

pub struct DtlsBootstrap {
    pub port: u16,
    pub log: Arc<Mutex<Vec<String>>>,
    runtime: Option<tokio::runtime::Runtime>,
}

impl Drop for DtlsBootstrap {
    fn drop(&mut self) {
        if let Some(runtime) = self.runtime.take() {
            runtime.shutdown_background();
        }
    }
}

impl DtlsBootstrap {
    pub fn log_text(&self) -> String {
        self.log.lock().unwrap().join("\n")
    }
}

/// One TLV resource entry: type byte, 8-bit id, then the length in the type byte (< 8) or in
/// one following byte.
fn tlv(id: u8, value: &[u8]) -> Vec<u8> {
    let mut out = if value.len() < 8 {
        vec![0xC0 | value.len() as u8, id]
    } else {
        vec![0xC8, id, value.len() as u8]
    };
    out.extend_from_slice(value);
    out
}

/// Starts the server on 127.0.0.1 for `identity`/`key`; it provisions `server_uri` with NoSec.
pub fn dtls_bootstrap_server(identity: &str, key: &str, server_uri: &str) -> DtlsBootstrap {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .unwrap();
    let log: Arc<Mutex<Vec<String>>> = Arc::default();
    let (identity, key) = (identity.as_bytes().to_vec(), key.as_bytes().to_vec());
    let config = Config {
        psk: Some(Arc::new(move |offered: &[u8]| {
            if offered == identity.as_slice() {
                Ok(key.clone())
            } else {
                Err(webrtc_dtls::Error::Other("unknown identity".into()))
            }
        })),
        psk_identity_hint: Some(b"loop-studio-test-bootstrap".to_vec()),
        cipher_suites: vec![CipherSuiteId::Tls_Psk_With_Aes_128_Ccm_8],
        ..Default::default()
    };
    let listener = runtime
        .block_on(webrtc_dtls::listener::listen("127.0.0.1:0", config))
        .unwrap();
    let port = runtime.block_on(listener.addr()).unwrap().port();
    let sessions_log = log.clone();
    let uri = server_uri.to_string();
    runtime.spawn(async move {
        loop {
            match listener.accept().await {
                Ok((conn, _)) => {
                    let log = sessions_log.clone();
                    let uri = uri.clone();
                    tokio::spawn(async move { session(conn, &uri, log).await });
                }
                Err(e) => sessions_log
                    .lock()
                    .unwrap()
                    .push(format!("HANDSHAKE FAILED {e}")),
            }
        }
    });
    DtlsBootstrap {
        port,
        log,
        runtime: Some(runtime),
    }
}

async fn receive(conn: &Arc<dyn Conn + Send + Sync>) -> Option<Packet> {
    let mut buf = vec![0u8; 2048];
    let n = tokio::time::timeout(Duration::from_secs(3), conn.recv(&mut buf))
        .await
        .ok()?
        .ok()?;
    Packet::from_bytes(&buf[..n]).ok()
}

/// A request the server sends: method, path, content format, payload.
type Request = (RequestType, &'static [&'static str], Option<u16>, Vec<u8>);

async fn session(
    conn: Arc<dyn Conn + Send + Sync>,
    server_uri: &str,
    log: Arc<Mutex<Vec<String>>>,
) {
    let say = |line: String| log.lock().unwrap().push(line);
    // The Bootstrap-Request.
    let Some(request) = receive(&conn).await else {
        return say("NO REQUEST".into());
    };
    let query: Vec<String> = request
        .get_option(CoapOption::UriQuery)
        .map(|v| {
            v.iter()
                .map(|q| String::from_utf8_lossy(q).into_owned())
                .collect()
        })
        .unwrap_or_default();
    say(format!("BOOTSTRAP-REQUEST {}", query.join("&")));
    let mut ack = Packet::new();
    ack.header.set_type(MessageType::Acknowledgement);
    ack.header.message_id = request.header.message_id;
    ack.header.code = MessageClass::Response(ResponseType::Changed);
    ack.set_token(request.get_token().to_vec());
    let _ = conn.send(&ack.to_bytes().unwrap()).await;

    let mut security = tlv(0, server_uri.as_bytes());
    security.extend(tlv(1, &[0]));
    security.extend(tlv(2, &[3]));
    security.extend(tlv(10, &[101]));
    let server =
        br#"[{"bn":"/1/0/","n":"0","v":101},{"n":"1","v":300},{"n":"7","vs":"U"}]"#.to_vec();
    let steps: [Request; 4] = [
        (RequestType::Delete, &[], None, vec![]),
        (RequestType::Put, &["0", "1"], Some(11542), security),
        (RequestType::Put, &["1", "0"], Some(110), server),
        (RequestType::Post, &["bs"], None, vec![]),
    ];
    for (i, (method, path, format, payload)) in steps.into_iter().enumerate() {
        let mut p = Packet::new();
        p.header.set_type(MessageType::Confirmable);
        p.header.code = MessageClass::Request(method);
        p.header.message_id = 0x4000 + i as u16;
        p.set_token(vec![0xb0, i as u8]);
        for segment in path {
            p.add_option(CoapOption::UriPath, segment.as_bytes().to_vec());
        }
        if let Some(f) = format {
            p.add_option(CoapOption::ContentFormat, f.to_be_bytes().to_vec());
        }
        p.payload = payload;
        let _ = conn.send(&p.to_bytes().unwrap()).await;
        let answer = loop {
            match receive(&conn).await {
                Some(a) if a.header.message_id == p.header.message_id => break Some(a),
                Some(_) => continue,
                None => break None,
            }
        };
        let code = answer
            .map(|a| a.header.code.to_string())
            .unwrap_or_else(|| "no answer".into());
        say(format!("SENT {method:?} /{} -> {code}", path.join("/")));
    }
}
