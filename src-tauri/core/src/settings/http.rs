//! mqtt-http and mqtt-https: the publish URL (its scheme fixed by the kind), the
//! credentials, the client id and the data topic.

use super::fields::{host_checked, required, text};
use super::{shown, Error, Result};
use crate::catalog::TemplateKind;
use crate::model::JsonObject;
use base64::Engine;
use zeroize::Zeroizing;

/// The values of a rendered mqtt-http / mqtt-https template.
pub struct HttpSettings {
    pub url: url::Url,
    pub host: String,
    pub port: u16,
    pub user: String,
    pub password: String,
    pub client_id: String,
    pub data_topic: String,
}

impl HttpSettings {
    /// The JSON body of one message in the widely used HTTP-publish shape
    /// (`{"topic","payload","qos","clientid"}`).
    pub fn request_body(&self, payload: &str) -> String {
        serde_json::json!({ "topic": self.data_topic, "payload": payload, "qos": 1, "clientid": self.client_id })
            .to_string()
    }

    /// The whole POST of `body_json` to the publish URL, with Basic auth from the MQTT
    /// credentials (kept in zeroized memory: it holds the password).
    pub fn post_request(&self, body_json: &str) -> Zeroizing<Vec<u8>> {
        self.request(body_json, None)
    }

    /// The same POST for an HTTP proxy: the absolute URL as its target (without any
    /// credentials the URL held), and the proxy's own `Proxy-Authorization`.
    pub fn forwarded_request(
        &self,
        body_json: &str,
        proxy_authorization: Option<&str>,
    ) -> Zeroizing<Vec<u8>> {
        self.request(body_json, Some(proxy_authorization))
    }

    /// `proxy`: `None` for the server itself, `Some(authorization)` for a proxy.
    fn request(&self, body_json: &str, proxy: Option<Option<&str>>) -> Zeroizing<Vec<u8>> {
        let authorization = (!self.user.is_empty()).then(|| {
            let pair = Zeroizing::new(format!("{}:{}", self.user, self.password));
            Zeroizing::new(format!(
                "Basic {}",
                base64::engine::general_purpose::STANDARD.encode(pair.as_bytes())
            ))
        });
        let host_header = match self.url.port() {
            Some(p) => format!("{}:{p}", self.host),
            None => self.host.clone(),
        };
        let mut target = match self.url.query() {
            Some(q) => format!("{}?{q}", self.url.path()),
            None => self.url.path().to_string(),
        };
        if proxy.is_some() {
            target = format!("{}://{host_header}{target}", self.url.scheme());
        }
        Zeroizing::new(crate::codec::http_message::post_json_via(
            &host_header,
            &target,
            (
                authorization.as_deref().map(|a| a.as_str()),
                proxy.flatten(),
            ),
            body_json.as_bytes(),
        ))
    }
}

/// The settings of an mqtt-http or mqtt-https body.
pub fn http(kind: TemplateKind, body: &JsonObject) -> Result<HttpSettings> {
    let key = if kind == TemplateKind::MqttHttps {
        "httpsUrl"
    } else {
        "httpUrl"
    };
    let text_value = text(body, key);
    let value = shown(&text_value);
    let url = url::Url::parse(&text_value).map_err(|e| Error::NotAUrl {
        key: key.into(),
        value: value.clone(),
        why: e.to_string(),
    })?;
    if !matches!(url.scheme(), "http" | "https") {
        return Err(Error::NotHttp {
            key: key.into(),
            value,
        });
    }
    if let Some(wanted) = kind.required_scheme(key).filter(|w| *w != url.scheme()) {
        return Err(Error::WrongScheme {
            key: key.into(),
            value,
            scheme: url.scheme().into(),
            kind: kind.name(),
            over: if wanted == "https" {
                "TLS"
            } else {
                "plain HTTP"
            },
            wanted,
        });
    }
    let without = |part| Error::UrlWithout {
        key: key.into(),
        value: value.clone(),
        part,
    };
    let host = url
        .host_str()
        .filter(|h| !h.is_empty())
        .ok_or_else(|| without("host"))?
        .to_string();
    let host = host_checked(key, host)?;
    let port = url.port_or_known_default().ok_or_else(|| without("port"))?;
    let client_id = required(body, "mqttClientId")?;
    let data_topic = required(body, "mqttDataTopicName")?;
    Ok(HttpSettings {
        url,
        host,
        port,
        user: text(body, "mqttUserName"),
        password: text(body, "mqttPassword"),
        client_id,
        data_topic,
    })
}
