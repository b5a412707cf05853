//! Routes, mirroring the URL tree.

pub mod health;
