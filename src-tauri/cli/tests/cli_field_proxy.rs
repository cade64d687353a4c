//! Proxies: a real tinyproxy (Debian's tinyproxy-bin) with Basic auth and a `ConnectPort`
//! list, in a network namespace of the test's own whose firewall lets only the proxy's user
//! (nobody) reach the servers — so the direct path is really blocked, as at a site where
//! the proxy is the only way out. nginx serves the MQTT-over-HTTPS publish URL and stands in
//! for the OTA server's port; loopcheck runs inside the namespace as root.

mod common;

use common::netns::Namespace;
use common::peers::{self, Peer};
use common::{step_names, text, Sandbox};
use serde_json::Value;
use std::process::{Command, Output};

const PROXY_USER: &str = "loop";
const PROXY_PASSWORD: &str = "pr0xy-s3cret";
const NOBODY_UID: &str = "65534";

/// The environment variables a proxy can come from, cleared so the machine's own never leak
/// into a test.
const PROXY_ENV: [&str; 8] = [
    "http_proxy",
    "HTTP_PROXY",
    "https_proxy",
    "HTTPS_PROXY",
    "all_proxy",
    "ALL_PROXY",
    "no_proxy",
    "NO_PROXY",
];

struct Site {
    s: Sandbox,
    // Dropped before the namespace: the peers are killed, then the namespace goes.
    _nginx: Peer,
    _mosquitto: Peer,
    _proxy: Peer,
    ns: Namespace,
    /// nginx's HTTPS port: in the proxy's ConnectPort list.
    https: u16,
    /// nginx's plain HTTP port: not in the list.
    http: u16,
    /// In the list, and nothing listens there.
    dead: u16,
    proxy_port: u16,
    /// Mosquitto's TLS listener: in the ConnectPort list.
    mqtt_tls: u16,
    /// Mosquitto's plain listener: not in the list (the proxy allows CONNECT only to the
    /// ports it knows, as at most sites).
    mqtt_plain: u16,
}

/// Waits, inside the namespace, until 127.0.0.1:`port` takes connections.
fn wait_inside(ns: &str, port: u16, peer: &Peer) {
    let script = format!(
        "for i in $(seq 200); do (exec 3<>/dev/tcp/127.0.0.1/{port}) 2>/dev/null && exit 0; sleep 0.05; done; exit 1"
    );
    let ok = Command::new("ip")
        .args(["netns", "exec", ns, "bash", "-c", &script])
        .status()
        .unwrap()
        .success();
    assert!(
        ok,
        "{} did not listen on {port}:\n{}",
        peer.name,
        peer.log_text()
    );
}

