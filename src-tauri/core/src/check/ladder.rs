//! The record of one check as it climbs its ladder: each rung is appended as it finishes and,
//! at the same moment, sent to whoever watches the run (the app's Test panel, the CLI's
//! progress lines), so a slow rung is visible while it is still being waited on.

use super::{elapsed_ms, RunContext, StepProgress};
use crate::catalog::TemplateKind;
use crate::report::{Check, DiagnosisCode, Step, Verdict};
use tokio::time::Instant;

/// What happened, step by step; turned into a [`Check`] at the end.
pub(super) struct Ladder {
    kind: TemplateKind,
    pub(super) endpoint: String,
    pub(super) start: Instant,
    steps: Vec<Step>,
    pub(super) reproduce: String,
    ctx: RunContext,
}

impl Ladder {
    pub(super) fn new(kind: TemplateKind, ctx: &RunContext) -> Ladder {
        Ladder {
            kind,
            endpoint: String::new(),
            start: Instant::now(),
            steps: Vec::new(),
            reproduce: String::new(),
            ctx: ctx.clone(),
        }
    }

    pub(super) fn step(
        &mut self,
        name: &str,
        ok: bool,
        started: Instant,
        detail: serde_json::Value,
    ) {
        let step = Step {
            name: name.into(),
            ok,
            elapsed_ms: elapsed_ms(started),
            detail,
        };
        if let Some(sink) = &self.ctx.progress {
            sink(&StepProgress {
                index: self.ctx.check_index,
                kind: self.kind.name().into(),
                endpoint: self.endpoint.clone(),
                step: step.clone(),
            });
        }
        self.steps.push(step);
    }

    pub(super) fn finish(self, verdict: Verdict, code: DiagnosisCode, evidence: String) -> Check {
        Check {
            kind: self.kind.name().into(),
            template: Some(self.kind.spec().title.into()),
            endpoint: self.endpoint,
            verdict,
            code,
            // A warning with nothing wrong on the wire (a certificate about to expire).
            hint: if verdict == Verdict::Warn && code == DiagnosisCode::Ok {
                "It works, but something needs attention soon: see the evidence.".into()
            } else {
                code.hint().into()
            },
            evidence,
            reproduce: self.reproduce,
            elapsed_ms: elapsed_ms(self.start),
            steps: self.steps,
            port: None,
            transport: None,
            service: None,
            state: None,
        }
    }

    pub(super) fn fail(self, code: DiagnosisCode, evidence: String) -> Check {
        self.finish(Verdict::Fail, code, evidence)
    }
}
