//! Bootstrap as the client plays it: Bootstrap-Request, then the server's Deletes, Writes,
//! Discovers and Reads answered against a [`BootstrapStore`] until Bootstrap-Finish, then
//! what was provisioned. The phases are separate calls so that a check can make each a rung.

use super::{exchange, Error, Operation, Result};
use crate::coap::{Datagram, Endpoint};
use crate::lwm2m::bootstrap::{bootstrap_request, BootstrapOperation, BootstrapStore, Provisioned};
use coap_lite::{CoapOption, MessageClass, Packet, RequestType, ResponseType};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::Mutex;
use std::time::Duration;
use tokio::time::Instant;

/// One bootstrap in progress.
pub struct Bootstrap<'a> {
    endpoint_name: &'a str,
    store: Mutex<BootstrapStore>,
    finished: AtomicBool,
    operations: AtomicUsize,
    /// Told of every request the server sends, as it is answered.
    observe: &'a (dyn Fn(&BootstrapOperation) + Send + Sync),
}

fn is_finish(request: &Packet) -> bool {
    request.header.code == MessageClass::Request(RequestType::Post)
        && request
            .get_option(CoapOption::UriPath)
            .is_some_and(|path| path.len() == 1 && path.front().is_some_and(|s| s == b"bs"))
}

impl<'a> Bootstrap<'a> {
    pub fn new(
        endpoint_name: &'a str,
        observe: &'a (dyn Fn(&BootstrapOperation) + Send + Sync),
    ) -> Bootstrap<'a> {
        Bootstrap {
            endpoint_name,
            store: Mutex::new(BootstrapStore::default()),
            finished: AtomicBool::new(false),
            operations: AtomicUsize::new(0),
            observe,
        }
    }

    /// How many requests the server has sent so far.
    pub fn operations(&self) -> usize {
        self.operations.load(Ordering::Relaxed)
    }

    pub fn finished(&self) -> bool {
        self.finished.load(Ordering::Relaxed)
    }

    /// Answers one of the server's requests.
    fn answer(&self, request: &Packet) -> Packet {
        let Ok(mut store) = self.store.lock() else {
            let mut busy = Packet::new();
            busy.header.code = MessageClass::Response(ResponseType::InternalServerError);
            return busy;
        };
        let (answer, operation) = store.handle(request);
        drop(store);
        if operation.operation == "Finish" {
            self.finished.store(true, Ordering::Relaxed);
        }
        self.operations.fetch_add(1, Ordering::Relaxed);
        (self.observe)(&operation);
        answer
    }

    /// Bootstrap-Request, answered 2.04. A server may start writing before it answers; its
    /// requests are served meanwhile.
    pub async fn request<D: Datagram>(
        &self,
        endpoint: &mut Endpoint<D>,
        timeout: Duration,
    ) -> Result<()> {
        let mut handler = |request: &Packet| self.answer(request);
        let request = bootstrap_request(self.endpoint_name);
        let operation = Operation::BootstrapRequest;
        exchange(endpoint, operation, request, &mut handler, timeout).await?;
        Ok(())
    }

    /// The server's requests, answered until Bootstrap-Finish. A server that is quiet for
    /// `quiet` after its last request (or after the Bootstrap-Request) is taken to have
    /// stopped; the whole phase takes at most two `quiet`s.
    pub async fn provision<D: Datagram>(
        &self,
        endpoint: &mut Endpoint<D>,
        quiet: Duration,
    ) -> Result<()> {
        let started = Instant::now();
        let hard_stop = started + quiet * 2;
        let mut handler = |request: &Packet| self.answer(request);
        let mut done = |request: &Packet| is_finish(request);
        while !self.finished() && Instant::now() < hard_stop {
            let before = self.operations();
            let quiet_until = (Instant::now() + quiet).min(hard_stop);
            let served = endpoint.serve(quiet_until, &mut handler, &mut done).await;
            match served.map_err(Error::Serving)? {
                true => break,
                false if self.operations() == before => break, // quiet for a whole `quiet`
                false => {}
            }
        }
        if self.finished() {
            return Ok(());
        }
        Err(Error::NoFinish {
            operations: self.operations(),
            waited_ms: started.elapsed().as_millis(),
        })
    }

    /// What the server provisioned, if it can be used to register.
    pub fn provisioned(&self) -> Result<Provisioned> {
        let store = self.store.lock().map_err(|_| Error::Lost)?;
        Ok(store.provisioned()?)
    }
}
