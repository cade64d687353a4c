//! What a lint finding is: its stable code (kebab-case in JSON), severity, pointer,
//! sentence and optional fix — the shape the UI, `loopcheck lint --json` and the tests share.

use serde::Serialize;
use ts_rs::TS;

/// A finding's kind. Stable: the UI, `loopcheck lint --json` and saved files use the names.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, TS)]
#[serde(rename_all = "kebab-case")]
#[ts(export)]
pub enum LintCode {
    /// A placeholder name close to a catalogued one: almost surely a typo.
    PlaceholderMisspelled,
    /// A placeholder that is neither catalogued nor defined by the project.
    PlaceholderUnknown,
    /// A known misspelling LoopCloud itself uses (`%LWM2M_PSK_IDENITY%`): renders, but rename it.
    PlaceholderAlias,
    /// A placeholder whose type does not fit the field (hex field fed by a text placeholder).
    PlaceholderType,
    /// A placeholder that neither the device, the project nor a default gives a value.
    PlaceholderUnresolved,
    /// A key the template kind does not have.
    KeyUnknown,
    /// A key spelled with different letter case than the canonical one.
    KeyCase,
    /// A documented key that the template lacks.
    KeyMissing,
    /// A value that is not a JSON string (LoopCloud templates hold strings).
    ValueNotString,
    PortRange,
    HexInvalid,
    PemInvalid,
    UrlInvalid,
    HostInvalid,
    BoolInvalid,
    /// The PSK's text and hex fields hold different keys.
    PskMismatch,
    /// Two templates of the same kind in one model.
    KindDuplicate,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub enum Severity {
    Error,
    Warning,
}

impl LintCode {
    /// Every code, in declaration order (a test proves the list complete).
    pub const ALL: [LintCode; 17] = [
        LintCode::PlaceholderMisspelled,
        LintCode::PlaceholderUnknown,
        LintCode::PlaceholderAlias,
        LintCode::PlaceholderType,
        LintCode::PlaceholderUnresolved,
        LintCode::KeyUnknown,
        LintCode::KeyCase,
        LintCode::KeyMissing,
        LintCode::ValueNotString,
        LintCode::PortRange,
        LintCode::HexInvalid,
        LintCode::PemInvalid,
        LintCode::UrlInvalid,
        LintCode::HostInvalid,
        LintCode::BoolInvalid,
        LintCode::PskMismatch,
        LintCode::KindDuplicate,
    ];

    pub fn severity(self) -> Severity {
        use LintCode::*;
        match self {
            PlaceholderUnknown | PlaceholderAlias | PlaceholderType | KeyUnknown | KeyCase
            | KeyMissing | ValueNotString | PskMismatch => Severity::Warning,
            PlaceholderMisspelled
            | PlaceholderUnresolved
            | PortRange
            | HexInvalid
            | PemInvalid
            | UrlInvalid
            | HostInvalid
            | BoolInvalid
            | KindDuplicate => Severity::Error,
        }
    }
}

/// The change a fix makes at the finding's pointer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase", tag = "op")]
#[ts(export)]
pub enum FixEdit {
    /// Replace the value at the pointer.
    ReplaceValue { value: String },
    /// Rename the key at the pointer, keeping its value and position.
    RenameKey { key: String },
    /// Add the missing key at the pointer with this value.
    AddKey { value: String },
    /// Turn the number or boolean at the pointer into the same text, quoted (the fix does
    /// not carry the value, which may be a secret).
    QuoteValue,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct Fix {
    /// What the fix does, e.g. "Rename to %LWM2M_PSK_IDENTITY%".
    pub title: String,
    pub edit: FixEdit,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct Finding {
    pub code: LintCode,
    pub severity: Severity,
    pub pointer: String,
    pub message: String,
    pub fix: Option<Fix>,
}

impl Finding {
    pub(super) fn new(
        code: LintCode,
        pointer: impl Into<String>,
        message: impl Into<String>,
    ) -> Self {
        Finding {
            code,
            severity: code.severity(),
            pointer: pointer.into(),
            message: message.into(),
            fix: None,
        }
    }

    pub(super) fn with_fix(mut self, title: impl Into<String>, edit: FixEdit) -> Self {
        self.fix = Some(Fix {
            title: title.into(),
            edit,
        });
        self
    }
}