fn site() -> Site {
    let s = Sandbox::new();
    let dir = s.dir.path();
    let ns = Namespace::new("proxy");
    let certs = peers::certs(dir);
    let [https, http, dead, proxy_port, mqtt_tls, mqtt_plain] = peers::free_tcp_ports();

    let d = dir.display();
    let nginx_conf = dir.join("nginx.conf");
    std::fs::write(
        &nginx_conf,
        format!(
            "daemon off;\nmaster_process off;\npid {d}/nginx.pid;\nerror_log stderr;\nevents {{}}\nhttp {{\n access_log off;\n client_body_temp_path {d}/body;\n proxy_temp_path {d}/proxy;\n fastcgi_temp_path {d}/fastcgi;\n uwsgi_temp_path {d}/uwsgi;\n scgi_temp_path {d}/scgi;\n server {{ listen 127.0.0.1:{http}; location / {{ return 204; }} }}\n server {{ listen 127.0.0.1:{https} ssl; ssl_certificate {}; ssl_certificate_key {}; location / {{ return 200 'ok'; }} }}\n}}\n",
            certs.cert.display(),
            certs.key.display()
        ),
    )
    .unwrap();
    let nginx = Peer::start(
        "nginx",
        dir,
        "ip",
        &[
            "netns",
            "exec",
            &ns.0,
            "nginx",
            "-c",
            nginx_conf.to_str().unwrap(),
            "-p",
            dir.to_str().unwrap(),
        ],
    );
    let mosquitto_conf = dir.join("mosquitto.conf");
    std::fs::write(
        &mosquitto_conf,
        format!(
            "user root\nlog_dest stderr\nlistener {mqtt_plain} 127.0.0.1\nallow_anonymous true\nlistener {mqtt_tls} 127.0.0.1\nallow_anonymous true\ncafile {}\ncertfile {}\nkeyfile {}\n",
            certs.ca.display(),
            certs.cert.display(),
            certs.key.display()
        ),
    )
    .unwrap();
    let mosquitto = Peer::start(
        "mosquitto",
        dir,
        "ip",
        &[
            "netns",
            "exec",
            &ns.0,
            "mosquitto",
            "-c",
            mosquitto_conf.to_str().unwrap(),
        ],
    );
    let proxy_conf = dir.join("tinyproxy.conf");
    std::fs::write(
        &proxy_conf,
        format!(
            "Port {proxy_port}\nListen 127.0.0.1\nUser nobody\nGroup nogroup\nTimeout 10\nMaxClients 20\nLogLevel Info\nBasicAuth {PROXY_USER} {PROXY_PASSWORD}\nConnectPort {https}\nConnectPort {dead}\nConnectPort {mqtt_tls}\n"
        ),
    )
    .unwrap();
    let proxy = Peer::start(
        "tinyproxy",
        dir,
        "ip",
        &[
            "netns",
            "exec",
            &ns.0,
            "tinyproxy",
            "-d",
            "-c",
            proxy_conf.to_str().unwrap(),
        ],
    );
    wait_inside(&ns.0, https, &nginx);
    wait_inside(&ns.0, proxy_port, &proxy);
    wait_inside(&ns.0, mqtt_tls, &mosquitto);
    // From here on, only the proxy's user reaches the servers: the direct path is blocked.
    let ports = format!("{https},{http},{dead},{mqtt_tls},{mqtt_plain}");
    let rule = [
        "netns",
        "exec",
        &ns.0,
        "iptables",
        "-A",
        "OUTPUT",
        "-o",
        "lo",
        "-p",
        "tcp",
        "-m",
        "multiport",
        "--dports",
        &ports,
        "-m",
        "owner",
        "!",
        "--uid-owner",
        NOBODY_UID,
        "-j",
        "REJECT",
        "--reject-with",
        "tcp-reset",
    ];
    let out = Command::new("ip").args(rule).output().unwrap();
    assert!(out.status.success(), "iptables: {}", text(&out.stderr));
    Site {
        s,
        _nginx: nginx,
        _mosquitto: mosquitto,
        _proxy: proxy,
        ns,
        https,
        http,
        dead,
        proxy_port,
        mqtt_tls,
        mqtt_plain,
    }
}

impl Site {
    fn proxy_url(&self, credentials: Option<(&str, &str)>) -> String {
        match credentials {
            Some((user, password)) => {
                format!("http://{user}:{password}@127.0.0.1:{}", self.proxy_port)
            }
            None => format!("http://127.0.0.1:{}", self.proxy_port),
        }
    }

    fn good_proxy(&self) -> String {
        self.proxy_url(Some((PROXY_USER, PROXY_PASSWORD)))
    }

    /// `loopcheck --json check` of an mqtt-https template publishing to `localhost:port`,
    /// inside the namespace, with `flags` and the environment `env`.
    fn check(&self, port: u16, flags: &[&str], env: &[(&str, &str)]) -> (Output, Value) {
        self.run(
            &format!("\"httpsUrl\": \"https://localhost:{port}/mqtt/publish\""),
            flags,
            env,
        )
    }

    /// The same with an mqtt-http template (`http://localhost:port`).
    fn check_http(&self, port: u16, flags: &[&str], env: &[(&str, &str)]) -> (Output, Value) {
        self.run(
            &format!("\"httpUrl\": \"http://localhost:{port}/mqtt/publish\""),
            flags,
            env,
        )
    }

    /// An mqtt-tls template (`tls`) or an mqtt-tcp one for `localhost:port`.
    fn check_mqtt(&self, tls: bool, port: u16, flags: &[&str]) -> (Output, Value) {
        let port_field = if tls {
            format!("\"mqttSslPort\": {port}, \"mqttServerCA\": \"%MQTT_HTTPS_CA%\"")
        } else {
            format!("\"mqttTcpPort\": {port}")
        };
        self.run(
            &format!("\"mqttHostName\": \"localhost\", {port_field}"),
            flags,
            &[],
        )
    }

