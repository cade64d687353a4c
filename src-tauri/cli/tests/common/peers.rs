//! Real peers for the connectivity tests, started on 127.0.0.1 on free ports with configs in
//! a temporary folder, and stopped (by their own PID) when dropped: Mosquitto (plain and
//! TLS), nginx (HTTP and HTTPS), libcoap's coap-server (CoAP, and DTLS-PSK on port + 1), and
//! test certificates made with openssl.

use std::net::{TcpListener, TcpStream, UdpSocket};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// A running peer process; killed and reaped on drop.
pub struct Peer {
    pub name: &'static str,
    child: Child,
    pub log: PathBuf,
}

impl Drop for Peer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Peer {
    pub fn start(name: &'static str, dir: &Path, program: &str, args: &[&str]) -> Peer {
        Peer::start_with_env(name, dir, program, args, &[])
    }

    pub fn start_with_env(
        name: &'static str,
        dir: &Path,
        program: &str,
        args: &[&str],
        env: &[(&str, &str)],
    ) -> Peer {
        let log = dir.join(format!("{name}.log"));
        let file = std::fs::File::create(&log).unwrap();
        let child = Command::new(program)
            .args(args)
            .envs(env.iter().copied())
            .current_dir(dir)
            .stdin(Stdio::null())
            .stdout(file.try_clone().unwrap())
            .stderr(file)
            .spawn()
            .unwrap_or_else(|e| panic!("cannot start {program} (run scripts/setup.sh test): {e}"));
        Peer { name, child, log }
    }

    pub fn log_text(&self) -> String {
        std::fs::read_to_string(&self.log).unwrap_or_default()
    }
}

/// `N` distinct free ports: all held open until all are picked, so the OS cannot hand out one
/// twice (it reuses a port just released).
pub fn free_tcp_ports<const N: usize>() -> [u16; N] {
    let listeners: Vec<TcpListener> = (0..N)
        .map(|_| TcpListener::bind("127.0.0.1:0").unwrap())
        .collect();
    std::array::from_fn(|i| listeners[i].local_addr().unwrap().port())
}

pub fn free_tcp_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// A UDP port `p` with `p + 1` free too (coap-server serves DTLS on the next port).
pub fn free_udp_pair() -> u16 {
    loop {
        let a = UdpSocket::bind("127.0.0.1:0").unwrap();
        let port = a.local_addr().unwrap().port();
        if port < 65000 && UdpSocket::bind(("127.0.0.1", port + 1)).is_ok() {
            return port;
        }
    }
}

pub fn wait_for_tcp(peer: &Peer, port: u16) {
    wait_for_tcp_at(peer, std::net::SocketAddr::from(([127, 0, 0, 1], port)));
}

