//! The one way we set up an rumqttc client (the checks' MQTT 5 and 3.1.1 clients, the
//! delivery observer, every virtual device): who it is, its credentials, how it reaches the
//! broker, how long it keeps alive, and how many publishes it keeps in flight.
//!
//! The in-flight limit matters: rumqttc reserves a slot for each possible in-flight publish
//! and its default is 65 535 of them (about 13 MB per client) — a check publishes once and a
//! virtual device needs a handful, so each caller says how many.

use crate::settings::MqttSettings;
use rumqttc::{TlsConfiguration, Transport};
use std::time::Duration;

/// How one client of ours connects to the broker of `settings`.
pub struct ClientSetup<'a> {
    pub settings: &'a MqttSettings,
    /// The client id to connect with (the template's, or an observer's suffixed one).
    pub client_id: String,
    pub keep_alive: Duration,
    pub inflight: u16,
    pub transport: Transport,
    /// How long the TCP/TLS connection may take (MQTT 5 clients; whole seconds, at least 1).
    pub connect_timeout: Duration,
    /// An HTTP proxy whose CONNECT tunnel the connection goes through (`--proxy-mqtt`).
    pub proxy: Option<rumqttc::Proxy>,
}

impl<'a> ClientSetup<'a> {
    /// A client with the template's own client id, over plain TCP.
    pub fn new(settings: &'a MqttSettings, keep_alive: Duration, inflight: u16) -> Self {
        ClientSetup {
            settings,
            client_id: settings.client_id.clone(),
            keep_alive,
            inflight,
            transport: Transport::tcp(),
            connect_timeout: Duration::from_secs(5),
            proxy: None,
        }
    }

    /// The same client through `proxy`'s CONNECT tunnel.
    pub fn through(mut self, proxy: Option<&crate::net::proxy_config::Proxy>) -> Self {
        self.proxy = proxy.map(|p| rumqttc::Proxy {
            ty: rumqttc::ProxyType::Http,
            auth: match (&p.user, p.password()) {
                (Some(user), password) => rumqttc::ProxyAuth::Basic {
                    username: user.clone(),
                    password: password.unwrap_or_default().to_string(),
                },
                (None, _) => rumqttc::ProxyAuth::None,
            },
            addr: p.host.clone(),
            port: p.port,
        });
        self
    }

    /// An MQTT 5 client (clean start).
    pub fn v5(&self) -> rumqttc::v5::MqttOptions {
        let s = self.settings;
        let mut options =
            rumqttc::v5::MqttOptions::new(self.client_id.clone(), s.host.clone(), s.port);
        options
            .set_keep_alive(self.keep_alive)
            .set_clean_start(true)
            .set_transport(self.transport.clone())
            .set_outgoing_inflight_upper_limit(self.inflight);
        options.set_connection_timeout(self.connect_timeout.as_secs().max(1));
        if !s.user.is_empty() {
            options.set_credentials(s.user.clone(), s.password.clone());
        }
        if let Some(proxy) = &self.proxy {
            options.set_proxy(proxy.clone());
        }
        options
    }

    /// An MQTT 3.1.1 client (clean session), for brokers that refuse MQTT 5.
    pub fn v311(&self) -> rumqttc::MqttOptions {
        let s = self.settings;
        let mut options = rumqttc::MqttOptions::new(self.client_id.clone(), s.host.clone(), s.port);
        options
            .set_keep_alive(self.keep_alive)
            .set_clean_session(true)
            .set_transport(self.transport.clone())
            .set_inflight(self.inflight);
        if !s.user.is_empty() {
            options.set_credentials(s.user.clone(), s.password.clone());
        }
        if let Some(proxy) = &self.proxy {
            options.set_proxy(proxy.clone());
        }
        options
    }
}

/// The TLS transport for `config` (a verifying configuration from [`super::tls`]).
pub fn tls_transport(config: std::sync::Arc<rustls::ClientConfig>) -> Transport {
    Transport::tls_with_config(TlsConfiguration::Rustls(config))
}
