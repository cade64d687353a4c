//! mqtt-tcp and mqtt-tls: the broker, the credentials, the client id and the topics.

use super::fields::{host_field, port_field, required, text};
use super::Result;
use crate::catalog::TemplateKind;
use crate::model::JsonObject;

/// The values of a rendered mqtt-tcp / mqtt-tls template.
#[derive(PartialEq, Eq)]
pub struct MqttSettings {
    pub host: String,
    pub port: u16,
    /// The CA the broker's certificate is checked against (mqtt-tls only; empty: the OS's).
    pub ca: Option<String>,
    pub user: String,
    pub password: String,
    pub client_id: String,
    pub req_topic: String,
    pub resp_topic: String,
    pub data_topic: String,
}

/// The settings of an mqtt-tcp or mqtt-tls body.
pub fn mqtt(kind: TemplateKind, body: &JsonObject) -> Result<MqttSettings> {
    let port_key = if kind == TemplateKind::MqttTls {
        "mqttSslPort"
    } else {
        "mqttTcpPort"
    };
    let port = port_field(body, port_key)?;
    let host = host_field(body, "mqttHostName")?;
    let client_id = required(body, "mqttClientId")?;
    Ok(MqttSettings {
        host,
        port,
        ca: (kind == TemplateKind::MqttTls).then(|| text(body, "mqttServerCA")),
        user: text(body, "mqttUserName"),
        password: text(body, "mqttPassword"),
        client_id,
        req_topic: text(body, "mqttReqTopicName"),
        resp_topic: text(body, "mqttRespTopicName"),
        data_topic: text(body, "mqttDataTopicName"),
    })
}
