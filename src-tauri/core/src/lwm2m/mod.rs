//! LwM2M as a client sees it: the object model of the objects a check meets (pure, in
//! `objects.rs`), the client a check plays (`client.rs`: Register, Update, De-register, reads)
//! and the client side of bootstrap (`bootstrap.rs`: Delete, Write, Discover, Finish).

pub mod bootstrap;
pub mod client;
pub mod objects;
