//! LwM2M as a client sees it, all pure: the objects a check meets (their definitions in
//! `definitions.rs`, values in every content format in `objects.rs`), the registration
//! interface (`registration.rs`: the Register, Update and De-register messages, the
//! server's answers, the device's objects and reads of them), the client side of bootstrap
//! (`bootstrap.rs`: Delete, Write, Discover, Finish) and observations with their
//! notifications (`observe.rs`, for the virtual device). [`crate::lwm2m_client`] drives
//! these over a CoAP link.

pub mod bootstrap;
pub mod definitions;
pub mod objects;
pub mod observe;
pub mod registration;
