//! ota: the DDI URL, the CA that checks the server, the client certificate and its key.

use super::fields::text;
use super::Result;
use crate::model::JsonObject;

/// The values of a rendered OTA template (PEM text as written; parsed by the check).
pub struct OtaSettings {
    pub ddi_url: String,
    pub ca: String,
    pub cert: String,
    pub key: String,
}

/// The settings of an ota body.
pub fn ota(body: &JsonObject) -> Result<OtaSettings> {
    Ok(OtaSettings {
        ddi_url: text(body, "otaDDIUrl"),
        ca: text(body, "otaCaCert"),
        cert: text(body, "otaCert"),
        key: text(body, "otaPrivateKey"),
    })
}
