//! `loopcheck survey`: a project whose devices use a real Mosquitto (password file, plain and
//! TLS) and aiocoap's LwM2M resource directory. One device is good, one has a wrong password,
//! one points at a port where nothing listens. The survey must name each endpoint's state,
//! list every endpoint the models need once in the firewall request (CSV with a header row),
//! write the HTML page with the request for IT and no secret, and exit as the contract says.

mod common;

use common::lwm2m_peers::aiocoap_rd;
use common::peers::{self, SecuredBroker};
use common::survey::{run_survey, survey_endpoints};
use common::{text, Sandbox};
use serde_json::Value;

const ACL: &str = "user meter\ntopic readwrite acme/data\ntopic read acme/req/meter\ntopic write acme/write-only\n";
const PASSWORD: &str = "s3cret-pw";

struct Site {
    s: Sandbox,
    broker: SecuredBroker,
    _rd: peers::Peer,
    rd: u16,
    closed: u16,
}

fn site() -> Site {
    let s = Sandbox::new();
    let dir = s.dir.path();
    let certs = peers::certs(dir);
    let broker = peers::mosquitto_secured(dir, &certs, &[("meter", PASSWORD)], ACL);
    let (rd_peer, rd) = aiocoap_rd(dir);
    let closed = peers::free_tcp_port();
    let site = Site {
        s,
        broker,
        _rd: rd_peer,
        rd,
        closed,
    };
    let ca = format!(
        "MQTT_CA_CERT=@{}",
        site.s.dir.path().join("ca.pem").display()
    );
    let (plain, tls, rd) = (
        format!("MQTT_TCP_PORT={}", site.broker.plain),
        format!("MQTT_SSL_PORT={}", site.broker.tls),
        format!("LWM2M_NOSEC_PORT={}", site.rd),
    );
    site.s.ok(&[
        "project",
        "create",
        "Site",
        "--var",
        "MQTT_HOST=localhost",
        "--var",
        &plain,
        "--var",
        &tls,
        "--var",
        &ca,
        "--var",
        "MQTT_USERNAME=meter",
        "--var",
        "MQTT_DATA_TOPIC=acme/data",
        "--var",
        "MQTT_CLIENT_ID=survey-{device}",
        "--var",
        "LWM2M_HOST=127.0.0.1",
        "--var",
        &rd,
        "--var",
        "LWM2M_ENDPOINT=survey-{device}",
        "--var",
        "REMOTE_NETWORK=7f",
    ]);
    let model = site.s.path("meter.json");
    std::fs::write(
        &model,
        r#"[{"mqttHostName": "%MQTT_HOST%", "mqttTcpPort": "%MQTT_TCP_PORT%", "mqttUserName": "%MQTT_USERNAME%", "mqttPassword": "%MQTT_PASSWORD%", "mqttClientId": "%MQTT_CLIENT_ID%", "mqttReqTopicName": "acme/req/meter", "mqttRespTopicName": "acme/resp", "mqttDataTopicName": "%MQTT_DATA_TOPIC%", "remoteNetwork": "%REMOTE_NETWORK%"},
            {"mqttHostName": "%MQTT_HOST%", "mqttSslPort": "%MQTT_SSL_PORT%", "mqttServerCA": "%MQTT_CA_CERT%", "mqttUserName": "%MQTT_USERNAME%", "mqttPassword": "%MQTT_PASSWORD%", "mqttClientId": "%MQTT_CLIENT_ID%-tls", "mqttReqTopicName": "acme/req/meter", "mqttRespTopicName": "acme/resp", "mqttDataTopicName": "%MQTT_DATA_TOPIC%", "remoteNetwork": "%REMOTE_NETWORK%"},
            {"lwm2mHostName": "%LWM2M_HOST%", "lwm2mPortNoSec": "%LWM2M_NOSEC_PORT%", "lwm2mEndpoint": "%LWM2M_ENDPOINT%", "remoteNetwork": "%REMOTE_NETWORK%"}]"#,
    )
    .unwrap();
    site.s.ok(&[
        "model",
        "import",
        model.to_str().unwrap(),
        "--project",
        "Site",
        "--name",
        "meter",
    ]);
    let device = |name: &str, extra: &[String]| {
        let mut args = vec![
            "device",
            "create",
            "--project",
            "Site",
            "--model",
            "meter",
            name,
        ];
        args.extend(extra.iter().map(String::as_str));
        site.s.ok(&args);
    };
    let password = |p: &str| vec!["--var".to_string(), format!("MQTT_PASSWORD={p}")];
    device("good-1", &password(PASSWORD));
    device("bad-1", &password("not-the-password"));
    let mut far = password(PASSWORD);
    far.extend([
        "--var".to_string(),
        format!("MQTT_TCP_PORT={}", site.closed),
    ]);
    device("far-1", &far);
    site
}