/// Waits until `addr` accepts connections (a peer bound to ::1, say).
pub fn wait_for_tcp_at(peer: &Peer, addr: std::net::SocketAddr) {
    let deadline = Instant::now() + Duration::from_secs(10);
    while Instant::now() < deadline {
        if TcpStream::connect(addr).is_ok() {
            return;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    panic!(
        "{} did not listen on {addr}:\n{}",
        peer.name,
        peer.log_text()
    );
}

/// A CA and a server certificate for localhost / 127.0.0.1 signed by it.
pub struct Certs {
    pub ca: PathBuf,
    pub cert: PathBuf,
    pub key: PathBuf,
}

fn openssl(dir: &Path, args: &[&str]) {
    let out = Command::new("openssl")
        .args(args)
        .current_dir(dir)
        .output()
        .expect("openssl runs");
    assert!(
        out.status.success(),
        "openssl {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

pub fn certs(dir: &Path) -> Certs {
    let ec = [
        "-newkey",
        "ec",
        "-pkeyopt",
        "ec_paramgen_curve:prime256v1",
        "-nodes",
    ];
    let mut ca = vec!["req", "-x509"];
    ca.extend_from_slice(&ec);
    ca.extend_from_slice(&[
        "-keyout",
        "ca.key",
        "-out",
        "ca.pem",
        "-days",
        "30",
        "-subj",
        "/CN=Loop Studio Test CA",
    ]);
    openssl(dir, &ca);
    let mut csr = vec!["req"];
    csr.extend_from_slice(&ec);
    csr.extend_from_slice(&[
        "-keyout",
        "server.key",
        "-out",
        "server.csr",
        "-subj",
        "/CN=localhost",
    ]);
    openssl(dir, &csr);
    std::fs::write(
        dir.join("ext.cnf"),
        "subjectAltName=DNS:localhost,IP:127.0.0.1\n",
    )
    .unwrap();
    openssl(
        dir,
        &[
            "x509",
            "-req",
            "-in",
            "server.csr",
            "-CA",
            "ca.pem",
            "-CAkey",
            "ca.key",
            "-CAcreateserial",
            "-out",
            "server.pem",
            "-days",
            "30",
            "-extfile",
            "ext.cnf",
        ],
    );
    Certs {
        ca: dir.join("ca.pem"),
        cert: dir.join("server.pem"),
        key: dir.join("server.key"),
    }
}

/// Mosquitto with an anonymous plain listener and a TLS listener.
pub fn mosquitto(dir: &Path, certs: &Certs) -> (Peer, u16, u16) {
    let [plain, tls] = free_tcp_ports();
    // `user root` keeps it from dropping to the mosquitto user, who could not read the
    // test's private folder.
    let config = format!(
        "user root\nlog_dest stderr\nlistener {plain} 127.0.0.1\nallow_anonymous true\nlistener {tls} 127.0.0.1\nallow_anonymous true\ncafile {}\ncertfile {}\nkeyfile {}\n",
        certs.ca.display(), certs.cert.display(), certs.key.display()
    );
    std::fs::write(dir.join("mosquitto.conf"), config).unwrap();
    let peer = Peer::start("mosquitto", dir, "mosquitto", &["-c", "mosquitto.conf"]);
    wait_for_tcp(&peer, plain);
    wait_for_tcp(&peer, tls);
    (peer, plain, tls)
}

/// nginx answering 204 over HTTP and 200 over HTTPS, in the foreground, one process.
pub fn nginx(dir: &Path, certs: &Certs) -> (Peer, u16, u16) {
    let [http, https] = free_tcp_ports();
    let d = dir.display();
    let config = format!(
        "daemon off;\nmaster_process off;\npid {d}/nginx.pid;\nerror_log stderr;\nevents {{}}\nhttp {{\n access_log off;\n client_body_temp_path {d}/body;\n proxy_temp_path {d}/proxy;\n fastcgi_temp_path {d}/fastcgi;\n uwsgi_temp_path {d}/uwsgi;\n scgi_temp_path {d}/scgi;\n server {{ listen 127.0.0.1:{http}; location / {{ return 204; }} }}\n server {{ listen 127.0.0.1:{https} ssl; ssl_certificate {}; ssl_certificate_key {}; ssl_protocols TLSv1.2 TLSv1.3; location / {{ return 200 'ok'; }} }}\n}}\n",
        certs.cert.display(), certs.key.display()
    );
    std::fs::write(dir.join("nginx.conf"), config).unwrap();
    let conf = dir.join("nginx.conf");
    let peer = Peer::start(
        "nginx",
        dir,
        "nginx",
        &["-c", conf.to_str().unwrap(), "-p", dir.to_str().unwrap()],
    );
    wait_for_tcp(&peer, http);
    wait_for_tcp(&peer, https);
    (peer, http, https)
}

/// nginx terminating TLS (the test CA's localhost certificate) in front of a plain HTTP
/// service on 127.0.0.1:`upstream`; a closed upstream makes nginx answer 502 itself, and
/// `/moved` answers a 301 to `/mqtt/publish`.
pub fn nginx_https_proxy(dir: &Path, certs: &Certs, upstream: u16) -> (Peer, u16) {
    let home = dir.join(format!("nginx-proxy-{upstream}"));
    std::fs::create_dir_all(&home).unwrap();
    let https = free_tcp_port();
    let d = home.display();
    let config = format!(
        "daemon off;\nmaster_process off;\npid {d}/nginx.pid;\nerror_log stderr;\nevents {{}}\nhttp {{\n access_log off;\n client_body_temp_path {d}/body;\n proxy_temp_path {d}/proxy;\n fastcgi_temp_path {d}/fastcgi;\n uwsgi_temp_path {d}/uwsgi;\n scgi_temp_path {d}/scgi;\n server {{ listen 127.0.0.1:{https} ssl; ssl_certificate {}; ssl_certificate_key {}; ssl_protocols TLSv1.2 TLSv1.3; location / {{ proxy_pass http://127.0.0.1:{upstream}; }} location /moved {{ return 301 /mqtt/publish; }} }}\n}}\n",
        certs.cert.display(), certs.key.display()
    );
    let conf = home.join("nginx.conf");
    std::fs::write(&conf, config).unwrap();
    let peer = Peer::start(
        "nginx-proxy",
        &home,
        "nginx",
        &["-c", conf.to_str().unwrap(), "-p", home.to_str().unwrap()],
    );
    wait_for_tcp(&peer, https);
    (peer, https)
}

/// libcoap's coap-server (OpenSSL build): CoAP on the returned port, DTLS-PSK on port + 1.
pub fn coap_server(dir: &Path, psk: &str) -> (Peer, u16) {
    let port = free_udp_pair();
    let port_text = port.to_string();
    let peer = Peer::start(
        "coap-server",
        dir,
        "coap-server-openssl",
        &["-A", "127.0.0.1", "-p", &port_text, "-k", psk],
    );
    // UDP has no handshake to wait for: give the server a moment, then check it lives.
    std::thread::sleep(Duration::from_millis(300));
    (peer, port)
}

/// A fake for a fault no real peer here produces: a TCP port that accepts and never speaks.
/// tinyproxy on 127.0.0.1 in this namespace, every CONNECT port allowed, no credentials.
pub fn tinyproxy(dir: &Path) -> (Peer, u16) {
    let port = free_tcp_port();
    let conf = dir.join(format!("tinyproxy-{port}.conf"));
    std::fs::write(
        &conf,
        format!("Port {port}\nListen 127.0.0.1\nAllow 127.0.0.1\nUser nobody\nGroup nogroup\nTimeout 10\nMaxClients 20\nLogLevel Info\n"),
    )
    .unwrap();
    let peer = Peer::start(
        "tinyproxy",
        dir,
        "tinyproxy",
        &["-d", "-c", conf.to_str().unwrap()],
    );
    wait_for_tcp(&peer, port);
    (peer, port)
}

pub fn silent_tcp() -> (TcpListener, u16) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    (listener, port)
}

/// A server certificate signed by the test CA for the given SANs (`DNS:x`, `IP:y`).
pub fn server_cert(dir: &Path, name: &str, sans: &str) -> (PathBuf, PathBuf) {
    let key = format!("{name}.key");
    let csr = format!("{name}.csr");
    let pem = format!("{name}.pem");
    openssl(
        dir,
        &[
            "req",
            "-newkey",
            "ec",
            "-pkeyopt",
            "ec_paramgen_curve:prime256v1",
            "-nodes",
            "-keyout",
            &key,
            "-out",
            &csr,
            "-subj",
            &format!("/CN={name}"),
        ],
    );
    std::fs::write(
        dir.join(format!("{name}.cnf")),
        format!("subjectAltName={sans}\n"),
    )
    .unwrap();
    openssl(
        dir,
        &[
            "x509",
            "-req",
            "-in",
            &csr,
            "-CA",
            "ca.pem",
            "-CAkey",
            "ca.key",
            "-CAcreateserial",
            "-out",
            &pem,
            "-days",
            "30",
            "-extfile",
            &format!("{name}.cnf"),
        ],
    );
    (dir.join(pem), dir.join(key))
}

/// A second, unrelated CA (one the device does not trust the broker's certificate with).
pub fn other_ca(dir: &Path) -> PathBuf {
    openssl(
        dir,
        &[
            "req",
            "-x509",
            "-newkey",
            "ec",
            "-pkeyopt",
            "ec_paramgen_curve:prime256v1",
            "-nodes",
            "-keyout",
            "other-ca.key",
            "-out",
            "other-ca.pem",
            "-days",
            "30",
            "-subj",
            "/CN=Some Other CA",
        ],
    );
    dir.join("other-ca.pem")
}

/// Mosquitto with a password file and an ACL: a plain listener, a TLS listener with the
/// good certificate, and a TLS listener whose certificate names another host.
pub struct SecuredBroker {
    pub peer: Peer,
    pub plain: u16,
    pub tls: u16,
    pub tls_wrong_host: u16,
    /// TLS with the good certificate, demanding a client certificate from the test CA.
    pub tls_client_cert: u16,
    /// The same, limited to TLS 1.2 (which refuses inside the handshake, not after it).
    pub tls12_client_cert: u16,
}

pub fn mosquitto_secured(
    dir: &Path,
    certs: &Certs,
    users: &[(&str, &str)],
    acl: &str,
) -> SecuredBroker {
    let passwords = dir.join("passwords");
    for (i, (user, password)) in users.iter().enumerate() {
        let mut args = vec!["-b"];
        if i == 0 {
            args.insert(0, "-c");
        }
        let out = Command::new("mosquitto_passwd")
            .args(&args)
            .arg(&passwords)
            .args([user, password])
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "mosquitto_passwd: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    std::fs::write(dir.join("acl"), acl).unwrap();
    let (other_cert, other_key) = server_cert(dir, "other.example", "DNS:other.example");
    let [plain, tls, wrong, mutual, mutual12] = free_tcp_ports();
    let config = format!(
        "user root\nlog_dest stderr\nper_listener_settings false\nallow_anonymous false\npassword_file {}\nacl_file {}\n\
         listener {plain} 127.0.0.1\n\
         listener {tls} 127.0.0.1\ncafile {}\ncertfile {}\nkeyfile {}\n\
         listener {wrong} 127.0.0.1\ncafile {}\ncertfile {}\nkeyfile {}\n\
         listener {mutual} 127.0.0.1\ncafile {}\ncertfile {}\nkeyfile {}\nrequire_certificate true\n\
         listener {mutual12} 127.0.0.1\ncafile {}\ncertfile {}\nkeyfile {}\nrequire_certificate true\ntls_version tlsv1.2\n",
        passwords.display(),
        dir.join("acl").display(),
        certs.ca.display(), certs.cert.display(), certs.key.display(),
        certs.ca.display(), other_cert.display(), other_key.display(),
        certs.ca.display(), certs.cert.display(), certs.key.display(),
        certs.ca.display(), certs.cert.display(), certs.key.display(),
    );
    std::fs::write(dir.join("secured.conf"), config).unwrap();
    let peer = Peer::start(
        "mosquitto-secured",
        dir,
        "mosquitto",
        &["-c", "secured.conf"],
    );
    for port in [plain, tls, wrong, mutual, mutual12] {
        wait_for_tcp(&peer, port);
    }
    SecuredBroker {
        peer,
        plain,
        tls,
        tls_wrong_host: wrong,
        tls_client_cert: mutual,
        tls12_client_cert: mutual12,
    }
}

/// Reads one MQTT packet: its first header byte and its body (up to 64 KiB).
fn read_packet(stream: &mut TcpStream) -> Option<(u8, Vec<u8>)> {
    use std::io::Read;
    let mut first = [0u8; 1];
    stream.read_exact(&mut first).ok()?;
    let (mut length, mut shift) = (0usize, 0);
    loop {
        let mut byte = [0u8; 1];
        stream.read_exact(&mut byte).ok()?;
        length |= usize::from(byte[0] & 0x7f) << shift;
        shift += 7;
        if byte[0] & 0x80 == 0 || shift > 21 {
            break;
        }
    }
    let mut body = vec![0u8; length.min(64 * 1024)];
    stream.read_exact(&mut body).ok()?;
    Some((first[0], body))
}

/// A scripted MQTT 5 broker for faults Mosquitto never produces (DESIGN.md §7): it answers
/// every CONNECT with a CONNACK carrying `reason` and closes. Mosquitto says "not authorised"
/// (135) for a wrong password and for a refused client id, never 134 or 133.
pub fn fake_broker_refusing(reason: u8) -> u16 {
    use std::io::Write;
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(mut stream) = stream else { continue };
            let _ = stream.set_read_timeout(Some(Duration::from_secs(2)));
            if read_packet(&mut stream).is_none() {
                continue;
            }
            let _ = stream.write_all(&[0x20, 0x03, 0x00, reason, 0x00]);
        }
    });
    port
}

/// A scripted hostile broker: it accepts every CONNECT, then announces a 200 MiB PUBLISH and
/// holds the connection open without sending it. Returns its port and how many connections
/// it has taken.
pub fn fake_broker_announcing_a_huge_publish() -> (u16, std::sync::Arc<std::sync::atomic::AtomicU32>)
{
    use std::io::Write;
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let connections = std::sync::Arc::new(std::sync::atomic::AtomicU32::new(0));
    let counted = connections.clone();
    std::thread::spawn(move || {
        let mut held = Vec::new();
        for stream in listener.incoming() {
            let Ok(mut stream) = stream else { continue };
            let _ = stream.set_read_timeout(Some(Duration::from_secs(2)));
            if read_packet(&mut stream).is_none() {
                continue;
            }
            counted.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
            let _ = stream.write_all(&[0x20, 0x03, 0x00, 0x00, 0x00]);
            let _ = stream.write_all(&[0x30, 0x80, 0x80, 0x80, 0x64]);
            held.push(stream);
        }
    });
    (port, connections)
}

/// A scripted broker that speaks only MQTT 3.1.1 (Mosquitto speaks 5, so it cannot stand in
/// for an old broker): a level-5 CONNECT gets CONNACK "unacceptable protocol version" and
/// the connection closed; a 3.1.1 session gets SUBACK, PUBACK and its own QoS 1 publishes
/// echoed back.
pub fn fake_broker_v311_only() -> u16 {
    v311_broker(false)
}

/// The same broker, but silent on a level-5 CONNECT: it neither answers nor closes. amqtt
/// 0.12 does this to an MQTT 5 CONNECT that carries properties; rumqttc's carries none, so
/// amqtt closes on ours instead and cannot play this fault.
pub fn fake_broker_v311_silent_on_v5() -> u16 {
    v311_broker(true)
}

fn v311_broker(silent_on_v5: bool) -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(stream) = stream else { continue };
            std::thread::spawn(move || v311_session(stream, silent_on_v5));
        }
    });
    port
}

