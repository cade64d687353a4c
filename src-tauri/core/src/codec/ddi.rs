//! Eclipse hawkBit's Direct Device Integration API as the OTA check reads it: which URL to
//! poll (DESIGN.md §7 fixes how the tenant and controller id are found from `otaDDIUrl`),
//! and what the root poll answer says — the polling interval and the links that announce
//! pending work (`deploymentBase`, `configData`, `cancelAction`, …). Pure functions.

use serde::Serialize;
use ts_rs::TS;

/// Where the root poll goes, and how its parts were found.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct DdiTarget {
    /// The full root-poll URL: `{base}/{tenant}/controller/v1/{controllerId}`.
    pub poll_url: String,
    pub tenant: String,
    pub controller_id: String,
    /// How the tenant was found: `url` (the URL named the controller resource),
    /// `url path` (one path segment) or `default` (no path: `DEFAULT`).
    pub tenant_from: String,
    /// Where the controller id came from (the URL, `OTA_CONTROLLER_ID`, the LWM2M endpoint,
    /// the MQTT client id).
    pub controller_from: String,
}

/// Why an `otaDDIUrl` gives no poll target, or an answer is not a DDI root resource.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Error {
    #[error("otaDDIUrl \"{url}\" is not a URL: {why}")]
    NotAUrl { url: String, why: String },
    #[error("otaDDIUrl \"{0}\" is not an https:// URL with a host")]
    NotHttps(String),
    #[error("no controller id: set OTA_CONTROLLER_ID (or give the device a LWM2M endpoint or MQTT client id)")]
    NoControllerId,
    #[error("the answer is not JSON ({0})")]
    NotJson(String),
    #[error("the answer is JSON but not an object")]
    NotAnObject,
    #[error("the JSON has neither \"config\" nor \"_links\", so it is not a DDI root resource")]
    NotDdi,
}

pub type Result<T> = std::result::Result<T, Error>;

/// The poll target for `ddi_url`. `controller` is the id to use when the URL does not name
/// one, with where it came from.
pub fn target(ddi_url: &str, controller: Option<(&str, &str)>) -> Result<DdiTarget> {
    let shown = crate::text::printable(ddi_url, 120);
    let url = url::Url::parse(ddi_url.trim()).map_err(|e| Error::NotAUrl {
        url: shown.clone(),
        why: e.to_string(),
    })?;
    if !matches!(url.scheme(), "https" | "http") || url.host_str().is_none() {
        return Err(Error::NotHttps(shown));
    }
    let segments: Vec<&str> = url
        .path_segments()
        .map(|s| s.filter(|p| !p.is_empty()).collect())
        .unwrap_or_default();
    let origin = url.origin().ascii_serialization();
    let n = segments.len();
    // …/{tenant}/controller/v1/{id}: used as it is.
    if n >= 4 && segments[n - 3] == "controller" && segments[n - 2] == "v1" {
        return Ok(DdiTarget {
            poll_url: format!("{origin}/{}", segments.join("/")),
            tenant: segments[n - 4].to_string(),
            controller_id: segments[n - 1].to_string(),
            tenant_from: "url".into(),
            controller_from: "url".into(),
        });
    }
    let (prefix, tenant, tenant_from) = match segments.as_slice() {
        [] => (String::new(), "DEFAULT".to_string(), "default"),
        [.., last] => (
            segments[..n - 1]
                .iter()
                .map(|s| format!("/{s}"))
                .collect::<String>(),
            last.to_string(),
            "url path",
        ),
    };
    let (controller_id, controller_from) = controller
        .filter(|(id, _)| !id.is_empty())
        .ok_or(Error::NoControllerId)?;
    Ok(DdiTarget {
        poll_url: format!("{origin}{prefix}/{tenant}/controller/v1/{controller_id}"),
        tenant,
        controller_id: controller_id.to_string(),
        tenant_from: tenant_from.into(),
        controller_from: controller_from.into(),
    })
}

/// What a root poll answered.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct DdiRoot {
    /// `config.polling.sleep` as sent (`HH:MM:SS`).
    #[ts(optional)]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub polling_sleep: Option<String>,
    #[ts(optional)]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub polling_seconds: Option<u64>,
    /// The names of the `_links` present (`deploymentBase`, `configData`, `cancelAction`).
    pub links: Vec<String>,
}

impl DdiRoot {
    /// The pending work the links announce, in words.
    pub fn pending(&self) -> Vec<&'static str> {
        let mut out = Vec::new();
        for link in &self.links {
            match link.as_str() {
                "deploymentBase" => out.push("an update is waiting (deploymentBase)"),
                "configData" => out.push("the server wants the device's attributes (configData)"),
                "cancelAction" => out.push("an update is being cancelled (cancelAction)"),
                "installedBase" => {
                    out.push("the last installed update is on record (installedBase)")
                }
                _ => {}
            }
        }
        out
    }
}

