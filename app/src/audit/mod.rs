//! The append-only audit log: who changed what, when, before and after. Every feature writes its
//! entries through [`db::insert_audit`] inside the transaction of the change itself.
#[cfg(feature = "ssr")]
pub mod db;
