//! The OTA test peers: goosebit (a hawkBit DDI server, from the test venv; its SQLite DB made
//! with `aerich upgrade` before the first start, bound to 127.0.0.1 by uvicorn) behind
//! Debian's nginx terminating TLS with `ssl_verify_client on` against a client CA made here,
//! and the client certificates the tests need (made with rcgen: one from the client CA, one
//! from another CA, one that expired in 2021).

use super::lwm2m_peers::peers_venv;
use super::peers::{free_tcp_port, wait_for_tcp, Certs, Peer};
use std::io::{Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

/// goosebit on 127.0.0.1; `env` adds settings (`GOOSEBIT_DEVICE_AUTH__ENABLE=true`).
pub fn goosebit(dir: &Path, env: &[(&str, &str)]) -> (Peer, u16) {
    let home = dir.join(format!("goosebit-{}", free_tcp_port()));
    std::fs::create_dir_all(&home).unwrap();
    let venv = peers_venv();
    let site = Command::new(venv.join("bin/python"))
        .args([
            "-c",
            "import goosebit, os; print(os.path.dirname(goosebit.__file__))",
        ])
        .current_dir(&home)
        .output()
        .expect("goosebit is missing (run scripts/setup.sh test)");
    let package = String::from_utf8_lossy(&site.stdout)
        .lines()
        .last()
        .unwrap_or_default()
        .to_string();
    assert!(
        !package.is_empty(),
        "goosebit is missing: {}",
        String::from_utf8_lossy(&site.stderr)
    );
    // Its DB and artifacts in the test folder (else it writes into its package folder); a
    // poll time unlike the 10 s it gives devices it does not know yet.
    std::fs::write(
        home.join("goosebit.yaml"),
        format!(
            "db_uri: sqlite:///{}/db.sqlite3\nartifacts_dir: {}/artifacts\npoll_time: \"00:00:30\"\n",
            home.display(),
            home.display()
        ),
    )
    .unwrap();
    std::fs::write(
        home.join("pyproject.toml"),
        format!("[tool.aerich]\ntortoise_orm = \"goosebit.db.config.TORTOISE_CONF\"\nlocation = \"{package}/db/migrations\"\nsrc_folder = \"./.\"\n"),
    )
    .unwrap();
    let migrated = Command::new(venv.join("bin/aerich"))
        .arg("upgrade")
        .current_dir(&home)
        .output()
        .unwrap();
    assert!(
        migrated.status.success(),
        "aerich upgrade: {}",
        String::from_utf8_lossy(&migrated.stderr)
    );
    let port = free_tcp_port();
    let port_text = port.to_string();
    let uvicorn = venv.join("bin/uvicorn");
    let peer = Peer::start_with_env(
        "goosebit",
        &home,
        uvicorn.to_str().unwrap(),
        &["goosebit:app", "--host", "127.0.0.1", "--port", &port_text],
        env,
    );
    // Ready when its API docs answer (a DDI poll would create a device).
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        if let Ok(mut s) = TcpStream::connect(("127.0.0.1", port)) {
            let _ = s.write_all(b"GET /docs HTTP/1.0\r\nHost: localhost\r\n\r\n");
            let mut answer = String::new();
            let _ = s.read_to_string(&mut answer);
            if answer.starts_with("HTTP/1.1 200") {
                break;
            }
        }
        assert!(
            Instant::now() < deadline,
            "goosebit did not start:\n{}",
            peer.log_text()
        );
        std::thread::sleep(Duration::from_millis(100));
    }
    (peer, port)
}