fn v311_session(mut stream: std::net::TcpStream, silent_on_v5: bool) {
    use std::io::{Read, Write};
    let _ = stream.set_read_timeout(Some(Duration::from_secs(5)));
    let Some((0x10, connect)) = read_packet(&mut stream) else {
        return;
    };
    let level = connect.get(6).copied().unwrap_or(0);
    if level != 4 {
        if silent_on_v5 {
            // Hold the connection, say nothing, until the client goes.
            let _ = stream.set_read_timeout(Some(Duration::from_secs(30)));
            let _ = stream.read(&mut [0u8; 64]);
        } else {
            let _ = stream.write_all(&[0x20, 0x02, 0x00, 0x01]);
        }
        return;
    }
    let _ = stream.write_all(&[0x20, 0x02, 0x00, 0x00]);
    while let Some((header, body)) = read_packet(&mut stream) {
        match header >> 4 {
            8 if body.len() >= 2 => {
                let _ = stream.write_all(&[0x90, 0x03, body[0], body[1], 0x01]);
            }
            3 if body.len() >= 2 => {
                let topic_len = usize::from(u16::from_be_bytes([body[0], body[1]]));
                let qos = (header >> 1) & 0x03;
                let pid_at = 2 + topic_len;
                let payload_at = if qos > 0 { pid_at + 2 } else { pid_at };
                if qos > 0 && body.len() >= pid_at + 2 {
                    let _ = stream.write_all(&[0x40, 0x02, body[pid_at], body[pid_at + 1]]);
                }
                // Echo as QoS 0: topic and payload, no packet id.
                let mut echo = body[..pid_at.min(body.len())].to_vec();
                echo.extend_from_slice(body.get(payload_at..).unwrap_or_default());
                let mut packet = vec![0x30];
                let mut len = echo.len();
                loop {
                    let mut byte = (len % 128) as u8;
                    len /= 128;
                    if len > 0 {
                        byte |= 0x80;
                    }
                    packet.push(byte);
                    if len == 0 {
                        break;
                    }
                }
                packet.extend_from_slice(&echo);
                let _ = stream.write_all(&packet);
            }
            12 => {
                let _ = stream.write_all(&[0xd0, 0x00]);
            }
            14 => break,
            _ => {}
        }
    }
}

