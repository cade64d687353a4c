//! The proxy choice as curl would make it: URLs, precedence, the environment, NO_PROXY.

use super::*;
use std::collections::HashMap;

fn env(pairs: &[(&str, &str)]) -> impl Fn(&str) -> Option<String> {
    let map: HashMap<String, String> = pairs
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    move |name| map.get(name).cloned()
}

#[test]
fn a_proxy_url_is_read_and_never_shown_with_its_password() {
    let p = Proxy::parse(
        "http://ops:s%40cret@proxy.acme.example:3128",
        ProxySource::Flag,
    )
    .unwrap();
    assert_eq!((p.host.as_str(), p.port), ("proxy.acme.example", 3128));
    assert_eq!(p.user.as_deref(), Some("ops"));
    assert_eq!(p.shown(), "http://ops:••••••@proxy.acme.example:3128");
    assert_eq!(p.address(), "http://proxy.acme.example:3128");
    // "ops:s@cret" in base64: the %40 was decoded.
    assert_eq!(
        p.authorization().unwrap().as_str(),
        "Basic b3BzOnNAY3JldA=="
    );
    assert!(!format!("{p:?}").contains("cret"));
    let bare = Proxy::parse("10.0.0.1", ProxySource::Flag).unwrap();
    assert_eq!((bare.port, bare.authorization()), (1080, None));
}

#[test]
fn unusable_proxy_settings_say_where_they_came_from_without_the_password() {
    let e = Proxy::parse(
        "socks5://10.0.0.1:1080",
        ProxySource::Environment("ALL_PROXY"),
    )
    .unwrap_err();
    assert!(
        e.to_string()
            .starts_with("$ALL_PROXY: socks5:// proxies are not supported"),
        "{e}"
    );
    let e = Proxy::parse("http://u:hunter2@bad host:1", ProxySource::ProjectVariable)
        .unwrap_err()
        .to_string();
    assert!(
        e.starts_with("the project's PROXY_URL: \"http://u:••••••@bad host:1\""),
        "{e}"
    );
    assert!(!e.contains("hunter2"), "{e}");
}

#[test]
fn the_flag_beats_the_project_which_beats_the_environment() {
    let e = env(&[
        ("HTTPS_PROXY", "http://env:1"),
        ("http_proxy", "http://envhttp:2"),
    ]);
    let request = ProxyRequest {
        url: Some("http://flag:3".into()),
        ..Default::default()
    };
    let choice = ProxyChoice::resolve(&request, Some("http://project:4"), None, &e).unwrap();
    let used = choice
        .for_destination("mqtt.acme.example", Destination::Tunnel)
        .unwrap();
    assert_eq!(
        (used.host.as_str(), &used.source),
        ("flag", &ProxySource::Flag)
    );

    let choice =
        ProxyChoice::resolve(&ProxyRequest::default(), Some("http://project:4"), None, &e).unwrap();
    assert_eq!(
        choice.for_destination("h", Destination::Http).unwrap().host,
        "project"
    );

    let choice = ProxyChoice::resolve(&ProxyRequest::default(), None, None, &e).unwrap();
    let tunnel = choice.for_destination("h", Destination::Tunnel).unwrap();
    assert_eq!(tunnel.source, ProxySource::Environment("HTTPS_PROXY"));
    assert_eq!(
        choice.for_destination("h", Destination::Http).unwrap().host,
        "envhttp"
    );
}

#[test]
fn the_environment_is_read_as_curl_reads_it() {
    // HTTP_PROXY in capitals is not read (curl ignores it: a CGI request can set it).
    let choice = ProxyChoice::resolve(
        &ProxyRequest::default(),
        None,
        None,
        env(&[
            ("HTTP_PROXY", "http://ignored:1"),
            ("all_proxy", "http://all:2"),
        ]),
    )
    .unwrap();
    assert_eq!(
        choice.for_destination("h", Destination::Http).unwrap().host,
        "all"
    );
    assert_eq!(
        choice
            .for_destination("h", Destination::Tunnel)
            .unwrap()
            .host,
        "all"
    );
    let none = ProxyChoice::resolve(&ProxyRequest::default(), None, None, env(&[])).unwrap();
    assert!(none.for_destination("h", Destination::Tunnel).is_none());
}

#[test]
fn no_proxy_and_the_off_switch_go_direct() {
    let e = env(&[
        ("HTTPS_PROXY", "http://p:1"),
        ("NO_PROXY", "localhost, .internal.acme.example,10.1.2.3"),
    ]);
    let choice = ProxyChoice::resolve(&ProxyRequest::default(), None, None, &e).unwrap();
    for direct in [
        "localhost",
        "ota.internal.acme.example",
        "internal.acme.example",
        "10.1.2.3",
    ] {
        assert!(
            choice
                .for_destination(direct, Destination::Tunnel)
                .is_none(),
            "{direct}"
        );
    }
    for proxied in ["notinternal.acme.example", "acme.example", "10.1.2.30"] {
        assert!(
            choice
                .for_destination(proxied, Destination::Tunnel)
                .is_some(),
            "{proxied}"
        );
    }
    let off = ProxyRequest {
        url: Some("http://flag:3".into()),
        off: true,
        mqtt: false,
    };
    let choice = ProxyChoice::resolve(&off, None, None, &e).unwrap();
    assert!(choice.for_destination("h", Destination::Tunnel).is_none());
    let star = ProxyChoice::resolve(
        &ProxyRequest::default(),
        None,
        None,
        env(&[("https_proxy", "http://p:1"), ("no_proxy", "*")]),
    )
    .unwrap();
    assert!(star
        .for_destination("anything", Destination::Tunnel)
        .is_none());
}

#[test]
fn proxy_mqtt_comes_from_the_flag_or_the_project() {
    let e = env(&[]);
    let flag = ProxyRequest {
        mqtt: true,
        ..Default::default()
    };
    assert!(ProxyChoice::resolve(&flag, None, None, &e).unwrap().mqtt);
    assert!(
        ProxyChoice::resolve(&ProxyRequest::default(), None, Some("true"), &e)
            .unwrap()
            .mqtt
    );
    assert!(
        !ProxyChoice::resolve(&ProxyRequest::default(), None, Some("no"), &e)
            .unwrap()
            .mqtt
    );
}
