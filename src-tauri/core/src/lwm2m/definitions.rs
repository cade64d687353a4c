//! The definitions of the LwM2M objects a check needs (OMA LwM2M 1.1 Core, Appendix E):
//! Security (0), Server (1), Device (3) and Temperature (3303) — each resource's id, name
//! and type, and the content formats a client meets. Data only.

/// Content formats a LwM2M client meets (LwM2M 1.1 Core §7.4; RFC 7252 §12.3).
pub mod content_format {
    pub const TEXT: u16 = 0;
    pub const LINK_FORMAT: u16 = 40;
    pub const OPAQUE: u16 = 42;
    pub const CBOR: u16 = 60;
    pub const SENML_JSON: u16 = crate::codec::senml::JSON_CONTENT_FORMAT;
    pub const SENML_CBOR: u16 = crate::codec::senml::CBOR_CONTENT_FORMAT;
    pub const TLV: u16 = crate::codec::tlv::CONTENT_FORMAT;
    pub const LWM2M_JSON: u16 = 11543;
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ResourceType {
    Text,
    Integer,
    Boolean,
    Float,
    Opaque,
    Time,
    ObjectLink,
}

/// One resource of an object definition.
#[derive(Debug, Clone, Copy)]
pub struct ResourceSpec {
    pub id: u16,
    pub name: &'static str,
    pub kind: ResourceType,
    /// Whether a write or read of it should be shown masked (keys).
    pub secret: bool,
}

const fn r(id: u16, name: &'static str, kind: ResourceType) -> ResourceSpec {
    ResourceSpec {
        id,
        name,
        kind,
        secret: false,
    }
}

use ResourceType as T;

pub const SECURITY: &[ResourceSpec] = &[
    r(0, "LWM2M Server URI", T::Text),
    r(1, "Bootstrap-Server", T::Boolean),
    r(2, "Security Mode", T::Integer),
    r(3, "Public Key or Identity", T::Opaque),
    r(4, "Server Public Key", T::Opaque),
    ResourceSpec {
        id: 5,
        name: "Secret Key",
        kind: T::Opaque,
        secret: true,
    },
    r(10, "Short Server ID", T::Integer),
    r(11, "Client Hold Off Time", T::Integer),
    r(12, "Bootstrap-Server Account Timeout", T::Integer),
];

pub const SERVER: &[ResourceSpec] = &[
    r(0, "Short Server ID", T::Integer),
    r(1, "Lifetime", T::Integer),
    r(2, "Default Minimum Period", T::Integer),
    r(3, "Default Maximum Period", T::Integer),
    r(5, "Disable Timeout", T::Integer),
    r(6, "Notification Storing", T::Boolean),
    r(7, "Binding", T::Text),
];

pub const DEVICE: &[ResourceSpec] = &[
    r(0, "Manufacturer", T::Text),
    r(1, "Model Number", T::Text),
    r(2, "Serial Number", T::Text),
    r(3, "Firmware Version", T::Text),
    r(9, "Battery Level", T::Integer),
    r(10, "Memory Free", T::Integer),
    r(11, "Error Code", T::Integer),
    r(13, "Current Time", T::Time),
    r(16, "Supported Binding and Modes", T::Text),
    r(17, "Device Type", T::Text),
    r(18, "Hardware Version", T::Text),
    r(19, "Software Version", T::Text),
];

pub const TEMPERATURE: &[ResourceSpec] = &[
    r(5700, "Sensor Value", T::Float),
    r(5701, "Sensor Units", T::Text),
    r(5601, "Min Measured Value", T::Float),
    r(5602, "Max Measured Value", T::Float),
];

/// The definition of object `id`, when the check knows it.
pub fn object(id: u16) -> Option<&'static [ResourceSpec]> {
    match id {
        0 => Some(SECURITY),
        1 => Some(SERVER),
        3 => Some(DEVICE),
        3303 => Some(TEMPERATURE),
        _ => None,
    }
}

pub fn resource(object_id: u16, resource_id: u16) -> Option<&'static ResourceSpec> {
    object(object_id)?.iter().find(|r| r.id == resource_id)
}
