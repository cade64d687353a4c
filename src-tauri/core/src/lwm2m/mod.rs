//! LwM2M as a client sees it: the objects a check meets (their definitions in
//! `definitions.rs`, values in every content format in `objects.rs`, both pure), the client a check plays (`client.rs`: Register, Update, De-register, reads)
//! the client side of bootstrap (`bootstrap.rs`: Delete, Write, Discover, Finish) and
//! observations with their notifications (`observe.rs`, for the virtual device).

pub mod bootstrap;
pub mod client;
pub mod definitions;
pub mod objects;
pub mod observe;