impl Site {
    fn survey(&self, args: &[&str]) -> (i32, Value) {
        run_survey(&self.s, "Site", args, &[PASSWORD])
    }

    /// The project's stored surveys, oldest first: (devices column, document).
    fn stored_surveys(&self) -> Vec<(i64, String)> {
        let db = rusqlite::Connection::open(self.s.db()).unwrap();
        let mut q = db
            .prepare("SELECT devices, document FROM surveys ORDER BY id")
            .unwrap();
        let rows = q.query_map([], |r| Ok((r.get(0)?, r.get(1)?))).unwrap();
        rows.map(Result::unwrap).collect()
    }
}

fn e(endpoint: String, state: &str, code: &str) -> (String, String, String) {
    (endpoint, state.into(), code.into())
}

#[test]
fn a_survey_names_each_endpoint_and_writes_the_request_for_it() {
    let site = site();
    let (plain, tls, rd, closed) = (site.broker.plain, site.broker.tls, site.rd, site.closed);
    let rules = site.s.path("rules.csv");
    let page = site.s.path("survey.html");
    let (exit, survey) = site.survey(&[
        "--all",
        "--rules",
        rules.to_str().unwrap(),
        "--report",
        page.to_str().unwrap(),
    ]);
    assert_eq!(
        exit, 1,
        "a blocked endpoint and a wrong password: {survey:#}"
    );
    // In name order, as every list of the survey, so two surveys diff.
    assert_eq!(
        survey["devices"],
        serde_json::json!(["bad-1", "far-1", "good-1"])
    );
    assert_eq!(
        survey_endpoints(&survey),
        [
            e(format!("127.0.0.1:{rd}/udp"), "reachable", "OK"),
            e(format!("localhost:{plain}/tcp"), "reachable", "OK"),
            e(format!("localhost:{tls}/tcp"), "reachable", "OK"),
            e(format!("localhost:{closed}/tcp"), "blocked", "TCP_REFUSED"),
        ]
        .into_iter()
        .collect::<std::collections::BTreeSet<_>>()
        .into_iter()
        .collect::<Vec<_>>(),
        "{survey:#}"
    );
    assert_eq!(
        survey["summary"],
        serde_json::json!({ "endpoints": 4, "reachable": 3, "blocked": 1, "failed": 0 })
    );
    // One report per device, then one sweep per host.
    assert_eq!(survey["reports"].as_array().unwrap().len(), 5);

    // The request for IT: every endpoint the models need, once, sorted by host then port.
    let csv = std::fs::read_to_string(&rules).unwrap();
    let lines: Vec<&str> = csv.lines().collect();
    assert_eq!(
        lines[0],
        "direction,host,addresses,port,transport,protocol,purpose,note,state"
    );
    assert_eq!(lines.len(), 5, "{csv}");
    assert!(
        lines[1].starts_with(&format!("outbound,127.0.0.1,127.0.0.1,{rd},UDP,LwM2M,")),
        "{csv}"
    );
    assert!(lines[1].contains("replies must come back"), "{csv}");
    let mut ports: Vec<u16> = vec![plain, tls, closed];
    ports.sort();
    for (line, port) in lines[2..].iter().zip(ports) {
        assert!(line.starts_with("outbound,localhost,"), "{line}");
        assert!(line.contains(&format!(",{port},TCP,MQTT over T")), "{line}");
    }
    let html = std::fs::read_to_string(&page).unwrap();
    assert!(html.contains("<h2>Request for your IT team</h2>"));
    assert!(html.contains(&format!("<code>localhost:{closed}/tcp</code>")));
    assert!(!html.contains(PASSWORD) && !html.contains("not-the-password"));
}

