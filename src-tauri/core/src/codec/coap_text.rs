//! CoAP messages in words, and the block option's numbers: `0.02 POST`, `/rd?ep=m`, the
//! content format, Block1/Block2 (RFC 7959) values — pure functions on coap-lite packets,
//! shared by the exchange layer, the LwM2M code and the reports.

use coap_lite::{CoapOption, MessageClass, MessageType, Packet};

pub fn kind_word(t: MessageType) -> &'static str {
    match t {
        MessageType::Confirmable => "CON",
        MessageType::NonConfirmable => "NON",
        MessageType::Acknowledgement => "ACK",
        MessageType::Reset => "RST",
    }
}

/// `0.02 POST`, `2.01 Created`, `0.00`.
pub fn code_text(class: MessageClass) -> String {
    match class {
        MessageClass::Empty => "0.00".into(),
        MessageClass::Request(r) => format!("{class} {}", format!("{r:?}").to_uppercase()),
        MessageClass::Response(r) => format!("{class} {r:?}"),
        MessageClass::Reserved(_) => format!("{class}"),
    }
}

fn options_text(packet: &Packet, option: CoapOption) -> Vec<String> {
    packet
        .get_option(option)
        .map(|values| {
            values
                .iter()
                .map(|v| String::from_utf8_lossy(v).into_owned())
                .collect()
        })
        .unwrap_or_default()
}

/// A request's path and query, or a response's Location-Path, as one string.
pub fn uri_text(packet: &Packet) -> String {
    let path = options_text(packet, CoapOption::UriPath);
    let location = options_text(packet, CoapOption::LocationPath);
    if !path.is_empty() {
        let query = options_text(packet, CoapOption::UriQuery);
        let mut uri = format!("/{}", path.join("/"));
        if !query.is_empty() {
            uri.push('?');
            uri.push_str(&query.join("&"));
        }
        uri
    } else if !location.is_empty() {
        format!("/{}", location.join("/"))
    } else {
        String::new()
    }
}

pub fn content_format(packet: &Packet) -> Option<u16> {
    packet
        .get_first_option(CoapOption::ContentFormat)
        .map(|v| v.iter().fold(0u16, |a, b| (a << 8) | u16::from(*b)))
}

/// A Block1/Block2 option: block number, more flag, size exponent (size = 2^(szx+4)).
pub fn block(packet: &Packet, option: CoapOption) -> Option<(u32, bool, u8)> {
    let raw = packet.get_first_option(option)?;
    let value = raw.iter().fold(0u32, |a, b| (a << 8) | u32::from(*b));
    Some((value >> 4, value & 0x08 != 0, (value & 0x07) as u8))
}

pub fn block_value(num: u32, more: bool, szx: u8) -> Vec<u8> {
    let value = (num << 4) | (u32::from(more) << 3) | u32::from(szx & 0x07);
    let bytes = value.to_be_bytes();
    let first = bytes.iter().position(|b| *b != 0).unwrap_or(4);
    bytes[first..].to_vec()
}

#[cfg(test)]
mod tests {
    use super::*;
    use coap_lite::{RequestType, ResponseType};

    #[test]
    fn codes_and_paths_read_as_people_write_them() {
        assert_eq!(
            code_text(MessageClass::Request(RequestType::Post)),
            "0.02 POST"
        );
        assert_eq!(
            code_text(MessageClass::Response(ResponseType::Created)),
            "2.01 Created"
        );
        assert_eq!(code_text(MessageClass::Empty), "0.00");
        let mut p = Packet::new();
        p.add_option(CoapOption::UriPath, b"rd".to_vec());
        p.add_option(CoapOption::UriQuery, b"ep=m".to_vec());
        assert_eq!(uri_text(&p), "/rd?ep=m");
        assert_eq!(kind_word(MessageType::Reset), "RST");
    }

    #[test]
    fn block_values_are_as_short_as_rfc_7959_says_and_round_trip() {
        assert_eq!(block_value(0, false, 0), Vec::<u8>::new());
        assert_eq!(block_value(1, true, 6), vec![0x1e]);
        for (num, more, szx) in [(0, true, 0), (5, false, 6), (1023, true, 2)] {
            let mut p = Packet::new();
            p.add_option(CoapOption::Block2, block_value(num, more, szx));
            assert_eq!(block(&p, CoapOption::Block2), Some((num, more, szx)));
        }
    }
}