fn seconds(sleep: &str) -> Option<u64> {
    let parts: Vec<u64> = sleep
        .split(':')
        .map(|p| p.parse().ok())
        .collect::<Option<_>>()?;
    match parts.as_slice() {
        // A hostile server may send any number of hours: checked, never overflowing.
        [h, m, s] if *m < 60 && *s < 60 => h.checked_mul(3600)?.checked_add(m * 60 + s),
        _ => None,
    }
}

/// Reads a root-poll body; an error says why it is not DDI.
pub fn parse_root(body: &[u8]) -> Result<DdiRoot> {
    let value: serde_json::Value =
        serde_json::from_slice(body).map_err(|e| Error::NotJson(e.to_string()))?;
    let object = value.as_object().ok_or(Error::NotAnObject)?;
    let config = object.get("config");
    let links = object.get("_links");
    if config.is_none() && links.is_none() {
        return Err(Error::NotDdi);
    }
    let polling_sleep = config
        .and_then(|c| c.pointer("/polling/sleep"))
        .and_then(|s| s.as_str())
        .map(str::to_string);
    let links = links
        .and_then(|l| l.as_object())
        .map(|l| l.keys().cloned().collect())
        .unwrap_or_default();
    Ok(DdiRoot {
        polling_seconds: polling_sleep.as_deref().and_then(seconds),
        polling_sleep,
        links,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_tenant_and_controller_are_found_as_design_says() {
        let full = target(
            "https://ota.example/DEFAULT/controller/v1/dev-1",
            Some(("x", "OTA_CONTROLLER_ID")),
        )
        .unwrap();
        assert_eq!(
            (
                full.tenant.as_str(),
                full.controller_id.as_str(),
                full.controller_from.as_str()
            ),
            ("DEFAULT", "dev-1", "url")
        );
        assert_eq!(
            full.poll_url,
            "https://ota.example/DEFAULT/controller/v1/dev-1"
        );

        let tenant = target(
            "https://ota.example:8443/acme/",
            Some(("meter-7", "LWM2M endpoint")),
        )
        .unwrap();
        assert_eq!(
            tenant.poll_url,
            "https://ota.example:8443/acme/controller/v1/meter-7"
        );
        assert_eq!(
            (tenant.tenant_from.as_str(), tenant.controller_from.as_str()),
            ("url path", "LWM2M endpoint")
        );

        let bare = target("https://ota.example", Some(("c-1", "MQTT client id"))).unwrap();
        assert_eq!(
            (bare.tenant.as_str(), bare.tenant_from.as_str()),
            ("DEFAULT", "default")
        );
        assert_eq!(
            bare.poll_url,
            "https://ota.example/DEFAULT/controller/v1/c-1"
        );

        let prefixed = target("https://h/ddi/acme", Some(("d", "OTA_CONTROLLER_ID"))).unwrap();
        assert_eq!(prefixed.poll_url, "https://h/ddi/acme/controller/v1/d");

        assert!(target("https://h/acme", None)
            .unwrap_err()
            .to_string()
            .contains("OTA_CONTROLLER_ID"));
        assert!(target("ftp://h/acme", Some(("d", "x"))).is_err());
        assert!(target("not a url", Some(("d", "x"))).is_err());
    }

    #[test]
    fn a_root_poll_answer_gives_the_interval_and_the_pending_work() {
        let body = br#"{"config":{"polling":{"sleep":"00:05:00"}},"_links":{"deploymentBase":{"href":"https://h/DEFAULT/controller/v1/d/deploymentBase/3?c=1"},"configData":{"href":"https://h/x"}}}"#;
        let root = parse_root(body).unwrap();
        assert_eq!(root.polling_sleep.as_deref(), Some("00:05:00"));
        assert_eq!(root.polling_seconds, Some(300));
        assert_eq!(root.links, ["deploymentBase", "configData"]);
        assert_eq!(root.pending().len(), 2);
        let idle =
            parse_root(br#"{"config":{"polling":{"sleep":"12:00:00"}},"_links":{}}"#).unwrap();
        assert_eq!(
            (idle.polling_seconds, idle.pending().len()),
            (Some(43200), 0)
        );
    }

    #[test]
    fn answers_that_are_not_ddi_say_why() {
        assert!(parse_root(b"<html>login</html>")
            .unwrap_err()
            .to_string()
            .contains("not JSON"));
        assert!(parse_root(b"[1,2]")
            .unwrap_err()
            .to_string()
            .contains("not an object"));
        assert!(parse_root(br#"{"status":"ok"}"#)
            .unwrap_err()
            .to_string()
            .contains("not a DDI root"));
        assert_eq!(
            parse_root(br#"{"config":{"polling":{"sleep":"99999999999999999:00:00"}}}"#)
                .unwrap()
                .polling_seconds,
            None
        );
        assert_eq!(
            parse_root(br#"{"config":{"polling":{"sleep":"soon"}}}"#)
                .unwrap()
                .polling_seconds,
            None
        );
    }
}