/// nginx with the server certificate of `certs`, demanding a client certificate from
/// `client_ca`, in front of `upstream`; `/NOTDDI/` answers 200 with a text page.
pub fn nginx_mtls(dir: &Path, certs: &Certs, client_ca: &Path, upstream: u16) -> (Peer, u16) {
    let home = dir.join(format!("nginx-mtls-{upstream}"));
    std::fs::create_dir_all(&home).unwrap();
    let port = free_tcp_port();
    let d = home.display();
    let config = format!(
        "daemon off;\nmaster_process off;\npid {d}/nginx.pid;\nerror_log stderr;\nevents {{}}\nhttp {{\n access_log off;\n client_body_temp_path {d}/body;\n proxy_temp_path {d}/proxy;\n fastcgi_temp_path {d}/fastcgi;\n uwsgi_temp_path {d}/uwsgi;\n scgi_temp_path {d}/scgi;\n server {{\n  listen 127.0.0.1:{port} ssl;\n  ssl_certificate {};\n  ssl_certificate_key {};\n  ssl_client_certificate {};\n  ssl_verify_client on;\n  ssl_protocols TLSv1.2 TLSv1.3;\n  location /NOTDDI/ {{ return 200 'hello from a web server'; }}\n  location / {{ proxy_pass http://127.0.0.1:{upstream}; proxy_set_header Host $http_host; proxy_set_header X-Forwarded-Proto $scheme; }}\n }}\n}}\n",
        certs.cert.display(),
        certs.key.display(),
        client_ca.display()
    );
    let conf = home.join("nginx.conf");
    std::fs::write(&conf, config).unwrap();
    let peer = Peer::start(
        "nginx-mtls",
        &home,
        "nginx",
        &["-c", conf.to_str().unwrap(), "-p", home.to_str().unwrap()],
    );
    wait_for_tcp(&peer, port);
    (peer, port)
}

/// Client certificates: `client-ca.pem`; `dev-1.pem`/`dev-1.key` from it; `stranger.pem`/
/// `stranger.key` from another CA; `expired.pem`/`expired.key` from the client CA, valid
/// only in 2020. Returns the folder's paths by name.
pub struct ClientPki {
    pub ca: PathBuf,
    pub dir: PathBuf,
}

impl ClientPki {
    pub fn read(&self, name: &str) -> String {
        std::fs::read_to_string(self.dir.join(name)).unwrap()
    }
}

pub fn client_pki(dir: &Path) -> ClientPki {
    use rcgen::{BasicConstraints, CertificateParams, DnType, IsCa, Issuer, KeyPair};
    let pki = dir.join("client-pki");
    std::fs::create_dir_all(&pki).unwrap();
    let ca = |name: &str| {
        let key = KeyPair::generate().unwrap();
        let mut params = CertificateParams::new(Vec::<String>::new()).unwrap();
        params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
        params.distinguished_name.push(DnType::CommonName, name);
        let cert = params.self_signed(&key).unwrap();
        (cert.pem(), Issuer::new(params, key))
    };
    let (ca_pem, issuer) = ca("Test Client CA");
    let (_, other) = ca("Some Other CA");
    let leaf = |file: &str, cn: &str, issuer: &Issuer<'_, KeyPair>, year: Option<i32>| {
        let key = KeyPair::generate().unwrap();
        let mut params = CertificateParams::new(Vec::<String>::new()).unwrap();
        params.distinguished_name.push(DnType::CommonName, cn);
        if let Some(y) = year {
            params.not_before = rcgen::date_time_ymd(y, 1, 1);
            params.not_after = rcgen::date_time_ymd(y + 1, 1, 1);
        }
        let cert = params.signed_by(&key, issuer).unwrap();
        std::fs::write(pki.join(format!("{file}.pem")), cert.pem()).unwrap();
        std::fs::write(pki.join(format!("{file}.key")), key.serialize_pem()).unwrap();
    };
    leaf("dev-1", "dev-1", &issuer, None);
    leaf("stranger", "stranger", &other, None);
    leaf("expired", "dev-1", &issuer, Some(2020));
    let ca_path = pki.join("client-ca.pem");
    std::fs::write(&ca_path, ca_pem).unwrap();
    // The same key, encrypted (PKCS#8, PBES2), as the reference's "encrypted string".
    let out = Command::new("openssl")
        .args([
            "pkcs8",
            "-topk8",
            "-in",
            "dev-1.key",
            "-out",
            "dev-1-encrypted.key",
            "-passout",
            "pass:open sesame",
        ])
        .current_dir(&pki)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    ClientPki {
        ca: ca_path,
        dir: pki,
    }
}

/// Makes an update wait for `controller` on the goosebit at `port` (first user, a software
/// image, a rollout, the device's attributes: `tests/peers/goosebit-deploy.py`).
pub fn goosebit_deploy(port: u16, controller: &str) {
    let script = super::lwm2m_peers::repo_root().join("tests/peers/goosebit-deploy.py");
    let out = Command::new(peers_venv().join("bin/python"))
        .arg(script)
        .arg(format!("http://127.0.0.1:{port}"))
        .arg(controller)
        .output()
        .unwrap();
    assert!(
        out.status.success() && String::from_utf8_lossy(&out.stdout).contains("DEPLOYMENT"),
        "goosebit-deploy: {}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}
