//! The keys of each template kind in the order of the reference's JSON, with their canonical
//! values — quirks included, so LoopCloud files round-trip (DESIGN.md §7): the bootstrap PSK
//! hex field is fed by the text placeholder, and the LWM2M PSK identity placeholder is
//! misspelled `%LWM2M_PSK_IDENITY%`. The lint flags both.

use super::{FieldSpec, ValueType as T};

const fn field(
    key: &'static str,
    canonical: &'static str,
    value_type: T,
    doc: &'static str,
) -> FieldSpec {
    FieldSpec {
        key,
        canonical,
        value_type,
        secret: false,
        doc,
    }
}

const fn secret(
    key: &'static str,
    canonical: &'static str,
    value_type: T,
    doc: &'static str,
) -> FieldSpec {
    FieldSpec {
        key,
        canonical,
        value_type,
        secret: true,
        doc,
    }
}

const REMOTE_NETWORK: FieldSpec = field(
    "remoteNetwork",
    "%REMOTE_NETWORK%",
    T::Hex,
    "Hexadecimal id of the LoopCloud network the device belongs to",
);
const LWM2M_ENDPOINT: FieldSpec = field(
    "lwm2mEndpoint",
    "%LWM2M_ENDPOINT%",
    T::Text,
    "Endpoint client name the device registers with; unique per server",
);
const FORCE_ACCESS_CONTROL: FieldSpec = field(
    "forceAccessControl",
    "false",
    T::Bool,
    "Always false: LoopCloud does not implement LWM2M access control yet",
);

pub(super) const LWM2M_BOOTSTRAP_PSK: &[FieldSpec] = &[
    field(
        "lwm2mBsHostName",
        "%LWM2M_BS_HOST%",
        T::Host,
        "Host name of the LWM2M bootstrap server",
    ),
    field(
        "lwm2mBsPortDtls",
        "%LWM2M_BS_DTLS_PORT%",
        T::Port,
        "UDP port of the bootstrap server over DTLS; 15684 by default",
    ),
    LWM2M_ENDPOINT,
    field(
        "lwm2mBsPSKIdentity",
        "%LWM2M_BS_PSK_IDENTITY%",
        T::Text,
        "PSK identity the device presents to the bootstrap server",
    ),
    secret(
        "lwm2mBsPSKValue",
        "%LWM2M_BS_PSK_VALUE%",
        T::Text,
        "Pre-shared key for the bootstrap server, as text; acts as a password",
    ),
    secret(
        "lwm2mBsPSKValueHex",
        "%LWM2M_BS_PSK_VALUE%",
        T::Hex,
        "The same pre-shared key in hexadecimal; must encode the same bytes as the text",
    ),
    FORCE_ACCESS_CONTROL,
    REMOTE_NETWORK,
];

pub(super) const LWM2M_BOOTSTRAP_NOSEC: &[FieldSpec] = &[
    field(
        "lwm2mBsHostName",
        "%LWM2M_BS_HOST%",
        T::Host,
        "Host name of the LWM2M bootstrap server",
    ),
    field(
        "lwm2mBsPortNoSec",
        "%LWM2M_BS_NOSEC_PORT%",
        T::Port,
        "UDP port of the bootstrap server without security; 15683 by default",
    ),
    LWM2M_ENDPOINT,
    FORCE_ACCESS_CONTROL,
    REMOTE_NETWORK,
];

pub(super) const LWM2M_PSK: &[FieldSpec] = &[
    field(
        "lwm2mHostName",
        "%LWM2M_HOST%",
        T::Host,
        "Host name of the LoopCloud LWM2M server",
    ),
    field(
        "lwm2mPortDtls",
        "%LWM2M_DTLS_PORT%",
        T::Port,
        "UDP port of the LWM2M server over DTLS; 5684 by default",
    ),
    LWM2M_ENDPOINT,
    field(
        "lwm2mPSKIdentity",
        "%LWM2M_PSK_IDENITY%",
        T::Text,
        "PSK identity the device presents to the LWM2M server",
    ),
    secret(
        "lwm2mPSKValue",
        "%LWM2M_PSK_VALUE%",
        T::Text,
        "Pre-shared key for the LWM2M server, as text; acts as a password",
    ),
    secret(
        "lwm2mPSKValueHex",
        "%LWM2M_PSK_VALUE_HEX%",
        T::Hex,
        "The same pre-shared key in hexadecimal; must encode the same bytes as the text",
    ),
    REMOTE_NETWORK,
];

pub(super) const LWM2M_NOSEC: &[FieldSpec] = &[
    field(
        "lwm2mHostName",
        "%LWM2M_HOST%",
        T::Host,
        "Host name of the LoopCloud LWM2M server",
    ),
    field(
        "lwm2mPortNoSec",
        "%LWM2M_NOSEC_PORT%",
        T::Port,
        "UDP port of the LWM2M server without security; 5683 by default",
    ),
    LWM2M_ENDPOINT,
    REMOTE_NETWORK,
];

