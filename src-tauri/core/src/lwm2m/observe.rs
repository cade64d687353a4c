//! Observe (RFC 7641; LwM2M 1.1 Core §6.4.1) on the client side, without I/O: which reads
//! became observations, and — when the device's values change — which notifications are due.
//! A server observes with a GET carrying Observe 0 and cancels with Observe 1 or by answering
//! a notification with RST. A notification repeats the observed read under the same token
//! with a growing Observe number, and is sent only when the answer changed.

use super::registration::{self, TestDevice};
use coap_lite::{CoapOption, MessageClass, Packet, ResponseType};

/// The most observations one virtual device keeps (a server observes a handful of paths; a
/// misbehaving one must not grow the device without limit). The oldest goes first.
pub const MAX_OBSERVATIONS: usize = 32;

/// One observed read.
#[derive(Debug, Clone)]
struct Observation {
    /// The GET that started it, answered again for each notification.
    request: Packet,
    /// The payload last sent, to notify on change only.
    last: Vec<u8>,
    /// The message id of the last notification, to match an RST that cancels it.
    last_mid: Option<u16>,
}

/// A notification to send: the read's answer with its token and Observe number.
#[derive(Debug, Clone, PartialEq)]
pub struct Notification {
    pub token: Vec<u8>,
    pub path: String,
    pub response: Packet,
}

/// The observations a device holds.
#[derive(Debug, Default)]
pub struct Observations {
    list: Vec<Observation>,
    /// The Observe number of the next answer (24 bits, RFC 7641 §4.4).
    sequence: u32,
}

/// The Observe option's value in a request, if it has one.
fn observe_value(packet: &Packet) -> Option<u32> {
    packet
        .get_first_option(CoapOption::Observe)
        .map(|v| v.iter().fold(0u32, |a, b| (a << 8) | u32::from(*b)))
}

fn uint_bytes(value: u32) -> Vec<u8> {
    let bytes = value.to_be_bytes();
    let first = bytes.iter().position(|b| *b != 0).unwrap_or(4);
    bytes[first..].to_vec()
}

impl Observations {
    pub fn len(&self) -> usize {
        self.list.len()
    }

    pub fn is_empty(&self) -> bool {
        self.list.is_empty()
    }

    /// The observed paths, for the log.
    pub fn paths(&self) -> Vec<String> {
        self.list
            .iter()
            .map(|o| crate::codec::coap_text::uri_text(&o.request))
            .collect()
    }

    fn next_sequence(&mut self) -> u32 {
        self.sequence = (self.sequence + 1) & 0x00ff_ffff;
        self.sequence
    }

