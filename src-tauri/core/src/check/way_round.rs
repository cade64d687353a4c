//! The way round: when a device's checks stop at the transport (no name, refused, timed out,
//! the proxy would not open the way), which other ways reach the same LoopCloud service from
//! this network. For each service that has a blocked check, every template of the model for
//! that service is tried (those the run left out too), and a TCP way that is blocked is tried
//! once more by the other route — through the proxy's CONNECT tunnel when it went direct and
//! a proxy is known, direct when it was the proxy that refused. UDP (LwM2M) has no proxy
//! route; its other template (plain or DTLS, another port) is its way round.
//!
//! The extra checks run like the device's own (guarded, within their budget, ended by a
//! cancel), one service's one after another (they share the device's identity on the
//! server), and send no progress: they are not rows of the run.

use super::runner::run_guarded;
use super::RunContext;
use crate::catalog::{TemplateKind, Transport};
use crate::model::TemplateInstance;
use crate::net::proxy_config::{Destination, ProxyChoice};
use crate::report::paths::{self, Reach, Route, Service, ServicePaths, Way};
use crate::report::Check;
use std::collections::BTreeMap;
use std::sync::Arc;

/// One template's ways: its check in the run (if it ran) and the extra attempts after it.
struct Ways {
    service: Service,
    index: usize,
    ran: Option<Way>,
}

/// The `paths` of a run whose checks of `selected` came out as `checks`; `None` when no
/// check was blocked (or the run was cancelled): then there is nothing to go round.
pub(super) async fn find(
    all: &Arc<Vec<TemplateInstance>>,
    selected: &[usize],
    checks: &[Check],
    ctx: &RunContext,
) -> Option<Vec<ServicePaths>> {
    if !ctx.find_ways_round || ctx.cancel.is_cancelled() {
        return None;
    }
    let ways: Vec<Ways> = all
        .iter()
        .enumerate()
        .map(|(index, t)| Ways {
            service: Service::of(t.kind),
            index,
            ran: selected
                .iter()
                .position(|&i| i == index)
                .and_then(|order| checks.get(order))
                .and_then(|check| paths::way_of(t.kind, check, false)),
        })
        .collect();
    let blocked: Vec<Service> = ways
        .iter()
        .filter(|w| w.ran.as_ref().is_some_and(|w| w.state == Reach::Blocked))
        .map(|w| w.service)
        .collect();
    if blocked.is_empty() {
        return None;
    }

    // One task per identity: MQTT's templates share a client id, LwM2M and bootstrap an
    // endpoint name; OTA stands alone.
    let mut groups: BTreeMap<u8, Vec<(usize, Option<Way>)>> = BTreeMap::new();
    for w in ways.iter().filter(|w| blocked.contains(&w.service)) {
        let group = match w.service {
            Service::Mqtt => 0,
            Service::Lwm2m | Service::Bootstrap => 1,
            Service::Ota => 2,
        };
        groups
            .entry(group)
            .or_default()
            .push((w.index, w.ran.clone()));
    }
    let mut tasks = tokio::task::JoinSet::new();
    for (_, members) in groups {
        let (all, ctx) = (all.clone(), ctx.clone());
        tasks.spawn(async move {
            let mut found = Vec::new();
            for (index, ran) in members {
                let tried = try_template(&all, index, ran, &ctx).await;
                found.extend(tried.into_iter().map(|way| (index, way)));
            }
            found
        });
    }
    let mut extra: Vec<(usize, Way)> = Vec::new();
    while let Some(joined) = tasks.join_next().await {
        extra.extend(joined.unwrap_or_default());
    }
    if ctx.cancel.is_cancelled() {
        return None;
    }

    let mut services: Vec<Service> = ways.iter().map(|w| w.service).collect();
    services.sort();
    services.dedup();
    let found = services
        .into_iter()
        .map(|service| {
            let mut service_ways: Vec<Way> = Vec::new();
            for w in ways.iter().filter(|w| w.service == service) {
                service_ways.extend(w.ran.clone());
                let tried = extra.iter().filter(|(index, _)| *index == w.index);
                service_ways.extend(tried.map(|(_, way)| way.clone()));
            }
            ServicePaths {
                service,
                advice: paths::advice(service, &service_ways),
                ways: service_ways,
            }
        })
        .filter(|s| !s.ways.is_empty())
        .collect();
    Some(found)
}

/// The extra ways of the template at `index`: its check as configured when the run left it
/// out, then — when that way is blocked over TCP — the other route.
async fn try_template(
    all: &Arc<Vec<TemplateInstance>>,
    index: usize,
    ran: Option<Way>,
    ctx: &RunContext,
) -> Vec<Way> {
    let kind = all[index].kind;
    let mut tried = Vec::new();
    let first = match ran {
        Some(way) => way,
        None => {
            let check = run_guarded(all, index, &quiet(ctx, (*ctx.proxy).clone())).await;
            match paths::way_of(kind, &check, true) {
                Some(way) => {
                    tried.push(way.clone());
                    way
                }
                None => return tried,
            }
        }
    };
    if first.state != Reach::Blocked || first.transport != Transport::Tcp {
        return tried;
    }
    if let Some(choice) = other_route(kind, &first, &ctx.proxy) {
        let check = run_guarded(all, index, &quiet(ctx, choice)).await;
        tried.extend(paths::way_of(kind, &check, true));
    }
    tried
}

/// The route `way` did not take, as a proxy choice: the tunnel for MQTT TCP/TLS that went
/// direct while a proxy is known; direct for anything the proxy stopped. `None` when there
/// is no other route (no proxy, or `NO_PROXY` names the host).
fn other_route(kind: TemplateKind, way: &Way, choice: &ProxyChoice) -> Option<ProxyChoice> {
    match way.via {
        Route::Proxy => Some(ProxyChoice::default()),
        Route::Direct => {
            let mqtt = matches!(kind, TemplateKind::MqttTcp | TemplateKind::MqttTls);
            let destination = match kind {
                TemplateKind::MqttHttp => Destination::Http,
                _ => Destination::Tunnel,
            };
            // HTTP publishing and OTA went direct only because no proxy applies to them.
            (mqtt && choice.for_destination(&way.host, destination).is_some())
                .then(|| choice.with_mqtt_tunnel())
        }
    }
}

/// The run's context for an extra check: its own proxy choice, and no progress events.
fn quiet(ctx: &RunContext, proxy: ProxyChoice) -> RunContext {
    RunContext {
        progress: None,
        proxy: Arc::new(proxy),
        ..ctx.clone()
    }
}
