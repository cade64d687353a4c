//! The virtual LwM2M device's bootstrap: Bootstrap-Request, the server's Deletes and Writes
//! of /0 and /1 answered until Bootstrap-Finish (within two exchange timeouts), and the
//! server it provisioned — with its PSK, when security mode 0 — as where to register.

use super::lwm2m_device::{resolve, response, Logger, Target};
use crate::coap::{self, Datagram, Endpoint, Transmission};
use crate::lwm2m::bootstrap::{bootstrap_request, BootstrapStore};
use crate::net::dtls::{self, Psk};
use crate::net::udp_connected;
use crate::report::diagnose;
use crate::settings::Lwm2mSettings;
use coap_lite::{CoapOption, MessageClass, Packet, RequestType, ResponseType};
use std::net::SocketAddr;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Mutex;
use std::time::Duration;
use tokio::time::Instant;

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
    let transmission = Transmission::within(timeout);
    match &bs.security {
        None => bootstrap_over(Endpoint::new(socket, transmission), bs, addr, timeout, log).await,
        Some(security) => {
            let (link, _) = dtls::psk_handshake(socket, &bs.host, &security.psk, timeout).await;
            let link = link.map_err(|f| format!("bootstrap: {}", diagnose::dtls(&f, addr).1))?;
            bootstrap_over(Endpoint::new(link, transmission), bs, addr, timeout, log).await
        }
    }
}

async fn bootstrap_over<D: Datagram>(
    mut endpoint: Endpoint<D>,
    bs: &Lwm2mSettings,
    addr: SocketAddr,
    timeout: Duration,
    log: &Logger<'_>,
) -> super::Result<Target> {
    let store = Mutex::new(BootstrapStore::default());
    let finished = AtomicBool::new(false);
    let mut handler = |request: &Packet| match store.lock() {
        Ok(mut s) => {
            let (answer, op) = s.handle(request);
            if op.operation == "Finish" {
                finished.store(true, Ordering::Relaxed);
            }
            log.line("in", &format!("{} {}", op.operation, op.path), op.code);
            answer
        }
        Err(_) => response(ResponseType::InternalServerError),
    };
    let answered = endpoint
        .request_within(
            bootstrap_request(&bs.endpoint),
            &mut handler,
            timeout,
            timeout * super::lwm2m::EXCHANGE_LIMIT_FACTOR,
        )
        .await
        .map_err(|e| format!("Bootstrap-Request to {addr}: {e}"))?;
    if answered.header.code != MessageClass::Response(ResponseType::Changed) {
        return Err(super::Error::Other(format!(
            "the bootstrap server answered the request with {}",
            coap::code_text(answered.header.code)
        )));
    }
    let hard_stop = Instant::now() + timeout * 2;
    let mut is_finish = |p: &Packet| {
        p.header.code == MessageClass::Request(RequestType::Post)
            && p.get_option(CoapOption::UriPath)
                .is_some_and(|v| v.len() == 1 && v.front().is_some_and(|s| s == b"bs"))
    };
    while !finished.load(Ordering::Relaxed) && Instant::now() < hard_stop {
        if !endpoint
            .serve(hard_stop, &mut handler, &mut is_finish)
            .await
            .map_err(|e| format!("bootstrap: {e}"))?
        {
            break;
        }
    }
    if !finished.load(Ordering::Relaxed) {
        return Err("the bootstrap server never sent Bootstrap-Finish".into());
    }
    let provisioned = store
        .lock()
        .map_err(|_| "the provisioned values were lost".to_string())?
        .provisioned()
        .map_err(|why| format!("bootstrap provisioned nothing usable: {why}"))?;
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