    fn run(&self, fields: &str, flags: &[&str], env: &[(&str, &str)]) -> (Output, Value) {
        let model = self.s.path("model.json");
        std::fs::write(
            &model,
            format!(
                r#"[{{{fields}, "mqttClientId": "px-1", "mqttReqTopicName": "px/req", "mqttRespTopicName": "px/resp", "mqttDataTopicName": "px/data"}}]"#
            ),
        )
        .unwrap();
        let mut args = vec!["--json", "check", model.to_str().unwrap()];
        args.extend_from_slice(flags);
        self.loopcheck_with(&args, env)
    }

    /// `loopcheck ARGS --timeout-ms 2000` (and for `check`, `--var MQTT_HTTPS_CA=@ca.pem`)
    /// inside the namespace;
    /// the report when stdout holds one (else `null`).
    fn loopcheck(&self, args: &[&str]) -> (Output, Value) {
        self.loopcheck_with(args, &[])
    }

    fn loopcheck_with(&self, args: &[&str], env: &[(&str, &str)]) -> (Output, Value) {
        let ca = self.s.dir.path().join("ca.pem");
        let mut command = Command::new("ip");
        command
            .args(["netns", "exec", &self.ns.0, env!("CARGO_BIN_EXE_loopcheck")])
            .arg("--db")
            .arg(self.s.db())
            .args(args)
            .args(["--timeout-ms", "2000"])
            .env_remove("LOOPSTUDIO_DB")
            .env("LOOPSTUDIO_KEYRING", "off");
        if args.contains(&"check") {
            command
                .arg("--var")
                .arg(format!("MQTT_HTTPS_CA=@{}", ca.display()));
        }
        for name in PROXY_ENV {
            command.env_remove(name);
        }
        command.envs(env.iter().copied());
        let out = command.output().expect("ip netns exec runs");
        for stream in [&out.stdout, &out.stderr] {
            assert!(
                !text(stream).contains(PROXY_PASSWORD),
                "the proxy password leaked"
            );
        }
        if !args.contains(&"--json") {
            return (out, Value::Null);
        }
        let report: Value = serde_json::from_slice(&out.stdout)
            .unwrap_or_else(|_| panic!("no report: {}", text(&out.stderr)));
        (out, report)
    }
}

fn only_check(report: &Value) -> &Value {
    &report["checks"][0]
}

#[test]
fn the_direct_path_is_blocked_and_the_proxy_goes_round_it() {
    let site = site();
    let (out, report) = site.check(site.https, &[], &[]);
    let check = only_check(&report);
    assert_eq!(out.status.code(), Some(1), "{check:#}");
    assert_eq!(
        check["code"], "TCP_REFUSED",
        "the firewall must block the direct path: {check:#}"
    );

    let proxy = site.good_proxy();
    let (out, report) = site.check(site.https, &["--proxy", &proxy], &[]);
    let check = only_check(&report);
    assert_eq!(out.status.code(), Some(0), "{check:#}");
    assert_eq!(check["verdict"], "pass", "{check:#}");
    // The proxy resolves and connects: its rung stands where DNS and TCP were.
    assert_eq!(
        step_names(check)[..3],
        ["proxy", "tls", "http-post"],
        "{check:#}"
    );
    let rung = &check["steps"][0]["detail"];
    assert_eq!(rung["source"], "--proxy");
    assert_eq!(
        rung["proxy"],
        format!("http://{PROXY_USER}:••••••@127.0.0.1:{}", site.proxy_port)
    );
    assert_eq!(rung["connect"], format!("localhost:{}", site.https));
    assert_eq!(rung["status"], 200);
}

#[test]
fn the_environment_proxy_is_used_unless_no_proxy_or_the_flag_says_direct() {
    let site = site();
    let proxy = site.good_proxy();
    let (out, report) = site.check(site.https, &[], &[("HTTPS_PROXY", &proxy)]);
    let check = only_check(&report);
    assert_eq!(
        (out.status.code(), check["verdict"].as_str()),
        (Some(0), Some("pass")),
        "{check:#}"
    );
    assert_eq!(check["steps"][0]["detail"]["source"], "$HTTPS_PROXY");

    let (_, report) = site.check(site.https, &["--no-proxy"], &[("HTTPS_PROXY", &proxy)]);
    assert_eq!(
        only_check(&report)["code"],
        "TCP_REFUSED",
        "--no-proxy goes direct"
    );
    let (_, report) = site.check(
        site.https,
        &[],
        &[
            ("https_proxy", &proxy),
            ("NO_PROXY", "example.com,localhost"),
        ],
    );
    assert_eq!(
        only_check(&report)["code"],
        "TCP_REFUSED",
        "NO_PROXY goes direct"
    );
}