/// A CA and a server certificate for localhost that expired in 2021, written as
/// `expired-ca.pem`, `expired.pem` and `expired.key` (rcgen: openssl 3.0's CLI cannot
/// back-date a certificate).
pub fn expired_server_cert(dir: &Path) -> (PathBuf, PathBuf, PathBuf) {
    use rcgen::{BasicConstraints, CertificateParams, DnType, IsCa, Issuer, KeyPair};
    let ca_key = KeyPair::generate().unwrap();
    let mut ca_params = CertificateParams::new(Vec::<String>::new()).unwrap();
    ca_params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    ca_params
        .distinguished_name
        .push(DnType::CommonName, "Expired Test CA");
    let ca_cert = ca_params.self_signed(&ca_key).unwrap();
    let issuer = Issuer::new(ca_params, ca_key);
    let key = KeyPair::generate().unwrap();
    let mut params = CertificateParams::new(vec!["localhost".to_string()]).unwrap();
    params
        .distinguished_name
        .push(DnType::CommonName, "localhost");
    params.not_before = rcgen::date_time_ymd(2020, 1, 1);
    params.not_after = rcgen::date_time_ymd(2021, 1, 1);
    let cert = params.signed_by(&key, &issuer).unwrap();
    let paths = (
        dir.join("expired-ca.pem"),
        dir.join("expired.pem"),
        dir.join("expired.key"),
    );
    std::fs::write(&paths.0, ca_cert.pem()).unwrap();
    std::fs::write(&paths.1, cert.pem()).unwrap();
    std::fs::write(&paths.2, key.serialize_pem()).unwrap();
    paths
}

