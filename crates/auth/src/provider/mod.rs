//! Auth providers. Only `emailpass` exists; another provider would be a sibling module and a
//! match arm in the service.

pub mod emailpass;
