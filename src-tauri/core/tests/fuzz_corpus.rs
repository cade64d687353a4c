//! Replays the committed fuzz corpus as ordinary tests: every input the fuzzer kept (and
//! every crash it ever found, once added) runs on each `cargo test`.

use std::path::Path;

fn replay(target: &str, run: fn(&[u8])) {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fuzz/corpus")
        .join(target);
    let mut count = 0;
    for entry in std::fs::read_dir(&dir).expect("the corpus is committed") {
        let path = entry.unwrap().path();
        let data = std::fs::read(&path).unwrap();
        run(&data);
        count += 1;
    }
    assert!(count >= 5, "only {count} corpus files in {}", dir.display());
}

#[test]
fn template_pipeline_corpus_replays_cleanly() {
    replay(
        "template_pipeline",
        loopstudio_core::fuzzing::template_pipeline,
    );
}

#[test]
fn lwm2m_payloads_corpus_replays_cleanly() {
    replay("lwm2m_payloads", loopstudio_core::fuzzing::lwm2m_payloads);
}
