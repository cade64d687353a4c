//! Store benchmark (issue "Models, templates and devices"): import of 1,000 models and
//! 10,000 devices, device search, and rendering every device; p50/p95 and peak RSS.
//! Prints figures and ratios against bare SQLite doing the same inserts; asserts nothing.
//!
//! Run: `scripts/bench.sh store` (a release build).

use loopstudio_core::catalog::TemplateKind;
use loopstudio_core::model::{Device, Model, Project, TemplateInstance};
use loopstudio_core::render::{render_model, Scopes, Variables};
use loopstudio_core::store::Store;
use std::time::{Duration, Instant};

const MODELS: usize = 1_000;
const DEVICES: usize = 10_000;

fn vars(pairs: &[(&str, String)]) -> Variables {
    pairs
        .iter()
        .map(|(k, v)| (k.to_string(), v.clone()))
        .collect()
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    let index = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[index.min(sorted.len() - 1)]
}

fn peak_rss_mb() -> f64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches(" kB").trim().parse::<f64>().ok())
        .map_or(f64::NAN, |kb| kb / 1024.0)
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

fn main() {
    std::env::set_var("LOOPSTUDIO_KEYRING", "off");
    let dir = tempfile::tempdir().expect("temp dir");
    let project = Project {
        name: "bench".into(),
        description: String::new(),
        variables: vars(&[
            ("MQTT_HOST", "mqtt.bench.example".into()),
            ("LWM2M_HOST", "lwm2m.bench.example".into()),
            (
                "MQTT_CA_CERT",
                "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n".into(),
            ),
            ("MQTT_REQ_TOPIC", "req".into()),
            ("MQTT_RESP_TOPIC", "resp".into()),
            ("MQTT_DATA_TOPIC", "data".into()),
            ("REMOTE_NETWORK", "7f3a".into()),
        ]),
    };
    let models: Vec<Model> = (0..MODELS)
        .map(|i| Model {
            name: format!("model-{i:04}"),
            description: String::new(),
            templates: vec![
                TemplateInstance::canonical(TemplateKind::MqttTls),
                TemplateInstance::canonical(TemplateKind::Lwm2mNosec),
            ],
            data_blocks: Vec::new(),
        })
        .collect();
    let devices: Vec<Device> = (0..DEVICES)
        .map(|i| Device {
            name: format!("meter-{i:05}"),
            model: format!("model-{:04}", i % MODELS),
            variables: vars(&[
                ("MQTT_CLIENT_ID", format!("acme-meter-{i:05}")),
                ("MQTT_USERNAME", format!("meter-{i:05}")),
                ("MQTT_PASSWORD", format!("pw-{i:05}-secret")),
                ("LWM2M_ENDPOINT", format!("urn:dev:meter-{i:05}")),
            ]),
        })
        .collect();

    // Ours: the whole project in one transaction, secrets sealed.
    let mut store = Store::open(&dir.path().join("ours.db")).expect("open");
    let start = Instant::now();
    store
        .import_project(&project, &models, &devices)
        .expect("import");
    let import = start.elapsed();

    // Floor: bare rusqlite inserting the same rows (no sealing, no validation, no JSON).
    let floor = {
        let mut conn = rusqlite::Connection::open(dir.path().join("floor.db")).unwrap();
        conn.execute_batch(
            "PRAGMA journal_mode=WAL; CREATE TABLE m (id INTEGER PRIMARY KEY, name TEXT, body TEXT);
             CREATE TABLE d (id INTEGER PRIMARY KEY, name TEXT UNIQUE, model INTEGER, k TEXT, v TEXT);",
        )
        .unwrap();
        let body = serde_json::to_string(&TemplateKind::MqttTls.canonical_body()).unwrap();
        let start = Instant::now();
        let tx = conn.transaction().unwrap();
        for m in &models {
            tx.execute(
                "INSERT INTO m (name, body) VALUES (?1, ?2)",
                (&m.name, &body),
            )
            .unwrap();
        }
        for (i, d) in devices.iter().enumerate() {
            for (k, v) in &d.variables {
                tx.execute(
                    "INSERT OR IGNORE INTO d (name, model, k, v) VALUES (?1, ?2, ?3, ?4)",
                    (&d.name, (i % MODELS) as i64, k, v),
                )
                .unwrap();
            }
        }
        tx.commit().unwrap();
        start.elapsed()
    };

    // Device search: substrings a person would type.
    let mut searches = Vec::new();
    for i in 0..200 {
        let needle = format!("{:03}", (i * 37) % 1000);
        let start = Instant::now();
        let found = store.list_devices("bench", Some(&needle)).unwrap();
        searches.push(start.elapsed());
        assert!(!found.is_empty());
    }
    searches.sort();
    let start = Instant::now();
    let all = store.list_devices("bench", None).unwrap();
    let list_all = start.elapsed();

    // Render every device (loads device, project and model from the store each time).
    let mut renders = Vec::new();
    let render_start = Instant::now();
    let project_vars = store.project("bench").unwrap().variables;
    for summary in &all {
        let start = Instant::now();
        let device = store.device("bench", &summary.name).unwrap();
        let model = store.model("bench", &device.model).unwrap();
        let scopes = Scopes::new(&device.variables, &project_vars).for_device(&summary.name);
        render_model(&model, scopes, false).expect("renders");
        renders.push(start.elapsed());
    }
    let render_total = render_start.elapsed();
    renders.sort();

    println!("store benchmark: {MODELS} models, {DEVICES} devices (release build)");
    println!("import            {:8.1} ms   (target ≤ 1000 ms)   bare-SQLite floor {:.1} ms   ratio {:.2}", ms(import), ms(floor), ms(import) / ms(floor));
    println!(
        "device search     p50 {:6.2} ms   p95 {:6.2} ms   (target p95 ≤ 5 ms)",
        ms(percentile(&searches, 0.5)),
        ms(percentile(&searches, 0.95))
    );
    println!("list all devices  {:8.2} ms", ms(list_all));
    println!(
        "render per device p50 {:6.3} ms   p95 {:6.3} ms   all {} in {:.0} ms",
        ms(percentile(&renders, 0.5)),
        ms(percentile(&renders, 0.95)),
        all.len(),
        ms(render_total)
    );
    println!("peak RSS          {:8.1} MB", peak_rss_mb());
}
