//! The local addresses a fleet connects from. One source address and one broker address give
//! at most the ephemeral port range's connections (28,232 on a stock Linux), so a fleet larger
//! than that spreads its devices over several source addresses — on loopback, any of
//! 127.0.0.0/8 — round robin. `--source-addresses` names them (`127.0.0.2-127.0.0.9`, or a
//! comma-separated list); a large fleet against a loopback broker picks them by itself.

use std::net::{IpAddr, Ipv4Addr};

/// Connections a fleet puts on one source address when it spreads by itself: under the
/// ephemeral range, so that other programs still find ports.
pub const DEVICES_PER_SOURCE: u32 = 20_000;
/// The most addresses one `--source-addresses` may name.
pub const MAX_SOURCES: usize = 1024;

/// Parses `127.0.0.2-127.0.0.9` (an IPv4 range, both ends included), `a,b,c`, or a mix
/// (`10.0.0.1,127.0.0.2-127.0.0.4`). The error names the part that is wrong.
pub fn parse(text: &str) -> super::Result<Vec<IpAddr>> {
    let mut out = Vec::new();
    for part in text.split(',').map(str::trim) {
        if part.is_empty() {
            return Err(format!("source addresses {text:?}: an empty entry").into());
        }
        match part.split_once('-') {
            Some((from, to)) => {
                let (from, to) = (v4(from.trim(), part)?, v4(to.trim(), part)?);
                let (low, high) = (u32::from(from), u32::from(to));
                if low > high {
                    return Err(format!("source addresses: {part} runs backwards").into());
                }
                if (high - low) as usize >= MAX_SOURCES {
                    return Err(format!(
                        "source addresses: {part} names more than {MAX_SOURCES} addresses"
                    )
                    .into());
                }
                out.extend((low..=high).map(|a| IpAddr::V4(Ipv4Addr::from(a))));
            }
            None => out.push(
                part.parse::<IpAddr>()
                    .map_err(|_| format!("source addresses: {part:?} is not an IP address"))?,
            ),
        }
        if out.len() > MAX_SOURCES {
            return Err(format!("source addresses: more than {MAX_SOURCES} addresses").into());
        }
    }
    Ok(out)
}

fn v4(text: &str, part: &str) -> super::Result<Ipv4Addr> {
    text.parse()
        .map_err(|_| format!("source addresses: {part:?}: {text:?} is not an IPv4 address").into())
}

/// The addresses a fleet of `devices` against `broker_host` spreads over by itself: for a
/// broker on IPv4 loopback and more devices than one address carries, 127.0.0.1 onwards,
/// one per [`DEVICES_PER_SOURCE`]; otherwise none (the system chooses).
pub fn automatic(broker_host: &str, devices: u32) -> Vec<IpAddr> {
    let loopback = broker_host
        .parse::<Ipv4Addr>()
        .is_ok_and(|a| a.is_loopback())
        || broker_host.eq_ignore_ascii_case("localhost");
    if !loopback || devices <= DEVICES_PER_SOURCE {
        return Vec::new();
    }
    let count = devices.div_ceil(DEVICES_PER_SOURCE);
    (1..=count)
        .map(|n| IpAddr::V4(Ipv4Addr::new(127, 0, 0, n.min(254) as u8)))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ips(text: &[&str]) -> Vec<IpAddr> {
        text.iter().map(|t| t.parse().unwrap()).collect()
    }

    #[test]
    fn ranges_and_lists() {
        assert_eq!(
            parse("127.0.0.2-127.0.0.4").unwrap(),
            ips(&["127.0.0.2", "127.0.0.3", "127.0.0.4"])
        );
        assert_eq!(
            parse("10.0.0.1, 127.0.0.9-127.0.0.9,::1").unwrap(),
            ips(&["10.0.0.1", "127.0.0.9", "::1"])
        );
        // Across an octet boundary.
        assert_eq!(parse("127.0.0.255-127.0.1.0").unwrap().len(), 2);
    }

    #[test]
    fn bad_ranges_name_the_part() {
        for (text, words) in [
            ("127.0.0.9-127.0.0.2", "127.0.0.9-127.0.0.2 runs backwards"),
            ("127.0.0.1-x", "\"x\" is not an IPv4 address"),
            ("127.0.0.1,,127.0.0.2", "an empty entry"),
            ("meter; rm -rf /", "\"meter; rm\" is not an IPv4 address"),
            ("$(reboot)", "\"$(reboot)\" is not an IP address"),
            ("127.0.0.0-127.0.255.255", "more than 1024"),
        ] {
            let error = parse(text).unwrap_err().to_string();
            assert!(error.contains(words), "{text}: {error}");
        }
    }

    #[test]
    fn a_large_fleet_on_loopback_spreads_by_itself() {
        assert!(automatic("127.0.0.1", 20_000).is_empty());
        assert_eq!(
            automatic("127.0.0.1", 50_000),
            ips(&["127.0.0.1", "127.0.0.2", "127.0.0.3"])
        );
        assert_eq!(automatic("localhost", 40_001).len(), 3);
        assert!(
            automatic("broker.example", 50_000).is_empty(),
            "not on loopback"
        );
        assert!(automatic("10.1.2.3", 50_000).is_empty());
    }
}