const MQTT_USER_NAME: FieldSpec = field(
    "mqttUserName",
    "%MQTT_USERNAME%",
    T::Text,
    "User name the device presents to the broker",
);
const MQTT_PASSWORD: FieldSpec = secret(
    "mqttPassword",
    "%MQTT_PASSWORD%",
    T::Text,
    "Password of that user",
);
const MQTT_CLIENT_ID: FieldSpec = field(
    "mqttClientId",
    "%MQTT_CLIENT_ID%",
    T::Text,
    "MQTT client id; unique per broker, or sessions collide",
);
const MQTT_REQ_TOPIC: FieldSpec = field(
    "mqttReqTopicName",
    "%MQTT_REQ_TOPIC%",
    T::Topic,
    "Topic on which the cloud sends requests to the device",
);
const MQTT_RESP_TOPIC: FieldSpec = field(
    "mqttRespTopicName",
    "%MQTT_RESP_TOPIC%",
    T::Topic,
    "Topic on which the device answers requests",
);
const MQTT_DATA_TOPIC: FieldSpec = field(
    "mqttDataTopicName",
    "%MQTT_DATA_TOPIC%",
    T::Topic,
    "Topic on which the device publishes its data",
);

pub(super) const MQTT_HTTP: &[FieldSpec] = &[
    field(
        "httpUrl",
        "%MQTT_HTTP%",
        T::Url,
        "http:// URL of LoopCloud's MQTT publish service, e.g. http://acme.example/mqtt/publish",
    ),
    MQTT_USER_NAME,
    MQTT_PASSWORD,
    MQTT_CLIENT_ID,
    MQTT_REQ_TOPIC,
    MQTT_RESP_TOPIC,
    MQTT_DATA_TOPIC,
    REMOTE_NETWORK,
];

pub(super) const MQTT_HTTPS: &[FieldSpec] = &[
    field(
        "httpsUrl",
        "%MQTT_HTTPS%",
        T::Url,
        "https:// URL of LoopCloud's MQTT publish service",
    ),
    MQTT_USER_NAME,
    MQTT_PASSWORD,
    MQTT_CLIENT_ID,
    MQTT_REQ_TOPIC,
    MQTT_RESP_TOPIC,
    MQTT_DATA_TOPIC,
    REMOTE_NETWORK,
];

pub(super) const MQTT_TCP: &[FieldSpec] = &[
    field(
        "mqttHostName",
        "%MQTT_HOST%",
        T::Host,
        "Host name of the LoopCloud MQTT broker",
    ),
    field(
        "mqttTcpPort",
        "%MQTT_TCP_PORT%",
        T::Port,
        "Plain TCP port of the broker; 1883 by default",
    ),
    MQTT_USER_NAME,
    MQTT_PASSWORD,
    MQTT_CLIENT_ID,
    MQTT_REQ_TOPIC,
    MQTT_RESP_TOPIC,
    MQTT_DATA_TOPIC,
    REMOTE_NETWORK,
];

pub(super) const MQTT_TLS: &[FieldSpec] = &[
    field(
        "mqttHostName",
        "%MQTT_HOST%",
        T::Host,
        "Host name of the LoopCloud MQTT broker",
    ),
    field(
        "mqttSslPort",
        "%MQTT_SSL_PORT%",
        T::Port,
        "TLS port of the broker; 8883 by default",
    ),
    field(
        "mqttServerCA",
        "%MQTT_CA_CERT%",
        T::Pem,
        "CA certificate (PEM) that issued the broker's certificate",
    ),
    MQTT_USER_NAME,
    MQTT_PASSWORD,
    MQTT_CLIENT_ID,
    MQTT_REQ_TOPIC,
    MQTT_RESP_TOPIC,
    MQTT_DATA_TOPIC,
    REMOTE_NETWORK,
];

pub(super) const OTA: &[FieldSpec] = &[
    secret(
        "otaPrivateKey",
        "%OTA_PRIVATE_KEY%",
        T::Pem,
        "The device's private key (PEM, may be encrypted) for client-certificate TLS",
    ),
    field(
        "otaCert",
        "%OTA_CERT%",
        T::Pem,
        "The device's client certificate (PEM), matching the private key",
    ),
    field(
        "otaCaCert",
        "%OTA_CA_CERT%",
        T::Pem,
        "CA certificate (PEM) that the OTA server's certificate is checked against",
    ),
    field(
        "otaDDIUrl",
        "%OTA_DDI_URL%",
        T::Url,
        "hawkBit DDI URL: the base, base/tenant, or the full controller URL",
    ),
];