    /// Looks at a request and the answer about to go back: a successful GET with Observe 0
    /// starts (or renews) an observation and its answer gets an Observe number; Observe 1
    /// ends one. Returns what happened, for the log.
    pub fn on_request(&mut self, request: &Packet, reply: &mut Packet) -> Option<&'static str> {
        if request.header.code != MessageClass::Request(coap_lite::RequestType::Get) {
            return None;
        }
        let token = request.get_token().to_vec();
        match observe_value(request)? {
            0 if reply.header.code == MessageClass::Response(ResponseType::Content) => {
                self.list
                    .retain(|o| o.request.get_token() != token.as_slice());
                if self.list.len() == MAX_OBSERVATIONS {
                    self.list.remove(0);
                }
                let sequence = self.next_sequence();
                reply.add_option(CoapOption::Observe, uint_bytes(sequence));
                self.list.push(Observation {
                    request: request.clone(),
                    last: reply.payload.clone(),
                    last_mid: None,
                });
                Some("observe started")
            }
            1 => {
                let before = self.list.len();
                self.list
                    .retain(|o| o.request.get_token() != token.as_slice());
                (self.list.len() < before).then_some("observe cancelled")
            }
            _ => None,
        }
    }

    /// The notifications due now: each observed read answered again, where the answer
    /// changed since it was last sent.
    pub fn due(&mut self, device: &TestDevice) -> Vec<Notification> {
        let mut due = Vec::new();
        for at in 0..self.list.len() {
            let (mut response, _) = registration::answer(device, &self.list[at].request);
            if response.payload == self.list[at].last {
                continue;
            }
            let sequence = self.next_sequence();
            let observation = &mut self.list[at];
            observation.last = response.payload.clone();
            response.add_option(CoapOption::Observe, uint_bytes(sequence));
            response.set_token(observation.request.get_token().to_vec());
            due.push(Notification {
                token: observation.request.get_token().to_vec(),
                path: crate::codec::coap_text::uri_text(&observation.request),
                response,
            });
        }
        due
    }

    /// Remembers the message id a notification went out with.
    pub fn sent(&mut self, token: &[u8], mid: u16) {
        if let Some(o) = self
            .list
            .iter_mut()
            .find(|o| o.request.get_token() == token)
        {
            o.last_mid = Some(mid);
        }
    }

    /// The server answered message `mid` with RST: the observation it notified ends.
    /// Returns the path it observed.
    pub fn reset(&mut self, mid: u16) -> Option<String> {
        let at = self.list.iter().position(|o| o.last_mid == Some(mid))?;
        Some(crate::codec::coap_text::uri_text(
            &self.list.remove(at).request,
        ))
    }

    /// Forget every observation (the registration ended; a new one starts fresh).
    pub fn clear(&mut self) {
        self.list.clear();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lwm2m::objects::Value;
    use coap_lite::RequestType;

    fn get(path: &str, token: u8, observe: Option<u32>) -> Packet {
        let mut p = Packet::new();
        p.header.code = MessageClass::Request(RequestType::Get);
        p.set_token(vec![token]);
        for s in path.split('/').filter(|s| !s.is_empty()) {
            p.add_option(CoapOption::UriPath, s.as_bytes().to_vec());
        }
        if let Some(v) = observe {
            p.add_option(CoapOption::Observe, uint_bytes(v));
        }
        p
    }

    fn set_temperature(device: &mut TestDevice, value: f64) {
        if let Some(t) = device.objects.get_mut(&3303) {
            t.insert(5700, Value::Float(value));
        }
    }

    #[test]
    fn an_observed_value_notifies_on_change_only_until_cancelled() {
        let mut device = TestDevice::new("d");
        let mut observations = Observations::default();
        let request = get("/3303/0/5700", 7, Some(0));
        let (mut reply, _) = registration::answer(&device, &request);
        assert_eq!(
            observations.on_request(&request, &mut reply),
            Some("observe started")
        );
        let first = observe_value(&reply).unwrap();
        assert!(observations.due(&device).is_empty(), "nothing changed yet");

        set_temperature(&mut device, 23.25);
        let due = observations.due(&device);
        assert_eq!(due.len(), 1);
        assert_eq!(due[0].path, "/3303/0/5700");
        assert_eq!(due[0].response.payload, b"23.25");
        assert_eq!(due[0].response.get_token(), &[7]);
        assert!(observe_value(&due[0].response).unwrap() > first);
        assert!(observations.due(&device).is_empty(), "sent once per change");

        observations.sent(&[7], 41);
        assert_eq!(observations.reset(40), None);
        assert_eq!(observations.reset(41).as_deref(), Some("/3303/0/5700"));
        set_temperature(&mut device, 24.0);
        assert!(observations.due(&device).is_empty());
    }

    #[test]
    fn observe_one_cancels_and_failed_reads_are_not_observed() {
        let device = TestDevice::new("d");
        let mut observations = Observations::default();
        let start = get("/3/0", 1, Some(0));
        let (mut reply, _) = registration::answer(&device, &start);
        observations.on_request(&start, &mut reply);
        assert_eq!(observations.paths(), ["/3/0"]);
        let stop = get("/3/0", 1, Some(1));
        let (mut reply, _) = registration::answer(&device, &stop);
        assert_eq!(
            observations.on_request(&stop, &mut reply),
            Some("observe cancelled")
        );
        assert!(observations.is_empty());
        let missing = get("/5/0", 2, Some(0));
        let (mut reply, _) = registration::answer(&device, &missing);
        assert_eq!(observations.on_request(&missing, &mut reply), None);
        assert!(reply.get_first_option(CoapOption::Observe).is_none());
        let plain = get("/3/0", 3, None);
        let (mut reply, _) = registration::answer(&device, &plain);
        assert_eq!(observations.on_request(&plain, &mut reply), None);
    }

    #[test]
    fn observations_are_bounded() {
        let device = TestDevice::new("d");
        let mut observations = Observations::default();
        for token in 0..(MAX_OBSERVATIONS as u8 + 10) {
            let request = get("/3303/0", token, Some(0));
            let (mut reply, _) = registration::answer(&device, &request);
            observations.on_request(&request, &mut reply);
        }
        assert_eq!(observations.len(), MAX_OBSERVATIONS);
    }
}
