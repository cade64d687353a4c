//! Replays the committed fuzz corpus as ordinary tests: every input the fuzzer kept (and
//! every crash it ever found, once added) runs on each `cargo test`.

use std::path::Path;

#[test]
fn template_pipeline_corpus_replays_cleanly() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("fuzz/corpus/template_pipeline");
    let mut count = 0;
    for entry in std::fs::read_dir(&dir).expect("the corpus is committed") {
        let path = entry.unwrap().path();
        let data = std::fs::read(&path).unwrap();
        loopstudio_core::fuzzing::template_pipeline(&data);
        count += 1;
    }
    assert!(count >= 5, "only {count} corpus files in {}", dir.display());
}