#[test]
fn a_proxy_that_wants_credentials_says_so_with_the_scheme_it_asked_for() {
    let site = site();
    let bare = site.proxy_url(None);
    let (out, report) = site.check(site.https, &["--proxy", &bare], &[]);
    let check = only_check(&report);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(check["code"], "PROXY_AUTH_REQUIRED", "{check:#}");
    let evidence = check["evidence"].as_str().unwrap();
    assert!(
        evidence.contains(
            "wants credentials, and the proxy URL has none (it asks for Basic authentication)"
        ),
        "{evidence}"
    );
    let reproduce = check["reproduce"].as_str().unwrap();
    assert!(
        reproduce.starts_with(&format!("curl -sS -i --proxy {bare} ")),
        "{reproduce}"
    );

    let wrong = site.proxy_url(Some((PROXY_USER, "not-it")));
    let (_, report) = site.check(site.https, &["--proxy", &wrong], &[]);
    let check = only_check(&report);
    assert_eq!(check["code"], "PROXY_AUTH_REQUIRED", "{check:#}");
    assert!(
        check["evidence"]
            .as_str()
            .unwrap()
            .contains("refused the user name and password"),
        "{check:#}"
    );
    assert!(
        check["reproduce"]
            .as_str()
            .unwrap()
            .contains(&format!("--proxy-user {PROXY_USER}:\"$PROXY_PASSWORD\"")),
        "{check:#}"
    );
    assert!(
        !check.to_string().contains("not-it"),
        "a wrong password is a password too: {check:#}"
    );
}

#[test]
fn a_port_the_proxy_will_not_tunnel_to_is_denied_and_a_dead_one_is_a_proxy_error() {
    let site = site();
    let proxy = site.good_proxy();
    let (_, report) = site.check(site.http, &["--proxy", &proxy], &[]);
    let check = only_check(&report);
    assert_eq!(check["code"], "PROXY_DENIED", "{check:#}");
    let evidence = check["evidence"].as_str().unwrap();
    assert!(
        evidence.contains(&format!("refused a tunnel to localhost:{}: 403", site.http)),
        "{evidence}"
    );
    assert!(
        evidence.contains("The CONNECT method not allowed with the port you tried to use"),
        "{evidence}"
    );
    assert!(check["hint"].as_str().unwrap().contains("443"), "{check:#}");

    let (_, report) = site.check(site.dead, &["--proxy", &proxy], &[]);
    let check = only_check(&report);
    assert_eq!(check["code"], "PROXY_ERROR", "{check:#}");
    assert!(
        check["evidence"]
            .as_str()
            .unwrap()
            .contains("500 Unable to connect"),
        "{check:#}"
    );
}

#[test]
fn plain_http_goes_through_the_proxy_as_absolute_form_requests() {
    let site = site();
    let (_, report) = site.check_http(site.http, &[], &[]);
    assert_eq!(only_check(&report)["code"], "TCP_REFUSED", "blocked direct");

    let proxy = site.good_proxy();
    let (out, report) = site.check_http(site.http, &[], &[("http_proxy", &proxy)]);
    let check = only_check(&report);
    assert_eq!(
        (out.status.code(), check["verdict"].as_str()),
        (Some(0), Some("pass")),
        "{check:#}"
    );
    assert_eq!(step_names(check), ["proxy", "http-post"], "{check:#}");
    let rung = &check["steps"][0]["detail"];
    assert_eq!(rung["source"], "$http_proxy");
    assert_eq!(rung["forward"], format!("localhost:{}", site.http));
    assert_eq!(
        check["steps"][1]["detail"]["status"], 204,
        "nginx's answer, forwarded"
    );

    // curl does not read HTTP_PROXY in capitals (a CGI request can set it), nor do we.
    let (_, report) = site.check_http(site.http, &[], &[("HTTP_PROXY", &proxy)]);
    assert_eq!(only_check(&report)["code"], "TCP_REFUSED");

    // The proxy's own refusals carry no Via header: they are the proxy's, not the server's.
    let wrong = site.proxy_url(Some((PROXY_USER, "not-it")));
    let (_, report) = site.check_http(site.http, &["--proxy", &wrong], &[]);
    assert_eq!(
        only_check(&report)["code"],
        "PROXY_AUTH_REQUIRED",
        "{report:#}"
    );
    let (_, report) = site.check_http(site.dead, &["--proxy", &proxy], &[]);
    let check = only_check(&report);
    assert_eq!(check["code"], "PROXY_ERROR", "{check:#}");
    assert!(
        check["evidence"]
            .as_str()
            .unwrap()
            .contains("500 Unable to connect"),
        "{check:#}"
    );
}

