//! The virtual LwM2M device's bootstrap: Bootstrap-Request, the server's Deletes and Writes
//! of /0 and /1 answered until Bootstrap-Finish (within two exchange timeouts), and the
//! server it provisioned — with its PSK, when security mode 0 — as where to register.

use super::lwm2m_device::{resolve, Logger, Target};
use crate::coap::{Datagram, Endpoint, Transmission};
use crate::lwm2m::bootstrap::BootstrapOperation;
use crate::lwm2m_client::{self, bootstrap::Bootstrap};
use crate::net::coap_link;
use crate::net::dtls::Psk;
use crate::net::udp_connected;
use crate::report::diagnose;
use crate::settings::Lwm2mSettings;
use std::net::SocketAddr;
use std::time::Duration;

/// Bootstrap: Bootstrap-Request, the server's writes answered until Finish, and the server
/// it provisioned as the target.
pub(super) async fn provision(
    bs: &Lwm2mSettings,
    resolver: &crate::net::Resolver,
    timeout: Duration,
    log: &Logger<'_>,
) -> super::Result<Target> {
    let secure = if bs.security.is_some() {
        "DTLS-PSK"
    } else {
        "CoAP"
    };
    log.line(
        "state",
        "bootstrapping",
        format!("{}:{} ({secure}) as {}", bs.host, bs.port, bs.endpoint),
    );
    let addr = resolve(resolver, &bs.host, bs.port, timeout).await?;
    let socket = udp_connected(addr).await?;
    let psk = bs.security.as_ref().map(|security| &security.psk);
    let opened = coap_link::open(socket, &bs.host, psk, timeout).await;
    let opened =
        opened.map_err(|f| format!("bootstrap: {}", diagnose::dtls(&f.failure, addr).1))?;
    let endpoint = Endpoint::new(opened.link, Transmission::within(timeout));
    bootstrap_over(endpoint, bs, addr, timeout, log).await
}

async fn bootstrap_over<D: Datagram>(
    mut endpoint: Endpoint<D>,
    bs: &Lwm2mSettings,
    addr: SocketAddr,
    timeout: Duration,
    log: &Logger<'_>,
) -> super::Result<Target> {
    let show = |op: &BootstrapOperation| {
        log.line(
            "in",
            &format!("{} {}", op.operation, op.path),
            op.code.clone(),
        )
    };
    let session = Bootstrap::new(&bs.endpoint, &show);
    let failed = |e: lwm2m_client::Error| format!("bootstrap with {addr}: {e}");
    session
        .request(&mut endpoint, timeout)
        .await
        .map_err(failed)?;
    session
        .provision(&mut endpoint, timeout)
        .await
        .map_err(failed)?;
    let provisioned = session.provisioned().map_err(failed)?;
    log.line(
        "state",
        "bootstrapped",
        format!(
            "provisioned {} (security mode {})",
            provisioned.view.server_uri, provisioned.view.security_mode
        ),
    );
    let psk = match (provisioned.identity, provisioned.key) {
        (Some(identity), Some(key)) if provisioned.view.security_mode == 0 => {
            Some(Psk { identity, key })
        }
        _ => None,
    };
    Ok(Target {
        host: provisioned.host,
        port: provisioned.port,
        endpoint: bs.endpoint.clone(),
        psk,
    })
}