#[test]
fn a_wrong_password_alone_is_a_failed_endpoint_and_good_devices_exit_0() {
    let site = site();
    let (exit, survey) = site.survey(&["--devices", "bad-1"]);
    assert_eq!(exit, 1);
    let plain = format!("localhost:{}/tcp", site.broker.plain);
    let states = survey_endpoints(&survey);
    let broker = states
        .iter()
        .find(|(endpoint, _, _)| *endpoint == plain)
        .unwrap();
    assert_eq!(
        (broker.1.as_str(), broker.2.as_str()),
        ("failed", "MQTT_NOT_AUTHORIZED"),
        "{survey:#}"
    );
    assert_eq!(survey["summary"]["blocked"], 0);

    let (exit, survey) = site.survey(&["--devices", "good-1"]);
    assert_eq!(exit, 0, "{survey:#}");
    assert!(survey_endpoints(&survey)
        .iter()
        .all(|(_, state, _)| state == "reachable"));
    let (exit, survey) = site.survey(&["--model", "meter"]);
    assert_eq!(exit, 1);
    assert_eq!(survey["devices"].as_array().unwrap().len(), 3);

    // Each survey is kept in the project's history, whole and without the password.
    let kept = site.stored_surveys();
    assert_eq!(kept.len(), 3);
    let newest: Value = serde_json::from_str(&kept[2].1).unwrap();
    assert_eq!(newest, survey);
    assert_eq!(kept[2].0, 3, "the devices column");
    assert!(kept
        .iter()
        .all(|(_, doc)| !doc.contains(PASSWORD) && !doc.contains("not-the-password")));
}

#[test]
fn two_surveys_at_once_on_one_database_are_both_kept() {
    let site = site();
    let children: Vec<_> = ["good-1", "bad-1"]
        .iter()
        .map(|device| {
            site.s
                .command()
                .args(["survey", "--project", "Site", "--timeout-ms", "1500"])
                .args(["--devices", device])
                .stdout(std::process::Stdio::null())
                .stderr(std::process::Stdio::piped())
                .spawn()
                .unwrap()
        })
        .collect();
    let exits: Vec<i32> = children
        .into_iter()
        .map(|c| {
            let out = c.wait_with_output().unwrap();
            assert!(out.status.code().is_some(), "{}", text(&out.stderr));
            out.status.code().unwrap()
        })
        .collect();
    assert_eq!(exits, [0, 1]);
    let kept = site.stored_surveys();
    let mut devices: Vec<String> = kept
        .iter()
        .map(|(_, doc)| serde_json::from_str::<Value>(doc).unwrap()["devices"][0].to_string())
        .collect();
    devices.sort();
    assert_eq!(devices, ["\"bad-1\"", "\"good-1\""]);
}

#[test]
fn bad_input_is_refused_before_anything_runs_or_is_written() {
    let site = site();
    let rules = site.s.path("rules.txt");
    for args in [
        vec!["--devices", "nobody"],
        vec!["--model", "nothing"],
        vec!["--rules", rules.to_str().unwrap()],
        vec!["--report", "survey.pdf"],
    ] {
        let mut all = vec!["survey", "--project", "Site"];
        all.extend(args.iter().copied());
        let out = site.s.run(&all);
        assert_eq!(
            out.status.code(),
            Some(2),
            "{args:?}: {}",
            text(&out.stderr)
        );
    }
    assert!(!rules.exists());
    let out = site.s.run(&["survey", "--project", "Nowhere"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        site.stored_surveys().is_empty(),
        "a refused survey is not kept"
    );
}