#[test]
fn mqtt_goes_through_the_tunnel_when_asked_and_a_port_the_proxy_refuses_is_named() {
    let site = site();
    let proxy = site.good_proxy();
    let (_, report) = site.check_mqtt(true, site.mqtt_tls, &["--proxy", &proxy]);
    assert_eq!(
        only_check(&report)["code"],
        "TCP_REFUSED",
        "MQTT goes direct unless asked"
    );

    let (out, report) = site.check_mqtt(true, site.mqtt_tls, &["--proxy", &proxy, "--proxy-mqtt"]);
    let check = only_check(&report);
    assert_eq!(
        (out.status.code(), check["verdict"].as_str()),
        (Some(0), Some("pass")),
        "{check:#}"
    );
    assert_eq!(
        step_names(check)[..3],
        ["proxy", "tls", "mqtt-connect"],
        "{check:#}"
    );
    assert_eq!(
        check["steps"][0]["detail"]["connect"],
        format!("localhost:{}", site.mqtt_tls)
    );

    // The project's (here: the file's) PROXY_MQTT asks for it too.
    let (_, report) = site.check_mqtt(
        true,
        site.mqtt_tls,
        &["--proxy", &proxy, "--var", "PROXY_MQTT=true"],
    );
    assert_eq!(only_check(&report)["verdict"], "pass", "{report:#}");

    // Plain MQTT's port is not in the proxy's list: the proxy refuses the tunnel.
    let (_, report) = site.check_mqtt(false, site.mqtt_plain, &["--proxy", &proxy, "--proxy-mqtt"]);
    let check = only_check(&report);
    assert_eq!(check["code"], "PROXY_DENIED", "{check:#}");
    assert_eq!(
        check["reproduce"],
        format!(
            "curl -v --proxytunnel --proxy http://127.0.0.1:{} --proxy-user {PROXY_USER}:\"$PROXY_PASSWORD\" telnet://localhost:{}",
            site.proxy_port, site.mqtt_plain
        )
    );
}

/// The `paths` ways of the report's one service, as (kind, via, state, extra) in order.
fn ways(report: &Value) -> Vec<(String, String, String, bool)> {
    let paths = report["paths"].as_array().expect("a paths section");
    assert_eq!(paths.len(), 1, "one service: {paths:#?}");
    assert_eq!(paths[0]["service"], "mqtt");
    paths[0]["ways"]
        .as_array()
        .unwrap()
        .iter()
        .map(|w| {
            (
                w["kind"].as_str().unwrap().to_string(),
                w["via"].as_str().unwrap().to_string(),
                w["state"].as_str().unwrap().to_string(),
                w["extra"].as_bool().unwrap(),
            )
        })
        .collect()
}

fn way(kind: &str, via: &str, state: &str, extra: bool) -> (String, String, String, bool) {
    (kind.into(), via.into(), state.into(), extra)
}

