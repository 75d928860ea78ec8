//! Webhook endpoints: list, search, catalog, create, get, update (PUT), patch (PATCH), delete (the
//! reference, with contract sections 4 and 5). [`crud`] holds the routes; [`body`] reads and checks a
//! write's body, for the routes and for the fuzz target `endpoint_body`.

pub mod body;
mod crud;

pub use crud::router;