/// Mosquitto with one anonymous TLS listener presenting the expired certificate.
pub fn mosquitto_expired(dir: &Path) -> (Peer, u16, PathBuf) {
    let (ca, cert, key) = expired_server_cert(dir);
    let port = free_tcp_port();
    let config = format!(
        "user root\nlog_dest stderr\nallow_anonymous true\nlistener {port} 127.0.0.1\ncafile {}\ncertfile {}\nkeyfile {}\n",
        ca.display(), cert.display(), key.display()
    );
    std::fs::write(dir.join("expired.conf"), config).unwrap();
    let peer = Peer::start(
        "mosquitto-expired",
        dir,
        "mosquitto",
        &["-c", "expired.conf"],
    );
    wait_for_tcp(&peer, port);
    (peer, port, ca)
}

/// Mosquitto with its dynamic-security plugin: the only way to get a denied SUBSCRIBE out of
/// Mosquitto 2.0 (its `acl_file` grants every subscription and just never delivers). One
/// client `meter` with password `pw1` may publish and subscribe under `acme/#` except
/// `acme/req/meter`, whose SUBSCRIBE gets reason 135 (v5) / 0x80 (3.1.1).
pub fn mosquitto_dynsec(dir: &Path) -> (Peer, u16) {
    // dynsec keeps PBKDF2-HMAC-SHA512 hashes only (a plain password is loaded and then never
    // matches): 101 rounds over the salt bytes 01..0c, 64 bytes, base64 — computed with
    // python3 -c "import hashlib,base64;print(base64.b64encode(hashlib.pbkdf2_hmac(
    // 'sha512',b'pw1',bytes(range(1,13)),101,64)).decode())".
    let dynsec = r#"{
  "clients": [{ "username": "meter", "salt": "AQIDBAUGBwgJCgsM", "iterations": 101,
    "password": "j70//gsCsE/4SqzcGjTQ72bNvngAGMJD1uvRV0DDqYqZGfILOyNi0LyOcg/Dya3Za9IMYRtg7xy6HvraWlWU0w==",
    "roles": [{ "rolename": "meter" }] }],
  "roles": [{ "rolename": "meter", "acls": [
    { "acltype": "subscribePattern", "topic": "acme/req/meter", "priority": 10, "allow": false },
    { "acltype": "publishClientSend", "topic": "acme/#", "allow": true },
    { "acltype": "publishClientReceive", "topic": "acme/#", "allow": true },
    { "acltype": "subscribePattern", "topic": "acme/#", "allow": true } ] }],
  "defaultACLAccess": { "publishClientSend": false, "publishClientReceive": true, "subscribe": false, "unsubscribe": true }
}"#;
    let json = dir.join("dynsec.json");
    std::fs::write(&json, dynsec).unwrap();
    // Debian puts the plugin in the multiarch folder: /usr/lib/<triplet>/.
    let plugin = std::fs::read_dir("/usr/lib")
        .unwrap()
        .flatten()
        .map(|e| e.path().join("mosquitto_dynamic_security.so"))
        .find(|p| p.exists())
        .expect("mosquitto_dynamic_security.so is missing (run scripts/setup.sh test)");
    let plugin = plugin.display();
    let port = free_tcp_port();
    let config = format!(
        "user root\nlog_dest stderr\nper_listener_settings false\nallow_anonymous false\nlistener {port} 127.0.0.1\nplugin {plugin}\nplugin_opt_config_file {}\n",
        json.display()
    );
    std::fs::write(dir.join("dynsec.conf"), config).unwrap();
    let peer = Peer::start("mosquitto-dynsec", dir, "mosquitto", &["-c", "dynsec.conf"]);
    wait_for_tcp(&peer, port);
    // A broken dynsec file does not stop Mosquitto; it refuses everyone instead. Say so.
    assert!(
        !peer.log_text().contains("Error loading Dynamic security"),
        "{}",
        peer.log_text()
    );
    (peer, port)
}

/// Mosquitto started again from the `secured.conf` an earlier [`mosquitto_secured`] wrote in
/// `dir` (the same ports, users and ACL): a broker restart.
pub fn mosquitto_secured_again(dir: &Path, port: u16) -> Peer {
    let peer = Peer::start(
        "mosquitto-secured-again",
        dir,
        "mosquitto",
        &["-c", "secured.conf"],
    );
    wait_for_tcp(&peer, port);
    peer
}