#[test]
fn a_blocked_port_gets_the_way_round_through_the_proxy_and_the_model_s_other_template() {
    let site = site();
    let proxy = site.good_proxy();
    // An mqtt-tls template on the broker's TLS port and an mqtt-https one on nginx: the
    // direct path is blocked for both; only HTTP goes through the proxy unless asked.
    let model = site.s.path("two.json");
    let tls_port = site.mqtt_tls;
    let https = site.https;
    std::fs::write(
        &model,
        format!(
            r#"[{{"mqttHostName": "localhost", "mqttSslPort": {tls_port}, "mqttServerCA": "%MQTT_HTTPS_CA%", "mqttClientId": "px-2", "mqttReqTopicName": "px/req", "mqttRespTopicName": "px/resp", "mqttDataTopicName": "px/data"}},
                {{"httpsUrl": "https://localhost:{https}/mqtt/publish", "mqttClientId": "px-2", "mqttReqTopicName": "px/req", "mqttRespTopicName": "px/resp", "mqttDataTopicName": "px/data"}}]"#
        ),
    )
    .unwrap();
    let run = |flags: &[&str]| {
        let mut args = vec![
            "--json",
            "check",
            model.to_str().unwrap(),
            "--proxy",
            &proxy,
        ];
        args.extend_from_slice(flags);
        site.loopcheck(&args)
    };

    let (out, report) = run(&[]);
    assert_eq!(
        out.status.code(),
        Some(1),
        "the mqtt-tls check failed: {report:#}"
    );
    assert_eq!(report["checks"][0]["code"], "TCP_REFUSED", "{report:#}");
    assert_eq!(
        ways(&report),
        [
            way("mqtt-tls", "direct", "blocked", false),
            way("mqtt-tls", "proxy", "reachable", true),
            way("mqtt-https", "proxy", "reachable", false),
        ],
        "{report:#}"
    );
    assert_eq!(
        report["paths"][0]["advice"],
        format!(
            "TCP {tls_port} is blocked from this network; MQTT over HTTPS on {https} works through \
             the proxy: use the mqtt-https template, or ask IT to allow outbound TCP {tls_port} to localhost."
        )
    );
    assert_eq!(
        report["proxy"]["url"],
        format!("http://{PROXY_USER}:••••••@127.0.0.1:{}", site.proxy_port)
    );
    assert_eq!(report["proxy"]["source"], "--proxy");

    // The person asked for mqtt-tls only: the way round still tries the model's other template.
    let (out, report) = run(&["--only", "mqtt-tls"]);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(report["checks"].as_array().unwrap().len(), 1);
    assert!(
        ways(&report).contains(&way("mqtt-https", "proxy", "reachable", true)),
        "{report:#}"
    );
    // The human report prints the advice under "ways round".
    let human = site
        .loopcheck(&["check", model.to_str().unwrap(), "--proxy", &proxy])
        .0;
    let printed = text(&human.stdout);
    assert!(printed.contains("ways round:\n  MQTT: TCP "), "{printed}");
    assert!(printed.contains("(tried to go round)"), "{printed}");

    // Through the tunnel nothing is blocked, so there is nothing to go round.
    let (out, report) = run(&["--proxy-mqtt"]);
    assert_eq!(out.status.code(), Some(0), "{report:#}");
    assert!(report.get("paths").is_none(), "{report:#}");
    assert_eq!(report["proxy"]["mqtt"], true);
}

#[test]
fn when_no_way_gets_through_the_advice_asks_it_for_the_port() {
    let site = site();
    let proxy = site.good_proxy();
    // Plain MQTT's port: the proxy refuses the tunnel, and direct is blocked too.
    let (out, report) =
        site.check_mqtt(false, site.mqtt_plain, &["--proxy", &proxy, "--proxy-mqtt"]);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        ways(&report),
        [
            way("mqtt-tcp", "proxy", "blocked", false),
            way("mqtt-tcp", "direct", "blocked", true),
        ],
        "{report:#}"
    );
    let port = site.mqtt_plain;
    assert_eq!(
        report["paths"][0]["advice"],
        format!(
            "No way to MQTT gets through from this network (TCP {port} through the proxy and \
             TCP {port}): ask IT to allow outbound TCP {port} to localhost."
        )
    );
}

/// The sweep's ports by service: (state, verdict, code, step names).
fn swept(
    report: &Value,
) -> std::collections::BTreeMap<String, (String, String, String, Vec<String>)> {
    report["checks"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            (
                c["service"].as_str().unwrap().to_string(),
                (
                    c["state"].as_str().unwrap().to_string(),
                    c["verdict"].as_str().unwrap().to_string(),
                    c["code"].as_str().unwrap().to_string(),
                    step_names(c).iter().map(|s| s.to_string()).collect(),
                ),
            )
        })
        .collect()
}

