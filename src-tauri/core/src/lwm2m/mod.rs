//! LwM2M as a client sees it: the object model of the objects a check meets (pure, in
//! `objects.rs`); the registration and bootstrap interfaces build on it.

pub mod objects;
