//! LwM2M as a client sees it: the object model of the objects a check meets (pure, in
//! `objects.rs`) and the client a check plays (`client.rs`: Register, Update, De-register, reads).

pub mod client;
pub mod objects;