#[test]
fn a_sweep_probes_the_web_ports_through_the_proxy_and_the_mqtt_ports_when_asked() {
    let site = site();
    let proxy = site.good_proxy();
    let spec = format!(
        "https={},http={},mqtts={},mqtt={}",
        site.https, site.http, site.mqtt_tls, site.mqtt_plain
    );
    let sweep = |flags: &[&str], env: &[(&str, &str)]| {
        let mut args = vec!["--json", "ports", "localhost", "--ports", &spec];
        args.extend_from_slice(flags);
        site.loopcheck_with(&args, env).1
    };
    let s = |state: &str, verdict: &str, code: &str, steps: &[&str]| {
        let steps = steps.iter().map(|s| s.to_string()).collect();
        (
            state.to_string(),
            verdict.to_string(),
            code.to_string(),
            steps,
        )
    };

    let report = sweep(&["--proxy", &proxy], &[]);
    let ports = swept(&report);
    assert_eq!(
        ports["https"],
        s("open", "pass", "OK", &["proxy", "tls", "http"]),
        "{report:#}"
    );
    // Plain HTTP is forwarded (HEAD in absolute form), not tunnelled: ConnectPort does not apply.
    assert_eq!(
        ports["http"],
        s("open", "pass", "OK", &["proxy", "http"]),
        "{report:#}"
    );
    // MQTT goes direct unless asked, and the direct path is blocked.
    assert_eq!(
        ports["mqtts"],
        s("closed", "fail", "TCP_REFUSED", &["dns", "tcp"]),
        "{report:#}"
    );
    assert_eq!(report["proxy"]["source"], "--proxy");
    let https = report["checks"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["service"] == "https")
        .unwrap();
    assert_eq!(https["endpoint"], format!("localhost:{}", site.https));
    assert_eq!(
        https["reproduce"],
        format!(
            "curl -skI --max-time 3 --proxy http://127.0.0.1:{} --proxy-user {PROXY_USER}:\"$PROXY_PASSWORD\" https://localhost:{}/",
            site.proxy_port, site.https
        )
    );

    let report = sweep(&["--proxy", &proxy, "--proxy-mqtt"], &[]);
    let ports = swept(&report);
    assert_eq!(
        ports["mqtts"],
        s("open", "pass", "OK", &["proxy", "tls", "mqtt-connect"]),
        "{report:#}"
    );
    // The plain MQTT port is not in the proxy's ConnectPort list.
    assert_eq!(
        ports["mqtt"],
        s("filtered", "fail", "PROXY_DENIED", &["proxy"]),
        "{report:#}"
    );

    // The environment's proxy applies as in `check`, and --no-proxy sweeps direct.
    let report = sweep(&[], &[("HTTPS_PROXY", &proxy)]);
    assert_eq!(swept(&report)["https"].0, "open", "{report:#}");
    assert_eq!(report["proxy"]["source"], "$HTTPS_PROXY");
    let report = sweep(&["--no-proxy"], &[("HTTPS_PROXY", &proxy)]);
    assert_eq!(swept(&report)["https"].2, "TCP_REFUSED", "{report:#}");
    assert!(report.get("proxy").is_none(), "{report:#}");
}

#[test]
fn a_proxy_that_is_not_there_is_unreachable() {
    let site = site();
    let nowhere = format!("http://127.0.0.1:{}", peers::free_tcp_port());
    let (_, report) = site.check(site.https, &["--proxy", &nowhere], &[]);
    let check = only_check(&report);
    assert_eq!(check["code"], "PROXY_UNREACHABLE", "{check:#}");
    assert!(
        check["evidence"]
            .as_str()
            .unwrap()
            .contains("refused the connection"),
        "{check:#}"
    );
}

#[test]
fn a_proxy_url_that_cannot_be_used_is_bad_input_without_its_password() {
    let s = Sandbox::new();
    let model = s.path("model.json");
    std::fs::write(
        &model,
        r#"[{"httpsUrl": "https://localhost:1/p", "mqttClientId": "c", "mqttDataTopicName": "d"}]"#,
    )
    .unwrap();
    for (proxy, words) in [
        (
            "socks5://10.0.0.1:1080",
            "--proxy: socks5:// proxies are not supported",
        ),
        (
            "http://u:hunter2@bad host:1",
            "--proxy: \"http://u:••••••@bad host:1\" is not a proxy URL",
        ),
    ] {
        let out = s.run(&["check", model.to_str().unwrap(), "--proxy", proxy]);
        let stderr = text(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{stderr}");
        assert!(stderr.contains(words), "{stderr}");
        assert!(!stderr.contains("hunter2"), "{stderr}");
    }
}
